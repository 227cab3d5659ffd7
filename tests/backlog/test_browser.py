"""Browser journey (Playwright + Debian Chromium): a head downloads the template, fills it, uploads
it with a mistake, reads the error, fixes it, submits; the Office sees the status and consolidates."""

import os
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from ..conftest import require
from ..e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS, chromium_path, log_in
from ..factories import PASSWORD
from .conftest import LINES_A, as_rows, fill_template

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_head_uploads_fixes_and_submits_and_the_office_consolidates(agency, campaign, live_server, tmp_path):
    # The journey runs in its own thread with its own Playwright: the e2e suite keeps one
    # session-wide Playwright (an event loop) in the main thread, and a second sync Playwright in
    # the same thread is refused. The test only drives the browser; the data is committed.
    path = chromium_path()
    require(path is not None, "Chromium (apt-get install chromium)")
    server = SimpleNamespace(url=live_server.url)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_journey, path, server, campaign.pk, tmp_path).result()


def _journey(chromium, live_server, campaign_pk, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        try:
            _steps(context.new_page(), live_server, campaign_pk, tmp_path)
        finally:
            context.close()
            browser.close()


def _steps(page, live_server, campaign_pk, tmp_path):
    log_in(page, live_server, "head_a", PASSWORD)
    page.locator("#mainnav").get_by_role("link", name="Tài liệu tồn đọng").click()  # the menu (the home page has a tile too)
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
    page.goto(f"{live_server.url}/backlog/campaigns/{campaign_pk}/")
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
