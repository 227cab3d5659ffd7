"""Browser (Playwright + Debian Chromium): the progress pages of a task (issue 16) as people see them —
the inventory import while its rows are read, polled by htmx until the result shows without a
reload, and refused with its errors by row and column; an export while it is written, then its
download link. Screenshots go to test-results/screenshots/ (docs/screenshots/ with `make screenshots`)."""

import datetime
import os
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backlog import services
from backlog.models import InventoryImport
from recordsportal.models import ExportJob

from ..conftest import require
from ..e2e.conftest import CHROMIUM_ARGS, chromium_path, log_in
from ..factories import PASSWORD
from .conftest import LINES_A, as_rows, fill_template, upload_file
from .test_browser import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_progress_pages_show_rows_read_then_the_result(agency, inventory_a, template_a, live_server, settings,
                                                           tmp_path):
    path = chromium_path()
    require(path is not None, "Chromium (apt-get install chromium)")
    settings.MEDIA_ROOT = tmp_path
    # One refused with its errors, one waiting for its worker, one cut off half-way through its
    # rows (as the page shows a running import: its row committed by the task).
    rows = as_rows(LINES_A)
    rows[1][4] = "ba mét"
    rows[2][2] = "năm xưa"
    refused = services.inventory_import_start(acting_user=agency.head_a, inventory=inventory_a,
                                              upload=upload_file(fill_template(template_a, rows), "kiem-ke-sai.xlsx"))
    services.inventory_import_run(inventory_import_id=refused.pk)
    waiting = services.inventory_import_start(acting_user=agency.head_a, inventory=inventory_a,
                                              upload=upload_file(fill_template(template_a, as_rows(LINES_A))))
    reading = InventoryImport.objects.create(
        inventory=inventory_a, original_name="kiem-ke-phong-qldt-2021.xlsx", state=InventoryImport.State.READING,
        rows_total=1_850, rows_read=1_234, error_count=2, attempts=1, created_by=agency.head_a,
        started_at=timezone.now())
    writing = ExportJob.objects.create(
        kind="documents.exports.register_list_export", filename="van-ban-20261207.xlsx",
        title="Danh sách văn bản theo bộ lọc", state=ExportJob.State.READING, rows_total=100_000, rows_read=42_000,
        created_by=agency.clerk, expires_at=timezone.now() + datetime.timedelta(hours=24))
    server = SimpleNamespace(url=live_server.url)
    ids = SimpleNamespace(inventory=inventory_a.pk, waiting=waiting.pk, reading=reading.pk, refused=refused.pk,
                          writing=writing.pk)

    def finish_waiting_import():
        time.sleep(2)  # the page has polled a couple of times by then
        services.inventory_import_run(inventory_import_id=waiting.pk)

    with ThreadPoolExecutor(max_workers=2) as pool:
        journey = pool.submit(_journey, path, server, ids, pool.submit, finish_waiting_import)
        journey.result()


def _journey(chromium, live_server, ids, submit, finish_waiting_import):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                      viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            log_in(page, live_server, "head_a", PASSWORD)
            base = f"{live_server.url}/backlog/inventories/{ids.inventory}/imports"

            page.goto(f"{base}/{ids.reading}/")
            card = page.get_by_test_id("inventory-import-progress")
            assert "Đã đọc 1.234 / 1.850 dòng" in card.inner_text() and "2 lỗi đến giờ" in card.inner_text()
            screenshot(page, "backlog-inventory-import-progress")

            page.goto(f"{base}/{ids.refused}/")
            assert "Dòng 5, cột E (Mét giá): phải là số không âm" in page.get_by_test_id("import-errors").inner_text()
            screenshot(page, "backlog-inventory-import-refused")

            # Queued, then done by the "worker" while the page is open: htmx swaps in the result.
            page.goto(f"{base}/{ids.waiting}/")
            expect(page.get_by_test_id("inventory-import-progress")).to_have_attribute("data-state", "queued")
            submit(finish_waiting_import)
            expect(page.get_by_test_id("inventory-import-progress")).to_have_attribute("data-state", "done",
                                                                                      timeout=30_000)
            assert "Đã nhập 3 dòng vào bản nháp kiểm kê" in page.get_by_test_id("inventory-import-result").inner_text()
            screenshot(page, "backlog-inventory-import-done")

            page.context.clear_cookies()
            log_in(page, live_server, "clerk", PASSWORD)
            page.goto(f"{live_server.url}/exports/{ids.writing}/")
            assert "Đã ghi 42.000 / 100.000 dòng" in page.get_by_test_id("export-figures").inner_text()
            screenshot(page, "export-progress")
        finally:
            context.close()
            browser.close()
