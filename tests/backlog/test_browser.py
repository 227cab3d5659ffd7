"""Browser journey (Playwright + Debian Chromium): a head downloads the template, fills it, uploads
it with a mistake, reads the error, fixes it, submits; the Office sees the status and consolidates."""

import pytest

from ..e2e.conftest import browser, log_in, page, screenshot  # noqa: F401 - fixtures
from ..factories import PASSWORD
from .conftest import LINES_A, as_rows, fill_template

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_head_uploads_fixes_and_submits_and_the_office_consolidates(agency, campaign, live_server, page, screenshot, tmp_path):
    log_in(page, live_server, "head_a", PASSWORD)
    page.get_by_role("link", name="Tài liệu tồn đọng").click()
    page.get_by_role("link", name="Bản kiểm kê của Phòng Quản lý Đầu tư").click()
    assert "Bản kiểm kê tài liệu tồn đọng: Phòng Quản lý Đầu tư" in page.get_by_test_id("page-title").inner_text()

    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = download.value.path().read_bytes()

    rows = as_rows(LINES_A)
    rows[1][4] = "ba mét rưỡi"  # Excel row 5, column E (Mét giá)
    wrong = tmp_path / "kiem-ke-sai.xlsx"
    wrong.write_bytes(fill_template(template, rows))
    page.set_input_files("#id_file", str(wrong))
    page.get_by_test_id("upload").click()
    errors = page.get_by_test_id("upload-errors").inner_text()
    assert "Dòng 5, cột E (Mét giá): phải là số không âm" in errors
    screenshot(page, "backlog-upload-error")

    rows[1][4] = 3.25
    fixed = tmp_path / "kiem-ke.xlsx"
    fixed.write_bytes(fill_template(template, rows))
    page.set_input_files("#id_file", str(fixed))
    page.get_by_test_id("upload").click()
    assert "Đã nhập 3 dòng" in page.locator(".alert-success").inner_text()
    assert page.locator("#id_lines-1-shelf_metres").input_value() == "3,25"
    screenshot(page, "backlog-inventory-draft")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    assert "Đã nộp" in page.get_by_test_id("inventory-status").inner_text()
    assert page.get_by_test_id("total-metres").inner_text() == "19,75"
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/backlog/campaigns/{campaign.pk}/")
    counts = page.get_by_test_id("campaign-counts").inner_text()
    assert "Đã nộp: 1" in counts and "Chưa nộp: 2" in counts
    screenshot(page, "backlog-campaign-status")
    page.get_by_test_id("plan-link").click()
    assert page.get_by_test_id("total-metres").inner_text() == "19,75"
    assert page.get_by_test_id("total-effort").inner_text() == "167,88"  # 19.75 × 8.5
    assert "Phòng Quản lý Đầu tư" in page.get_by_test_id("by-department").inner_text()
    screenshot(page, "backlog-consolidation")
    with page.expect_download() as pdf:
        page.get_by_test_id("plan-pdf").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
