"""The file plan import in Chromium: the head uploads the plan's .xlsx from the plan page and lands
on the import's progress page; a running import's card moves by itself (htmx polling every
second, under the Content-Security-Policy) and stops polling once the import ends."""


import pytest
from django.utils import timezone
from openpyxl import Workbook

from dossiers import services as dossier_services
from dossiers.excel import HEADERS
from dossiers.models import PlanImport
from recordsportal.models import Agency as AgencyRow

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(agency):
    row = AgencyRow.load()
    row.identifier_code, row.abbreviation, row.name = "000.00.31.H09", "BQL", "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh"
    row.save()
    return dossier_services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)


def plan_file(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([None, "I. Tổng hợp, kế hoạch", None, None, None, "TH"])
    for number in range(1, 41):
        sheet.append([f"{number:02d}.TH", f"Hồ sơ kế hoạch số {number}", "10 năm", None, None, None])
    sheet.append([None, "II. Đầu tư", None, None, None, "ĐT"])
    for number in range(1, 21):
        sheet.append([f"{number:02d}.ĐT", f"Hồ sơ dự án đầu tư số {number}", "Vĩnh viễn", "officer_a", None, None])
    workbook.save(path)
    return path


def test_the_head_imports_a_plan_and_reads_the_result(agency, plan, live_server, page, screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, live_server, "head_a", PASSWORD)
    page.goto(f"{live_server.url}/dossiers/plans/{plan.pk}/")
    form = page.locator(f"form[action='/dossiers/plans/{plan.pk}/import/']")
    assert "Tối đa 2.000 dòng và 5 MB mỗi tệp." in form.inner_text()  # the cap, before the upload
    form.locator("input[type=file]").set_input_files(str(plan_file(tmp_path / "danh-muc-2026.xlsx")))
    form.get_by_role("button", name="Nhập").click()
    page.wait_for_url(f"{live_server.url}/dossiers/plans/{plan.pk}/imports/*/")
    result = page.get_by_test_id("plan-import-result")
    assert "Đã nhập 60 hồ sơ vào danh mục (62 dòng đã đọc)." in result.inner_text()
    screenshot(page, "dossiers-plan-import-done")
    page.get_by_role("link", name="Xem danh mục").click()
    assert "Tổng số: 60 hồ sơ, trong đó 20 hồ sơ bảo quản vĩnh viễn" in page.get_by_test_id("plan-footer").inner_text()


def test_a_running_import_moves_on_the_page_by_itself(agency, plan, live_server, page, screenshot):
    record = PlanImport.objects.create(plan=plan, original_name="danh-muc-2026.xlsx", state=PlanImport.State.READING,
                                       rows_total=1_500, rows_read=600, error_count=0, created_by=agency.head_a,
                                       started_at=timezone.now())
    log_in(page, live_server, "head_a", PASSWORD)
    page.goto(f"{live_server.url}/dossiers/plans/{plan.pk}/imports/{record.pk}/")
    card = page.get_by_test_id("plan-import-progress")
    assert "Đã đọc 600 / 1.500 dòng" in card.inner_text()
    bar = card.locator(".progress-bar")
    assert bar.evaluate("el => el.style.width") == "40%"  # set by portal.js from data-width (no inline style)
    screenshot(page, "dossiers-plan-import-progress")

    # The task writes its row; the page follows without a reload.
    record.write(rows_read=1_200, error_count=0)
    page.get_by_text("Đã đọc 1.200 / 1.500 dòng").wait_for(timeout=5_000)
    # portal.js sets the width after htmx has swapped the card in: wait for it, the text comes first.
    page.wait_for_function("() => document.querySelector('[data-testid=plan-import-progress] .progress-bar')"
                           ".style.width === '80%'", timeout=5_000)
    record.write(state=PlanImport.State.DONE, rows_read=1_500, result_count=1_480, finished_at=timezone.now())
    page.get_by_test_id("plan-import-result").wait_for(timeout=5_000)
    assert "Đã nhập 1.480 hồ sơ" in page.get_by_test_id("plan-import-result").inner_text()
    assert page.get_by_test_id("plan-import-progress").get_attribute("hx-trigger") is None  # polling stopped
