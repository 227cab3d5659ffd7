"""Sending an outgoing document as packages, and the round trip to a second instance."""

import datetime
import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services as document_services
from documents.choices import Form, Status
from documents.models import Document
from exchange import edxml, services
from exchange.models import InboundPackage, Organisation, OutboundPackage
from recordsportal.models import Agency
from recordsportal.services import DomainError

from .conftest import AGENCY_CODE, SENDER_CODE, outbox_files
from tests.conftest import signed_pdf

OTHER_CODE = "000.00.00.G22"


@functools.cache
def signed_file() -> bytes:
    """The issued file: a digitally signed PDF, the same bytes for every document of the module."""
    return signed_pdf()


def issue(exchange, *, recipients="- UBND tỉnh Hà Tĩnh;\n- Sở Nội vụ tỉnh Hà Tĩnh;\n- Công ty Cổ phần ABC;\n- Lưu: VT, QLĐT.",
          form=Form.ELECTRONIC, files=True):
    # An electronic outgoing document's file is a digitally signed PDF (issue 14).
    document = document_services.outgoing_issue(
        acting_user=exchange.clerk, kind="CV", summary="V/v báo cáo tình hình thu hút đầu tư quý I",
        department=exchange.dept_a, signer="Lê Văn Ký", recipients=recipients,
        form=form if files else Form.PAPER, issue_date=datetime.date(2026, 3, 10),
        attachments=[SimpleUploadedFile("cv-15.pdf", signed_file())] if files else [])
    if form == Form.ELECTRONIC and not files:
        # A record declared electronic without its file (before issue 14): sending names the missing PDF.
        Document.objects.filter(pk=document.pk).update(form=Form.ELECTRONIC)
        document.refresh_from_db()
    return document


@pytest.fixture
def directory(exchange):
    Organisation.objects.filter(code=SENDER_CODE).update(name="UBND tỉnh Hà Tĩnh", name_key="ubnd tinh ha tinh")
    Organisation.objects.create(code=OTHER_CODE, name="Sở Nội vụ tỉnh Hà Tĩnh")
    Organisation.objects.create(code="", name="Công ty Cổ phần ABC")  # known, not connected
    return exchange


@pytest.mark.django_db(transaction=True)
def test_sending_makes_one_package_per_recipient_with_a_code(directory, media):
    document = issue(directory)
    result = services.outgoing_send(acting_user=directory.clerk, document=document)
    assert sorted(row.to_code for row in result.created) == sorted([SENDER_CODE, OTHER_CODE])
    assert result.paper == ["Công ty Cổ phần ABC"]  # the file copy line is not a recipient
    for row in result.created:
        with row.file.open("rb") as handle, edxml.read_package(handle) as package:
            assert (package.sender.code, package.sender.name) == (AGENCY_CODE, "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh")
            assert [r.code for r in package.recipients] == [row.to_code]
            assert (package.number_symbol, package.promulgation_date) == (document.number_symbol, document.document_date)
            assert package.document_id == f"{AGENCY_CODE},2026/03/10,{document.number_symbol}"
            [pdf] = package.attachments
            assert (pdf.name, pdf.file.read()) == ("cv-15.pdf", signed_file())
    assert sorted(outbox_files(media)) == sorted(row.file_name for row in result.created)
    # Sending again creates nothing new.
    again = services.outgoing_send(acting_user=directory.clerk, document=document)
    assert again.created == [] and len(again.already) == 2
    assert OutboundPackage.objects.filter(kind="document").count() == 2


def test_sending_is_in_the_document_history_with_the_sender_and_the_recipients(directory):
    # The outbound packages have no history table: before issue 13 sending left no row on the document.
    document = issue(directory)
    services.outgoing_send(acting_user=directory.clerk, document=document)
    services.outgoing_send(acting_user=directory.clerk, document=document)  # nothing new: no second row
    row = document.history.order_by("-history_id").first()
    assert row.history_user == directory.clerk
    assert row.history_change_reason == ("Gửi liên thông tới UBND tỉnh Hà Tĩnh (000.00.00.H42); "
                                         "Sở Nội vụ tỉnh Hà Tĩnh (000.00.00.G22).")
    assert document.history.filter(history_change_reason__startswith="Gửi liên thông").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("options, message", [
    ({"form": Form.PAPER}, "bằng giấy"),
    ({"files": False}, "tệp PDF"),
    ({"recipients": "- Công ty Cổ phần ABC"}, "mã định danh"),
])
def test_sending_lists_every_reason_it_cannot(directory, options, message):
    document = issue(directory, **options)
    with pytest.raises(DomainError, match=message):
        services.outgoing_send(acting_user=directory.clerk, document=document)
    assert not OutboundPackage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_only_the_office_sends(directory):
    document = issue(directory)
    with pytest.raises(DomainError, match="văn thư"):
        services.outgoing_send(acting_user=directory.head_a, document=document)
    assert not OutboundPackage.objects.exists()


def _become(code: str, name: str) -> None:
    """The same database playing the second portal: its agency settings swapped."""
    agency = Agency.load()
    agency.identifier_code, agency.name = code, name
    agency.save()


@pytest.mark.django_db(transaction=True)
def test_a_package_the_portal_sends_registers_cleanly_in_a_second_instance(directory, media):
    # Instance A (the Board, 000.00.31.H09) issues and sends.
    document = issue(directory)
    sent = services.outgoing_send(acting_user=directory.clerk, document=document)
    to_b = next(row for row in sent.created if row.to_code == OTHER_CODE)

    # Instance B (Sở Nội vụ, 000.00.00.G22) receives the very file and registers it.
    _become(OTHER_CODE, "Sở Nội vụ tỉnh Hà Tĩnh")
    Organisation.objects.create(code=AGENCY_CODE, name="Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh")
    with to_b.file.open("rb") as handle:
        received = services.package_receive(acting_user=directory.clerk, stream=handle, name=to_b.file_name,
                                            source="folder", size=to_b.size)
    assert received.outcome == "received"  # not a duplicate of A's own outgoing document
    incoming = services.package_register(acting_user=directory.clerk, package=received.package)
    assert incoming.pk != document.pk and incoming.direction == "incoming"
    assert (incoming.number_symbol, incoming.document_date, incoming.summary, incoming.issuer, incoming.kind) == (
        document.number_symbol, document.document_date, document.summary, "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh",
        document.kind)
    assert (incoming.form, incoming.received_medium, incoming.status) == ("electronic", "electronic", Status.REGISTERED)
    assert incoming.attachments.filter(original_name="cv-15.pdf", sha256=document.attachments.get().sha256).exists()

    # B's "accepted" status goes back to A, which records it on the package it sent.
    status = OutboundPackage.objects.get(inbound=received.package, status_code="03")
    assert status.to_code == AGENCY_CODE
    _become(AGENCY_CODE, "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh")
    with status.file.open("rb") as handle:
        answer = services.package_receive(acting_user=directory.clerk, stream=handle, name="status.edxml",
                                          source="folder", size=status.size)
    assert answer.outcome == "status"
    to_b.refresh_from_db()
    assert to_b.status_code == "03" and to_b.description.startswith("Đã tiếp nhận")
    assert InboundPackage.objects.count() == 1
    assert Document.objects.filter(direction="incoming").count() == 1
