"""Issue 14, part 1: "electronic" is shown by what the portal holds, never a default the clerk
forgets; a paper document keeps its reason, and the dashboard shows them beside E."""

import datetime

import pytest
from django.urls import reverse

from documents import services
from documents.choices import Confidentiality, Form, PaperReason
from documents.models import Document
from documents.querysets import paper_counts
from recordsportal.services import DomainError
from tests.conftest import scan_upload

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


def register(agency, **fields):
    values = {"number_symbol": "125/UBND-KT", "issuer": "Ủy ban nhân dân tỉnh", "summary": "V/v triển khai",
              "document_date": datetime.date(2026, 3, 2), "arrival_date": datetime.date(2026, 3, 3)}
    values.update(fields)
    return services.incoming_register(acting_user=agency.clerk, **values)


def page_post(**overrides):
    data = {"arrival_date": "03/03/2026", "number_symbol": "125/UBND-KT", "document_date": "02/03/2026",
            "issuer": "Ủy ban nhân dân tỉnh", "kind": "CV", "summary": "V/v triển khai Chỉ thị", "recipients": "",
            "received_medium": Form.PAPER, "urgency": "normal", "confidentiality": "normal", "notes": ""}
    data.update(overrides)
    return data


def test_an_incoming_document_without_a_file_is_paper_with_an_unjustified_reason(agency):
    document = register(agency)
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.UNJUSTIFIED)


def test_an_incoming_document_with_its_scan_is_electronic_without_a_paper_reason(agency):
    document = register(agency, attachments=[scan_upload()], paper_reason=PaperReason.PHYSICAL)
    assert (document.form, document.paper_reason) == (Form.ELECTRONIC, "")


def test_the_service_refuses_electronic_without_a_file(agency):
    with pytest.raises(DomainError) as refused:
        register(agency, form=Form.ELECTRONIC)
    assert refused.value.field == "form" and "bản số hóa" in str(refused.value)


def test_a_confidential_document_is_paper_with_a_justified_reason_even_with_a_file(agency):
    document = register(agency, attachments=[scan_upload()], confidentiality=Confidentiality.SECRET,
                        paper_reason=PaperReason.UNJUSTIFIED)
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.CONFIDENTIAL)


def test_the_page_asks_the_paper_reason_when_no_file_is_attached(agency, login):
    client = login(agency.clerk)
    response = client.post(reverse("documents:incoming_create"), page_post())
    assert response.status_code == 200 and "paper_reason" in response.context["form"].errors
    assert "form" not in response.context["form"].fields  # nothing to forget: the form follows the file
    response = client.post(reverse("documents:incoming_create"),
                           page_post(paper_reason=PaperReason.SENDER_PAPER_ONLY), follow=True)
    page = response.content.decode()
    assert "Văn bản giấy, vì:" in page and "nơi gửi chưa có hệ thống điện tử" in page
    assert "được ghi là văn bản giấy" in page  # the message after registering says so


def test_the_page_registers_a_document_with_its_scan_as_electronic_and_says_why(agency, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login(agency.clerk).post(reverse("documents:incoming_create"),
                                        page_post(attachments=scan_upload("cv-125.pdf")), follow=True)
    page = response.content.decode()
    assert "Điện tử, vì:" in page and "cv-125.pdf" in page


def test_the_api_derives_paper_without_a_file_and_refuses_electronic(agency, login):
    client = login(agency.clerk)
    body = {"number_symbol": "7/SKHĐT-ĐT", "issuer": "Sở Kế hoạch và Đầu tư", "summary": "V/v báo cáo",
            "document_date": "2026-03-02", "arrival_date": "2026-03-03"}
    refused = client.post("/api/v1/documents/", {**body, "form": "electronic"}, content_type="application/json")
    assert refused.status_code == 400 and "form" in refused.json().get("errors", refused.json())
    created = client.post("/api/v1/documents/", {**body, "paper_reason": "wet_signature"},
                          content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["form"], created.json()["paper_reason"]) == ("paper", "wet_signature")


def test_attaching_the_scan_later_makes_it_electronic_with_a_history_row(agency, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = register(agency, paper_reason=PaperReason.SENDER_PAPER_ONLY)
    login(agency.clerk).post(reverse("documents:attach", args=[document.pk]), {"attachments": [scan_upload("scan.pdf")]})
    document.refresh_from_db()
    assert (document.form, document.paper_reason) == (Form.ELECTRONIC, "")
    latest = document.history.first()
    assert latest.form == Form.ELECTRONIC and latest.history_user == agency.clerk
    assert "scan.pdf" in latest.history_change_reason and "điện tử" in latest.history_change_reason
    assert document.history.filter(form=Form.PAPER).exists()  # the paper past stays in the history


def test_attaching_a_file_to_a_confidential_document_keeps_it_paper(agency, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = register(agency, confidentiality=Confidentiality.SECRET)
    login(agency.clerk).post(reverse("documents:attach", args=[document.pk]), {"attachments": [scan_upload()]})
    document.refresh_from_db()
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.CONFIDENTIAL)


def test_attaching_a_file_that_changes_no_form_leaves_a_history_row_naming_who_attached_it(agency, media):
    # Attachments have no history table: before issue 13 a file added to an electronic (or a
    # confidential) document left no trace in the document's journal.
    electronic = register(agency, attachments=[scan_upload("scan.pdf")])
    secret = register(agency, number_symbol="126/UBND-KT", confidentiality=Confidentiality.SECRET)
    for document in (electronic, secret):
        before = document.history.count()
        services.attachments_add(acting_user=agency.clerk, document=document, uploads=[scan_upload("phu-luc.pdf")])
        assert document.history.count() == before + 1
        latest = document.history.first()
        assert (latest.history_user, latest.history_change_reason) == (agency.clerk, "Đính kèm tệp “phu-luc.pdf”.")
        assert latest.form == Document.objects.get(pk=document.pk).form


def test_paper_counts_split_justified_and_unjustified_by_scope(agency, make_document):
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason=PaperReason.PHYSICAL)
    make_document(agency.unit_a1, agency.officer_a1_unit, form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)  # no reason recorded: unjustified
    make_document(agency.dept_a, agency.officer_a, form=Form.ELECTRONIC)
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, confidentiality=Confidentiality.SECRET,
                  paper_reason=PaperReason.CONFIDENTIAL)
    make_document(agency.dept_b, agency.officer_b, form=Form.PAPER, paper_reason=PaperReason.SENDER_PAPER_ONLY)
    make_document(agency.dept_b, agency.officer_b, form=Form.PAPER, day=datetime.date(2026, 4, 1))
    april = datetime.date(2026, 4, 1)
    assert paper_counts(start=MARCH, end=april) == {"justified": 2, "unjustified": 2}
    assert paper_counts(start=MARCH, end=april, department=agency.dept_a) == {"justified": 1, "unjustified": 2}
    assert paper_counts(start=MARCH, end=april, officer=agency.officer_a) == {"justified": 1, "unjustified": 1}
    assert paper_counts(start=MARCH, end=april, exclude_confidential=False) == {"justified": 3, "unjustified": 2}


def test_the_dashboard_shows_justified_and_unjustified_paper_beside_e(agency, login, make_document):
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason=PaperReason.WET_SIGNATURE)
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    make_document(agency.dept_b, agency.officer_b, form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    page = login(agency.clerk).get(reverse("reports:dashboard"), {"month": "2026-03"}).content.decode()
    assert "Văn bản giấy tháng 03/2026: 1 có lý do chính đáng, 2 không có lý do chính đáng." in page
    page = login(agency.officer_b).get(reverse("reports:dashboard"), {"month": "2026-03"}).content.decode()
    assert "Văn bản giấy tháng 03/2026: 0 có lý do chính đáng, 1 không có lý do chính đáng." in page


def test_an_imported_paper_row_keeps_a_paper_reason_by_the_same_rule(agency, settings, tmp_path):
    from tests.documents.test_import import HEADERS, do_import, good_rows, xlsx_bytes

    settings.MEDIA_ROOT = tmp_path
    rows = good_rows()
    secret = list(rows[1])
    secret[0], secret[3], secret[-1] = 4, "16/QĐ-STC", "Thường"
    headers = [*HEADERS, "Độ mật"]
    do_import(agency, xlsx_bytes(headers, [[*row, "Thường"] for row in rows] + [[*secret, "Mật"]]))
    reasons = {d.number: (d.form, d.paper_reason) for d in Document.objects.all()}
    assert reasons[1] == (Form.ELECTRONIC, "") and reasons[2] == (Form.PAPER, PaperReason.UNJUSTIFIED)
    assert reasons[4] == (Form.PAPER, PaperReason.CONFIDENTIAL)
