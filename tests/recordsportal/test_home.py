import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "officer_a": "Việc của tôi",
    "head_a": "Phòng, đơn vị của tôi",
    "clerk": "Văn phòng: theo dõi toàn cơ quan",
    "leader": "Lãnh đạo Ban: tổng quan cơ quan",
    "admin": "Quản trị hệ thống",
}


@pytest.mark.parametrize(("who", "title"), HOME_TITLES.items())
def test_each_role_lands_on_its_home_page(agency, client, who, title):
    user = getattr(agency, who)
    response = client.post(reverse("login"), {"username": user.username, "password": "Test-pass-2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert title in page.content.decode()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_targets_from_agency_settings(agency, login):
    from recordsportal.models import Agency

    agency_row = Agency.load()
    agency_row.target_electronic_exchange = 97
    agency_row.save()
    page = login(agency.officer_a).get(reverse("home")).content.decode()
    assert "≥ 97%" in page
    assert "≥ 40%" in page


def test_department_head_home_lists_own_department_only(agency, login):
    page = login(agency.head_a).get(reverse("home")).content.decode()
    assert agency.officer_a.full_name in page
    assert agency.officer_a1_unit.full_name in page  # the sub-unit belongs to the head's department
    assert agency.officer_b.full_name not in page


def test_menu_follows_roles(agency, login):
    officer_page = login(agency.officer_a).get(reverse("home")).content.decode()
    assert reverse("staff:index") not in officer_page
    assert reverse("people") not in officer_page
    admin_page = login(agency.admin).get(reverse("home")).content.decode()
    assert reverse("staff:index") in admin_page


def test_english_is_available(agency, login):
    client = login(agency.officer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "My work" in page
    assert 'lang="en"' in page


def test_vietnamese_even_when_the_browser_prefers_english(agency, login):
    client = login(agency.officer_a)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Việc của tôi" in page and 'lang="vi"' in page


def test_department_head_home_names_the_led_departments_and_their_units_as_before(agency, login):
    """The head's line of departments is chosen by the database (issue 16: it read all the
    agency's departments with their member counts and filtered them in Python); the same names
    in the same order as that filter gives, inactive units left out."""
    from recordsportal.models import Department
    from tests.factories import DepartmentFactory

    deep = DepartmentFactory(name="Nhóm <Một> & Hai", abbreviation="N1", parent=agency.unit_a1)
    DepartmentFactory(name="Tổ đã giải thể", abbreviation="GT", parent=agency.dept_a, is_active=False)
    DepartmentFactory(name="Tổ của phòng khác", abbreviation="TK", parent=agency.dept_b)
    client = login(agency.head_a)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("home")).content.decode()
    # Not every department of the agency with its members counted, as the Office's home does.
    assert not any("member_count" in q["sql"] for q in ctx.captured_queries)
    paths = [agency.dept_a.path]
    before = [d.name for d in Department.objects.active().order_by("path") if any(d.path.startswith(p) for p in paths)]
    assert before == ["Phòng Quản lý Đầu tư", "Tổ Thẩm định", deep.name]
    assert '<p class="text-muted">Phòng Quản lý Đầu tư, Tổ Thẩm định, Nhóm &lt;Một&gt; &amp; Hai</p>' in page
