"""Issue 17, item 7: the outgoing register book never leaves "bản lưu" and "số lượng bản" empty —
an outgoing document issued without them keeps its file copies at the Office (VT) and the
drafting department, and counts one copy per recipient plus the two file copies; the PDF book
prints them."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents import services
from documents.choices import Kind

pytestmark = pytest.mark.django_db


def _issue(agency, **fields):
    return services.outgoing_issue(
        acting_user=agency.clerk, kind=Kind.OFFICIAL_LETTER, summary="V/v báo cáo tình hình thu hút đầu tư quý I",
        department=agency.dept_a, signer="Trần Lãnh Đạo", issue_date=datetime.date(2026, 3, 5), **fields)


def test_an_outgoing_document_without_file_copies_gets_the_decree_30_defaults(agency):
    document = _issue(agency, recipients="Sở Kế hoạch và Đầu tư; UBND tỉnh", recipient_departments=[agency.dept_b])
    assert document.file_copy_keeper == f"VT, {agency.dept_a.abbreviation}"
    assert document.copies == 2 + 1 + 2  # two external, one department, two file copies


def test_what_the_clerk_entered_is_kept(agency):
    document = _issue(agency, recipients="Sở Xây dựng", copies=7, file_copy_keeper="VT, VP")
    assert (document.file_copy_keeper, document.copies) == ("VT, VP", 7)


def test_the_outgoing_register_book_pdf_prints_them(agency, login):
    _issue(agency, recipients="Sở Xây dựng")
    response = login(agency.clerk).get(reverse("documents:register_book_pdf"),
                                       {"direction": "outgoing", "year": 2026, "month": 3})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert f"VT, {agency.dept_a.abbreviation}" in text and " 3 " in f" {' '.join(text.split())} "
