"""Two people edit the same dossier in two browsers: the second save is refused with who changed
it and when, the typed text stays in the open form, and saving again goes through. Also the
Office's table of emulation points, edited in the browser."""

import datetime

import pytest

from dossiers import services as dossier_services
from dossiers.models import Dossier
from reports.services import points_for

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_edit_form(page, url):
    page.goto(url)
    page.locator("summary", has_text="Sửa thông tin hồ sơ").click()
    return page.get_by_test_id("edit-form")


def test_the_second_of_two_simultaneous_edits_is_refused_and_loses_nothing(agency, live_server, browser, screenshot):
    dossier = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thẩm định dự án điện khí",
                                            retention_years=10, opened_on=datetime.date(2026, 1, 5))
    url = f"{live_server.url}/dossiers/{dossier.pk}/"
    contexts = [browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                    viewport={"width": 1366, "height": 900}) for _ in range(2)]
    try:
        officer, head = (context.new_page() for context in contexts)
        log_in(officer, live_server, "officer_a", PASSWORD)
        log_in(head, live_server, "head_a", PASSWORD)
        officer_form, head_form = open_edit_form(officer, url), open_edit_form(head, url)
        officer_form.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ thẩm định dự án điện khí LNG (chuyên viên)")
        head_form.get_by_label("Tiêu đề hồ sơ").fill("Hồ sơ thẩm định dự án điện khí (trưởng phòng)")
        head_form.get_by_role("button", name="Lưu").click()
        head.wait_for_load_state()
        assert "Đã lưu thông tin hồ sơ." in head.content()

        officer_form.get_by_role("button", name="Lưu").click()
        officer.wait_for_load_state()
        alert = officer.locator(".alert-danger, .alert-error").first
        assert "vừa được" in alert.inner_text() and agency.head_a.get_full_name() in alert.inner_text()
        form = officer.get_by_test_id("edit-form")
        assert form.is_visible()  # the section is open, with the officer's own text
        assert form.get_by_label("Tiêu đề hồ sơ").input_value() == "Hồ sơ thẩm định dự án điện khí LNG (chuyên viên)"
        assert Dossier.objects.get(pk=dossier.pk).title == "Hồ sơ thẩm định dự án điện khí (trưởng phòng)"
        screenshot(officer, "dossiers-edit-conflict")

        form.get_by_role("button", name="Lưu").click()
        officer.wait_for_load_state()
        assert "Đã lưu thông tin hồ sơ." in officer.content()
        assert Dossier.objects.get(pk=dossier.pk).title == "Hồ sơ thẩm định dự án điện khí LNG (chuyên viên)"
    finally:
        for context in contexts:
            context.close()


def test_the_office_edits_the_emulation_points(agency, live_server, page, screenshot):
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/reports/violations/")
    page.get_by_test_id("deduction-link").click()
    table = page.get_by_test_id("deduction-table")
    table.get_by_label("Không nộp danh mục tài liệu tồn đọng").fill("-2")
    table.get_by_role("button", name="Lưu").click()
    assert "Điểm trừ không được âm." in page.content()
    table = page.get_by_test_id("deduction-table")
    table.get_by_label("Không nộp danh mục tài liệu tồn đọng").fill("2,5")
    screenshot(page, "reports-deduction-table")
    table.get_by_role("button", name="Lưu").click()
    assert "Đã lưu mức trừ điểm thi đua (1 mức thay đổi)." in page.content()
    assert str(points_for("inventory_missing")) == "2.50"
