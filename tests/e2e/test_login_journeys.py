import pytest

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_own_home(agency, live_server, page, screenshot):
    log_in(page, live_server, "officer_a", PASSWORD)
    assert page.get_by_test_id("home-title").inner_text() == "Việc của tôi"
    assert page.locator("main").get_by_text("Phòng Quản lý Đầu tư").is_visible()
    nav = page.locator("#mainnav").inner_text()
    assert "Quản trị" not in nav and "Cán bộ" not in nav
    # The officer cannot reach the people list by typing its address.
    response = page.goto(f"{live_server.url}/people/")
    assert response.status == 403
    assert "Bạn không có quyền truy cập trang này" in page.content()
    page.goto(f"{live_server.url}/")
    screenshot(page, "home-officer")


def test_leadership_logs_in_and_sees_the_agency(agency, live_server, page, screenshot):
    log_in(page, live_server, "leader", PASSWORD)
    assert "Lãnh đạo Ban" in page.get_by_test_id("home-title").inner_text()
    table = page.get_by_test_id("department-table").inner_text()
    for department in ("Văn phòng", "Phòng Quản lý Đầu tư", "Phòng Quản lý Doanh nghiệp", "Tổ Thẩm định"):
        assert department in table
    assert page.get_by_test_id("target-e").inner_text() == "≥ 95%"
    screenshot(page, "home-leadership")
    page.get_by_role("link", name="Cán bộ").click()
    people = page.get_by_test_id("people-table").inner_text()
    assert "Chu Văn Cán Bộ B" in people and "Phan Văn Cán Bộ A" in people


def test_language_switches_to_english_and_back(agency, live_server, page):
    log_in(page, live_server, "officer_a", PASSWORD)
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("home-title").inner_text() == "My work"
    page.get_by_role("button", name="VI").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("home-title").inner_text() == "Việc của tôi"


def test_wrong_password_shows_a_vietnamese_error(agency, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "sai-mat-khau")
    page.click("main button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    assert "mật khẩu" in page.locator(".alert-danger").inner_text().lower()
