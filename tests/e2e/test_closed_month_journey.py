"""Months that close, in a browser (issue 14, part 2): the Office closes October, the clerk
registers a back-dated letter, the Office sees the recomputation's diff and accepts it,
leadership downloads the PDF with the new "as of" time, and October's violation reads the accepted
figures with that time on its page and in the violations report."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents.choices import Form
from reports import months
from reports.compliance import compute_month

from ..factories import PASSWORD
from .a11y import axe_violations
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCTOBER = datetime.date(2026, 10, 1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_office_closes_october_and_accepts_a_back_dated_letter(agency, make_document, live_server, browser,
                                                                   screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 10, 5), form=form)
    compute_month(OCTOBER)

    def new_page():
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        return context.new_page()

    # 1. The Office opens October from the dashboard's "as of" line and closes it.
    office = new_page()
    log_in(office, live_server, "clerk", PASSWORD)
    office.goto(f"{live_server.url}/reports/?month=2026-10")
    assert "Tháng chưa chốt" in office.get_by_test_id("as-of").inner_text()
    office.get_by_role("link", name="Tình trạng số liệu tháng").click()
    office.get_by_test_id("close-month").click()
    assert "Đã chốt số liệu tháng" in office.locator(".alert-success").inner_text()
    assert office.get_by_test_id("month-status").inner_text() == "Đã chốt"
    screenshot(office, "months-october-closed")
    closed_as_of = months.state_of(OCTOBER).computed_at

    # 2. The clerk registers a letter that arrived on 20 October, a month late.
    scan = tmp_path / "Công văn 77-STC.pdf"
    scan.write_bytes(PDF_BYTES)
    office.goto(f"{live_server.url}/documents/incoming/new/")
    office.fill("#id_arrival_date", "20/10/2026")
    office.fill("#id_number_symbol", "77/STC-NS")
    office.fill("#id_document_date", "18/10/2026")
    office.fill("#id_issuer", "Sở Tài chính")
    office.fill("#id_summary", "V/v bổ sung dự toán năm 2026")
    office.select_option("#id_received_medium", "paper")
    office.set_input_files("#id_attachments", str(scan))
    office.click("main button[type=submit]")
    office.wait_for_url("**/documents/*/")

    # 3. The Office recomputes October: the frozen figures stay, the diff names the letter and the clerk.
    office.goto(f"{live_server.url}/reports/months/2026-10/")
    office.get_by_test_id("recompute-month").click()
    scopes = office.get_by_test_id("diff-scopes").inner_text()
    # Agency E: 2/3 frozen; the letter (paper or scanned on arrival, as the form rule decides) adds one.
    assert "Toàn cơ quan" in scopes and "2/3" in scopes and ("3/4" in scopes or "2/4" in scopes)
    records = office.get_by_test_id("diff-records").inner_text()
    assert "77/STC-NS" in records and agency.clerk.full_name in records
    assert months.state_of(OCTOBER).computed_at == closed_as_of
    screenshot(office, "months-october-diff")
    assert axe_violations(office) == []
    office.get_by_test_id("accept-candidate").click()
    assert "Đã chấp nhận số liệu tính lại" in office.locator(".alert-success").inner_text()
    assert office.get_by_test_id("month-status").inner_text() == "Đã chốt"
    accepted_as_of = timezone.localtime(months.state_of(OCTOBER).computed_at)
    assert accepted_as_of > closed_as_of

    # 4. Leadership downloads October's report: it carries the accepted figures' "as of" time.
    leader = new_page()
    log_in(leader, live_server, "leader", PASSWORD)
    leader.goto(f"{live_server.url}/reports/?month=2026-10")
    assert f"tính đến {accepted_as_of:%H:%M %d/%m/%Y}" in leader.get_by_test_id("as-of").inner_text()
    screenshot(leader, "months-october-dashboard")
    assert axe_violations(leader) == []
    with leader.expect_download() as download_info:
        leader.get_by_test_id("monthly-pdf").click()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read())).pages)
    text = " ".join(text.split())
    assert f"Số liệu tính đến {accepted_as_of:%H:%M} ngày {accepted_as_of:%d/%m/%Y} (tháng đã chốt)" in text
    leader.goto(f"{live_server.url}/reports/months/?year=2026")
    assert "Đã chốt" in leader.get_by_test_id("months").inner_text()
    assert axe_violations(leader) == []

    # 5. October's violation (E below target) reads the accepted figures, with their "as of" time,
    #    on its page and in the violations report.
    leader.goto(f"{live_server.url}/reports/violations/?year=2026")
    leader.get_by_test_id("violations-table").get_by_role("link", name="Tỉ lệ văn bản điện tử dưới chỉ tiêu").click()
    assert leader.get_by_test_id("evidence-as-of").inner_text().startswith(f"{accepted_as_of:%H:%M %d/%m/%Y}")
    assert "Số liệu tháng đã chốt" in leader.get_by_test_id("evidence-as-of").inner_text()
    screenshot(leader, "months-october-violation")
    assert axe_violations(leader) == []
    leader.goto(f"{live_server.url}/reports/violations/?year=2026")
    with leader.expect_download() as download_info:
        leader.get_by_role("link", name="Báo cáo vi phạm").click()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read())).pages)
    text = " ".join(text.split())
    assert f"tính đến {accepted_as_of:%H:%M %d/%m/%Y}" in text and "Vi phạm phát hiện đến" in text
