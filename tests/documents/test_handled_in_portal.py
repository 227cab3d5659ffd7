"""Issue 14, 1a: an incoming document is processed electronically only when its content is in the
portal (an electronic original, or a scan attached on arrival) AND it is handled in the portal
(DOMAIN.md §5: "distributed and handled through the portal; a document that circulates only on
paper is not"). documents/rules.py `handled_in_portal` says what the portal holds about that:
a document registered here runs its handling chain here; one imported from a register kept
elsewhere was handled there, until it is submitted or assigned here; a scan attached once the
handling is done is a copy for the file (the document circulated on paper)."""

import datetime

import pytest
from django.urls import reverse

from documents import services
from documents.choices import Confidentiality, Direction, Form, PaperReason, Status
from documents.importer import register_import
from documents.models import Document
from documents.rules import form_explanation, handled_in_portal, incoming_form
from tests.conftest import scan_upload, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media):
    """Uploads go to a folder of the test's own (tests/conftest.py `media`)."""


def register(agency, **fields):
    values = {"number_symbol": "125/UBND-KT", "issuer": "Ủy ban nhân dân tỉnh", "summary": "V/v triển khai",
              "document_date": datetime.date(2026, 3, 2), "arrival_date": datetime.date(2026, 3, 3)}
    values.update(fields)
    return services.incoming_register(acting_user=agency.clerk, **values)


def imported(agency, form="Giấy") -> Document:
    """An incoming document from a register kept outside the portal (handled there)."""
    headers = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Hình thức"]
    row = [4, "05/03/2026", "Sở Tài chính", "15/STC-NS", "04/03/2026", "V/v quyết toán", form]
    register_import(acting_user=agency.clerk, upload=xlsx_upload(xlsx_bytes([headers, row])), mapping=None,
                    direction=Direction.INCOMING)
    return Document.objects.get(number=4)


def attach(agency, document, name="ban-so-hoa.pdf"):
    services.attachments_add(acting_user=agency.clerk, document=document, uploads=[scan_upload(name)])
    document.refresh_from_db()
    return document


def handle_to_the_end(agency, document):
    services.incoming_submit(acting_user=agency.clerk, document=document)
    services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                             officer=agency.officer_a)
    services.incoming_complete(acting_user=agency.officer_a, document=document, text="Đã xong")
    document.refresh_from_db()
    return document


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("has_content", "handled", "confidentiality", "form"), [
    (True, True, Confidentiality.NORMAL, Form.ELECTRONIC),
    (True, False, Confidentiality.NORMAL, Form.PAPER),  # content here, handled elsewhere
    (False, True, Confidentiality.NORMAL, Form.PAPER),  # handled here, content on paper only
    (True, True, Confidentiality.SECRET, Form.PAPER),
])
def test_the_incoming_form_needs_both_content_and_handling_in_the_portal(has_content, handled, confidentiality, form):
    assert incoming_form(form=None, confidentiality=confidentiality, has_content=has_content,
                         handled_in_portal=handled) == form


def test_a_document_registered_here_is_handled_here_an_imported_one_until_submitted_or_assigned(agency):
    assert handled_in_portal(register(agency))
    document = imported(agency)
    assert not handled_in_portal(document)
    services.incoming_submit(acting_user=agency.clerk, document=document)
    document.refresh_from_db()
    assert handled_in_portal(document)


# --- registered here -------------------------------------------------------------------------------


def test_a_scan_attached_on_arrival_makes_a_registered_document_electronic(agency):
    document = register(agency, attachments=[scan_upload()])
    assert document.form == Form.ELECTRONIC
    assert "được xử lý trên hệ thống" in form_explanation(document)[1]


def test_a_scan_attached_while_handled_makes_it_electronic_with_history(agency):
    document = register(agency)
    services.incoming_submit(acting_user=agency.clerk, document=document)
    services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a)
    document = attach(agency, Document.objects.get(pk=document.pk))
    assert document.form == Form.ELECTRONIC and "chuyển sang xử lý điện tử" in document.history.first().history_change_reason


def test_a_scan_attached_after_the_handling_is_done_leaves_it_paper_and_says_why(agency):
    document = handle_to_the_end(agency, register(agency, paper_reason=PaperReason.SENDER_PAPER_ONLY))
    assert document.status == Status.DONE
    document = attach(agency, document, "luu-ho-so.pdf")
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.SENDER_PAPER_ONLY)
    latest = document.history.first()
    assert latest.form == Form.PAPER and "luu-ho-so.pdf" in latest.history_change_reason  # the attachment's row
    assert "đính kèm sau khi văn bản đã xử lý xong" in form_explanation(document)[1]


# --- imported from a register kept elsewhere ------------------------------------------------------------


def test_a_scan_attached_to_an_imported_document_leaves_it_paper_until_it_is_handled_here(agency, login):
    document = attach(agency, imported(agency))
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.UNJUSTIFIED)
    assert "nhập từ sổ đăng ký ngoài hệ thống" in form_explanation(document)[1]
    page = login(agency.clerk).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "nhập từ sổ đăng ký ngoài hệ thống" in page  # the reason is shown

    services.incoming_submit(acting_user=agency.clerk, document=document)
    document.refresh_from_db()
    assert (document.form, document.paper_reason) == (Form.ELECTRONIC, "")
    latest = document.history.first()
    assert latest.form == Form.ELECTRONIC and "nay được xử lý trên hệ thống" in latest.history_change_reason
    assert "được xử lý trên hệ thống" in form_explanation(document)[1]


def test_an_imported_document_assigned_here_with_its_scan_becomes_electronic(agency):
    document = attach(agency, imported(agency))
    services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a)
    document.refresh_from_db()
    assert document.form == Form.ELECTRONIC
    assert "nay được xử lý trên hệ thống" in document.history.first().history_change_reason


def test_an_imported_document_without_a_file_stays_paper_when_handled_here(agency):
    document = imported(agency)
    services.incoming_submit(acting_user=agency.clerk, document=document)
    document.refresh_from_db()
    assert document.form == Form.PAPER
    assert document.history.count() == 2  # imported, submitted: no form change


def test_a_document_registered_on_paper_on_purpose_keeps_its_form_when_submitted(agency):
    # Asked paper with a file at registration (the sender's wet-signed original): submitting it is
    # no new evidence; only an imported document's form waits for the handling here.
    document = register(agency, form=Form.PAPER, paper_reason=PaperReason.WET_SIGNATURE, attachments=[scan_upload()])
    services.incoming_submit(acting_user=agency.clerk, document=document)
    document.refresh_from_db()
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.WET_SIGNATURE)
