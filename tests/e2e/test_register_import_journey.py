"""The register import in Chromium (issues 14 and 16): the clerk uploads a register whose header
sits below title rows and which has no form column, is asked (and must answer) the form for every
row at the mapping step, imports; then uploads a corrected register and reads the changes field by field before
confirming. Screenshots of the mapping step and of the changes."""

import datetime

import pytest
from openpyxl import Workbook

from documents.models import Document

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Đơn vị chủ trì",
           "Cán bộ xử lý", "Hình thức nhận"]


def register(path, *, corrected=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["BAN QUẢN LÝ KHU KINH TẾ TỈNH"])
    sheet.append(["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"])
    sheet.append(HEADERS)
    for n in range(1, 13):
        department, officer = ("Phòng Quản lý Đầu tư", "officer_a") if n % 2 else ("QLDN", "Chu Văn Cán Bộ B")
        summary = f"Về việc triển khai nhiệm vụ số {n}"
        if corrected and n == 3:
            department, officer, summary = "QLDN", "officer_b", summary + " (đính chính)"
        sheet.append([n, datetime.date(2026, 1, 5 + n), "Sở Kế hoạch và Đầu tư", f"{n}/SKHĐT-ĐT",
                      datetime.date(2026, 1, 4 + n), summary, department, officer, "Giấy" if n % 3 else "Điện tử"])
    workbook.save(path)
    return str(path)


def test_the_clerk_maps_the_form_imports_and_reads_the_changes_of_a_corrected_register(
        agency, live_server, page, screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/documents/import/")
    form = page.get_by_test_id("import-upload")
    form.locator("input[type=file]").set_input_files(register(tmp_path / "so-den-2026.xlsx"))
    form.get_by_role("button", name="Tải lên và kiểm tra").click()
    # No form column: the mapping step asks for the form of every row, nothing chosen in advance.
    page.wait_for_url(f"{live_server.url}/documents/import/*/mapping/")
    assert "Tệp không có cột Hình thức" in page.content()
    page.get_by_test_id("import-mapping").get_by_role("button", name="Lưu và chạy thử").click()
    assert "hãy chọn hình thức của mọi dòng" in page.locator("#id_form_for_all_error").inner_text()
    screenshot(page, "documents-import-mapping-form-required")
    page.select_option("#id_form_for_all", "electronic")
    screenshot(page, "documents-import-mapping")
    page.get_by_test_id("import-mapping").get_by_role("button", name="Lưu và chạy thử").click()
    page.wait_for_url(f"{live_server.url}/documents/import/*/")
    assert "Văn thư đã chọn: mọi dòng là văn bản điện tử" in page.get_by_test_id("import-form-notice").inner_text()
    assert "tiêu đề cột ở dòng 3" in page.content()
    page.get_by_test_id("import-confirm").get_by_role("button").click()
    page.wait_for_url(f"{live_server.url}/documents/import/*/")
    assert "Đã nhập 12 văn bản" in page.get_by_test_id("import-result").inner_text()
    assert Document.objects.filter(form="electronic", department=agency.dept_a).count() == 6

    page.goto(f"{live_server.url}/documents/import/")
    form = page.get_by_test_id("import-upload")
    form.locator("input[type=file]").set_input_files(register(tmp_path / "so-den-2026-dinh-chinh.xlsx", corrected=True))
    form.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url(f"{live_server.url}/documents/import/*/mapping/")
    page.select_option("#id_form_for_all", "electronic")
    page.get_by_test_id("import-mapping").get_by_role("button", name="Lưu và chạy thử").click()
    page.wait_for_url(f"{live_server.url}/documents/import/*/")
    changes = page.get_by_test_id("import-changes")
    text = changes.inner_text()
    assert "Trích yếu: Về việc triển khai nhiệm vụ số 3 → Về việc triển khai nhiệm vụ số 3 (đính chính)" in text
    assert "Đơn vị chủ trì: Phòng Quản lý Đầu tư → Phòng Quản lý Doanh nghiệp" in text
    assert "Cán bộ xử lý: Phan Văn Cán Bộ A → Chu Văn Cán Bộ B" in text
    screenshot(page, "documents-import-changes")
    page.get_by_test_id("import-confirm").get_by_role("button").click()
    page.wait_for_url(f"{live_server.url}/documents/import/*/")
    assert "cập nhật 1 văn bản" in page.get_by_test_id("import-result").inner_text()
    corrected = Document.objects.get(number=3)
    assert corrected.department == agency.dept_b and corrected.history.count() == 2
