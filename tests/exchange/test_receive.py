"""Receiving a package, registering it, refusing it, and the statuses that go back to the sender."""

import datetime
import hashlib
import io

import pytest

from documents.choices import Form, Status
from documents.models import Document
from exchange import edxml, services
from exchange import schema as S
from exchange.models import InboundPackage, OutboundPackage
from recordsportal.services import DomainError

from .conftest import AGENCY_CODE, PDF, SENDER_CODE, outbox_files, package_bytes


def receive(clerk, content: bytes, name="goi.edxml"):
    return services.package_receive(acting_user=clerk, stream=io.BytesIO(content), name=name, source="upload",
                                    size=len(content))


def test_it_reads_a_package_into_its_fields():
    content = package_bytes(priority="1", due=datetime.date(2026, 3, 20))
    with edxml.read_package(io.BytesIO(content)) as package:
        assert package.kind == "document"
        assert (package.sender.code, package.recipients[0].code) == (SENDER_CODE, AGENCY_CODE)
        assert package.number_symbol == "125/UBND-KT"
        assert package.promulgation_date == datetime.date(2026, 3, 2)
        assert package.due_date == datetime.date(2026, 3, 20)
        assert package.urgency == "urgent"
        assert package.document_id == f"{SENDER_CODE},2026/03/02,125/UBND-KT"
        [attachment] = package.attachments
        assert (attachment.name, attachment.content_type, attachment.size) == ("cong-van-125.pdf", "application/pdf",
                                                                               len(PDF))
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
        assert attachment.file.read() == PDF


def test_the_senders_due_date_is_in_the_registration_history_row(exchange, media):
    # It was set by an UPDATE after the history row was written: the journal showed no deadline.
    package = receive(exchange.clerk, package_bytes(due=datetime.date(2026, 3, 20))).package
    document = services.package_register(acting_user=exchange.clerk, package=package)
    assert Document.objects.get(pk=document.pk).deadline == datetime.date(2026, 3, 20)
    [row] = document.history.all()
    assert (row.deadline, row.history_user) == (datetime.date(2026, 3, 20), exchange.clerk)
    assert package.sha256 in row.history_change_reason


@pytest.mark.django_db(transaction=True)
def test_it_receives_registers_and_tells_the_sender(exchange, media):
    clerk = exchange.clerk
    result = receive(clerk, package_bytes())
    assert result.outcome == "received"
    package = result.package
    assert (package.state, package.number_symbol, package.sender_name) == (
        InboundPackage.State.PENDING, "125/UBND-KT", "Ủy ban nhân dân tỉnh Hà Tĩnh")  # the directory's name
    assert package.document_date == datetime.date(2026, 3, 2) and package.kind == "CV"
    # "Đã đến" went back to the sender as soon as the package was received.
    received = OutboundPackage.objects.get(inbound=package, status_code=S.StatusCode.RECEIVED)
    assert received.to_code == SENDER_CODE

    document = services.package_register(acting_user=clerk, package=package)

    assert (document.form, document.received_medium, document.status) == (Form.ELECTRONIC, Form.ELECTRONIC,
                                                                           Status.REGISTERED)
    assert (document.number_symbol, document.issuer) == ("125/UBND-KT", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    names = sorted(document.attachments.values_list("original_name", "sha256"))
    assert ("cong-van-125.pdf", hashlib.sha256(PDF).hexdigest()) in names
    evidence = document.attachments.get(content_type="application/xml")
    assert evidence.sha256 == package.sha256  # the package itself, as received
    reason = document.history.latest().history_change_reason
    assert package.sha256 in reason and "edXML" in reason
    package.refresh_from_db()
    assert package.state == InboundPackage.State.REGISTERED and package.document == document

    accepted = OutboundPackage.objects.get(inbound=package, status_code=S.StatusCode.ACCEPTED)
    with accepted.file.open("rb") as handle, edxml.read_package(handle) as status:
        assert status.kind == "status"
        assert (status.status_code, status.response_organ_id, status.from_code) == ("03", SENDER_CODE, AGENCY_CODE)
        assert status.response_document_id == package.edxml_id
        assert "số đến" in status.description
    assert f"{SENDER_CODE}_{accepted.pk:08d}_status-03.edxml" in outbox_files(media)

    # Registering it again is refused: it was registered once.
    with pytest.raises(DomainError, match="đã được đăng ký"):
        services.package_register(acting_user=clerk, package=package)
    assert Document.objects.filter(number_symbol="125/UBND-KT").count() == 1


@pytest.mark.django_db(transaction=True)
def test_assigning_progress_and_completing_send_their_statuses(exchange, media):
    from documents import services as document_services

    package = receive(exchange.clerk, package_bytes()).package
    document = services.package_register(acting_user=exchange.clerk, package=package)
    document_services.incoming_assign(acting_user=exchange.leader, document=document, department=exchange.dept_a,
                                      officer=exchange.officer_a)
    document_services.incoming_record_progress(acting_user=exchange.officer_a, document=document, text="Đang làm")
    document_services.incoming_complete(acting_user=exchange.officer_a, document=document)
    codes = sorted(OutboundPackage.objects.filter(inbound=package).values_list("status_code", flat=True))
    assert codes == ["01", "03", "04", "05", "06"]
    # Re-assigning sends nothing new: one status of each kind.
    assert OutboundPackage.objects.filter(inbound=package, status_code="04").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_document_registered_by_hand_sends_no_status(exchange, incoming):
    from documents import services as document_services

    document = incoming()
    document_services.incoming_assign(acting_user=exchange.leader, document=document, department=exchange.dept_a)
    assert not OutboundPackage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_package_with_a_reason_sent_back(exchange, media):
    package = receive(exchange.clerk, package_bytes()).package
    with pytest.raises(DomainError, match="lý do"):
        services.package_refuse(acting_user=exchange.clerk, package=package, reason="  ")
    services.package_refuse(acting_user=exchange.clerk, package=package, reason="Gửi nhầm cơ quan")
    package.refresh_from_db()
    assert package.state == InboundPackage.State.REFUSED
    refused = OutboundPackage.objects.get(inbound=package, status_code=S.StatusCode.REFUSED)
    assert "Gửi nhầm cơ quan" in refused.description
    with pytest.raises(DomainError, match="bị từ chối"):
        services.package_register(acting_user=exchange.clerk, package=package)
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_clerk_corrects_the_prefilled_fields_when_registering(exchange):
    package = receive(exchange.clerk, package_bytes()).package
    document = services.package_register(acting_user=exchange.clerk, package=package, summary="Trích yếu đã sửa",
                                         kind="TB")
    assert (document.summary, document.kind) == ("Trích yếu đã sửa", "TB")


@pytest.mark.django_db(transaction=True)
def test_only_the_office_receives_and_registers(exchange):
    with pytest.raises(DomainError, match="văn thư"):
        receive(exchange.officer_a, package_bytes())
    package = receive(exchange.clerk, package_bytes()).package
    with pytest.raises(DomainError, match="văn thư"):
        services.package_register(acting_user=exchange.leader, package=package)
    assert InboundPackage.objects.get().state == InboundPackage.State.PENDING


# --- duplicates -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_file_received_twice_is_one_package(exchange):
    content = package_bytes()
    first = receive(exchange.clerk, content)
    again = receive(exchange.clerk, content)
    assert again.outcome == "already" and again.package == first.package
    assert InboundPackage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_package_of_a_registered_document_is_flagged_and_never_registered(exchange):
    first = receive(exchange.clerk, package_bytes()).package
    document = services.package_register(acting_user=exchange.clerk, package=first)
    # The same document, another package (resent with another timestamp, subject retyped).
    second = receive(exchange.clerk, package_bytes(subject="Về việc triển khai QĐ 28 (gửi lại)"))
    assert second.outcome == "duplicate"
    assert second.package.duplicate_of_document == document
    assert "Trùng văn bản đã đăng ký" in second.message
    assert services.register_problems(second.package)
    with pytest.raises(DomainError, match="đã được đăng ký"):
        services.package_register(acting_user=exchange.clerk, package=second.package)
    assert Document.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_sender_number_and_date_under_another_document_id_is_a_duplicate(exchange, incoming):
    registered = incoming(number_symbol="125/UBND-KT", issuer="Ủy ban nhân dân tỉnh Hà Tĩnh",
                          document_date=datetime.date(2026, 3, 2))
    result = receive(exchange.clerk, package_bytes(document_id="another-id"))
    assert result.outcome == "duplicate" and result.package.duplicate_of_document == registered
    with pytest.raises(DomainError):
        services.package_register(acting_user=exchange.clerk, package=result.package)
    assert Document.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_package_for_another_agency_is_refused(exchange, media):
    from .conftest import stored_files

    with pytest.raises(edxml.PackageError, match="<To>/<OrganId>"):
        receive(exchange.clerk, package_bytes(to="000.00.00.G01"))
    assert not InboundPackage.objects.exists() and stored_files(media) == []
