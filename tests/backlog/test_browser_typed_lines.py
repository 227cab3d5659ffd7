"""Issue 17, item 1, in the browser (Playwright + Debian Chromium): a head types two lines and
presses "Nộp bản kiểm kê" without saving the draft first — both lines are submitted; a wrong cell
submits nothing and keeps what was typed; leaving the page with unsaved lines asks first."""

import os
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from backlog.models import Inventory

from ..conftest import require
from ..e2e.conftest import CHROMIUM_ARGS, chromium_path, log_in
from ..factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_browser(live_server, steps, *args):
    # Own thread, own Playwright: the e2e suite may hold a session-wide sync Playwright in the
    # main thread (see test_browser.py).
    path = chromium_path()
    require(path is not None, "Chromium (apt-get install chromium)")
    server = SimpleNamespace(url=live_server.url)

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900})
            context.set_default_timeout(15_000)
            try:
                return steps(context.new_page(), server, *args)
            finally:
                context.close()
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _type_line(page, index, description, metres):
    if page.locator(f"#id_lines-{index}-description").count() == 0:
        page.click("#add-line")
    page.fill(f"#id_lines-{index}-description", description)
    page.fill(f"#id_lines-{index}-from_year", "2005")
    page.fill(f"#id_lines-{index}-to_year", "2010")
    page.fill(f"#id_lines-{index}-shelf_metres", metres)
    page.fill(f"#id_lines-{index}-boxes", "10")
    page.fill(f"#id_lines-{index}-estimated_dossiers", "40")


def _open_inventory(page, server, pk):
    log_in(page, server, "head_a", PASSWORD)
    page.goto(f"{server.url}/backlog/inventories/{pk}/")


def test_typed_lines_survive_submit(agency, inventory_a, live_server):
    def steps(page, server, pk):
        _open_inventory(page, server, pk)
        _type_line(page, 0, "Hồ sơ dự án đầu tư", "12,5")
        _type_line(page, 1, "Công văn đi, đến", "3,25")
        page.once("dialog", lambda dialog: dialog.accept())  # "Nộp bản kiểm kê?"
        page.get_by_test_id("submit").click()
        page.wait_for_load_state()
        return page.get_by_test_id("inventory-status").inner_text(), page.get_by_test_id("lines-table").inner_text()

    status, table = _in_browser(live_server, steps, inventory_a.pk)
    assert "Đã nộp" in status
    assert "Hồ sơ dự án đầu tư" in table and "Công văn đi, đến" in table
    inventory_a.refresh_from_db()
    assert inventory_a.status == Inventory.Status.SUBMITTED and inventory_a.lines.count() == 2


def test_a_wrong_cell_keeps_the_typed_lines_and_submits_nothing(agency, inventory_a, live_server):
    def steps(page, server, pk):
        _open_inventory(page, server, pk)
        _type_line(page, 0, "Hồ sơ dự án đầu tư", "12,5")
        _type_line(page, 1, "Công văn đi, đến", "-3")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("submit").click()
        page.wait_for_selector("#id_lines-1-description")
        return (
            page.locator("#id_lines-0-description").input_value(),
            page.locator("#id_lines-1-shelf_metres").input_value(),
            page.locator("#lines-table").inner_text(),
        )

    first, metres, table = _in_browser(live_server, steps, inventory_a.pk)
    assert first == "Hồ sơ dự án đầu tư" and metres == "-3"
    assert "phải là số không âm" in table
    inventory_a.refresh_from_db()
    assert inventory_a.status != Inventory.Status.SUBMITTED and inventory_a.lines.count() == 0


def test_leaving_with_unsaved_lines_asks_first(agency, inventory_a, live_server):
    def steps(page, server, pk):
        _open_inventory(page, server, pk)
        asked = []

        def on_dialog(dialog):
            asked.append(dialog.type)
            dialog.dismiss()  # stay on the page

        page.on("dialog", on_dialog)
        # Nothing typed yet: leaving does not ask.
        page.get_by_role("link", name="Tài liệu tồn đọng").first.click()
        page.wait_for_url(f"{server.url}/backlog/")
        quiet = list(asked)
        page.goto(f"{server.url}/backlog/inventories/{pk}/")
        _type_line(page, 0, "Hồ sơ dự án đầu tư", "12,5")
        page.get_by_role("link", name="Tài liệu tồn đọng").first.click()
        page.wait_for_timeout(500)
        stayed = page.url
        on_leave = list(asked)
        typed = page.locator("#id_lines-0-description").input_value()
        # Saving the draft is not leaving: no question, the line is saved.
        asked.clear()
        page.get_by_test_id("save-draft").click()
        page.wait_for_load_state()
        return quiet, on_leave, stayed, typed, list(asked)

    quiet, on_leave, stayed, typed, on_save = _in_browser(live_server, steps, inventory_a.pk)
    assert quiet == [] and on_leave == ["beforeunload"]
    assert stayed.endswith(f"/backlog/inventories/{inventory_a.pk}/") and typed == "Hồ sơ dự án đầu tư"
    assert on_save == []
    assert list(inventory_a.lines.values_list("description", flat=True)) == ["Hồ sơ dự án đầu tư"]
