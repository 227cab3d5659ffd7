"""Leadership opens the dashboard, clicks a department's E figure, lands on the documents it
counts, and downloads the monthly PDF."""

import datetime
import io

import pytest
from pypdf import PdfReader

from documents.choices import Form
from reports.compliance import compute_month

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leadership_follows_a_figure_to_its_documents_and_downloads_the_report(agency, make_document, live_server, page, screenshot):
    for index, form in enumerate((Form.ELECTRONIC, Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER)):
        make_document(agency.dept_a, agency.officer_a, form=form, day=datetime.date(2026, 3, 10 + index))
    make_document(agency.dept_b, agency.officer_b, day=datetime.date(2026, 3, 11))
    compute_month(datetime.date(2026, 3, 1))

    log_in(page, live_server, "leader", PASSWORD)
    page.goto(f"{live_server.url}/reports/?month=2026-03")
    row = page.locator(f'tr[data-department="{agency.dept_a.pk}"]')
    assert "75,0%" in row.get_by_test_id("row-e-month").inner_text()
    screenshot(page, "reports-dashboard")

    row.get_by_test_id("row-e-month-num").click()
    page.wait_for_url("**/documents/?*")
    listed = page.get_by_test_id("register-table").locator("tbody tr")
    assert listed.count() == 3
    assert "Giấy" not in page.get_by_test_id("register-table").inner_text()
    screenshot(page, "reports-counted-documents")

    page.goto(f"{live_server.url}/reports/?month=2026-03")
    with page.expect_download() as download_info:
        page.get_by_test_id("monthly-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "bao-cao-chi-tieu-2026-03.pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.path(), "rb").read())).pages).split())
    assert "Phòng Quản lý Đầu tư" in text and "3/4" in text
