"""In a real browser: an officer opens a dossier from the file plan, adds an incoming document
(searched without diacritics) and an uploaded file, closes it; the head submits it to the
archive; the archive (Office) receives it and it becomes read-only. Screenshots: dossiers-*.png in
test-results/screenshots/screenshots/ (docs/screenshots/ under `make screenshots`)."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest

from dossiers.models import ArchiveBatch, Dossier
from tests.e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS, chromium_path, log_in

from ..conftest import require
from ..factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def in_own_thread(journey):
    """Run the browser journey with its own Playwright in a worker thread. The session-wide
    `browser` of tests/e2e keeps an event loop running in the main thread until the session
    ends; a second sync Playwright there would fail (or break theirs), whatever the order the
    tests run in. The worker closes its database connections before the test tears down."""
    from django.db import connections

    def run():
        try:
            return journey()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def screenshot():
    def _shot(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_dossier_from_opening_to_the_archive(agency, plan, doc_for, live_server, screenshot, tmp_path, settings):
    path = chromium_path()
    require(path is not None, "Chromium (apt-get install chromium)")
    settings.MEDIA_ROOT = tmp_path / "media"
    document = doc_for(agency.officer_a, arrival=datetime.date(2026, 3, 3))
    scan = tmp_path / "Bản đồ vị trí dự án.pdf"
    scan.write_bytes(PDF_BYTES)
    entry = plan.entries.get(number=1)

    def journey():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                steps(browser)
            finally:
                browser.close()

    def steps(browser):
        def new_page():
            context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
            context.set_default_timeout(15_000)
            return context.new_page()

        # 1. The officer opens the dossier of the plan entry.
        officer = new_page()
        log_in(officer, live_server, "officer_a", PASSWORD)
        officer.goto(f"{live_server.url}/dossiers/new/")
        officer.select_option("#id_plan_entry", str(entry.pk))
        officer.fill("#id_opened_on", "05/01/2026")
        screenshot(officer, "dossiers-open-form")
        officer.get_by_test_id("open-form").get_by_role("button", name="Mở hồ sơ").click()
        officer.wait_for_url("**/dossiers/*/")
        assert officer.get_by_test_id("dossier-code").inner_text() == "000.00.31.H09.2026.01.TH"
        assert "không thể kết thúc hồ sơ rỗng" in officer.get_by_test_id("close-blockers").inner_text()

        # 2. It finds the incoming document without diacritics and adds it, then uploads a file.
        officer.fill("#id_document_q", "dau tu du an so 1")
        results = officer.get_by_test_id("document-results")
        results.get_by_text(document.number_symbol).wait_for()
        results.get_by_role("button", name="Thêm").click()
        assert "Đã thêm văn bản 1/UBND-KT" in officer.locator(".alert-success").inner_text()
        officer.set_input_files("#id_item_file", str(scan))
        officer.get_by_test_id("upload-form").get_by_role("button", name="Tải lên").click()
        assert "Đã tải tệp lên hồ sơ" in officer.locator(".alert-success").inner_text()
        items = officer.get_by_test_id("items-table").inner_text()
        assert "1/UBND-KT" in items and "Bản đồ vị trí dự án.pdf" in items
        assert "Hồ sơ điện tử" in officer.get_by_test_id("form-explanation").inner_text()
        screenshot(officer, "dossiers-detail-open")

        # 3. It closes the dossier when the work ends.
        close_form = officer.get_by_test_id("close-form")
        close_form.locator("#id_ended_on").fill("20/06/2026")
        close_form.locator("#id_pages").fill("6")
        close_form.get_by_role("button", name="Kết thúc hồ sơ").click()
        assert "Đã kết thúc hồ sơ" in officer.locator(".alert-success").inner_text()
        assert "31/12/2027" in officer.get_by_test_id("due-on").inner_text()
        officer.goto(f"{live_server.url}/dossiers/")
        assert "100,0%" in officer.get_by_test_id("dossier-progress").inner_text()
        screenshot(officer, "dossiers-mine")
        dossier = Dossier.objects.get()

        # 4. The head builds a submission batch with it and sends it to the archive.
        head = new_page()
        log_in(head, live_server, "head_a", PASSWORD)
        head.goto(f"{live_server.url}/dossiers/archive/")
        head.get_by_role("button", name="Lập lần nộp lưu").click()
        head.wait_for_url("**/dossiers/archive/*/")
        head.check(f"#cand-{dossier.pk}")
        head.get_by_role("button", name="Thêm hồ sơ đã chọn").click()
        assert dossier.code in head.get_by_test_id("batch-lines").inner_text()
        head.get_by_role("button", name="Gửi hồ sơ nộp lưu").click()
        assert "Đã gửi lưu trữ" in head.get_by_test_id("batch-status").inner_text()
        screenshot(head, "dossiers-batch-submitted")
        batch = ArchiveBatch.objects.get()

        # 5. The archive (Office) receives it: the dossier is archived, read-only.
        clerk = new_page()
        log_in(clerk, live_server, "clerk", PASSWORD)
        clerk.goto(f"{live_server.url}/dossiers/archive/{batch.pk}/")
        clerk.fill("#id_note", "Đủ hồ sơ theo mục lục")
        clerk.get_by_role("button", name="Tiếp nhận", exact=True).click()
        assert "Lưu trữ đã tiếp nhận" in clerk.get_by_test_id("batch-status").inner_text()
        screenshot(clerk, "dossiers-batch-received")
        dossier.refresh_from_db()
        assert dossier.status == "archived"
        officer.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
        assert "chỉ được xem" in officer.locator("main").inner_text()
        assert officer.locator("#id_document_q").count() == 0
        screenshot(officer, "dossiers-detail-archived")

    in_own_thread(journey)
