"""The administrator's staff pages: agency settings, departments, users and their roles."""

from decimal import Decimal

import pytest
from django.urls import reverse

from recordsportal.models import Agency, Department, User
from recordsportal.roles import Role

pytestmark = pytest.mark.django_db


def test_admin_edits_agency_settings_and_targets(agency, login):
    client = login(agency.admin)
    response = client.post(
        reverse("staff:agency"),
        {
            "name": "Ban Quản lý Khu kinh tế tỉnh",
            "parent_name": "UBND tỉnh",
            "abbreviation": "BQL",
            "identifier_code": "000.00.31.H09",
            "place_name": "Hà Tĩnh",
            "target_electronic_exchange": "96",
            "target_electronic_dossiers": "45,5",
            "archive_due_rule": "2011",
            "file_plan_numbering": "per_heading",
        },
    )
    assert response.status_code == 302
    row = Agency.load()
    assert row.target_electronic_exchange == Decimal("96")
    assert row.target_electronic_dossiers == Decimal("45.5")
    assert (row.archive_due_rule, row.file_plan_numbering) == ("2011", "per_heading")
    assert row.history.first().history_user == agency.admin


def test_agency_settings_refuse_bad_values_in_vietnamese(agency, login):
    client = login(agency.admin)
    before = Agency.load().identifier_code
    response = client.post(
        reverse("staff:agency"),
        {
            "name": "BQL",
            "abbreviation": "BQL",
            "identifier_code": "H09",
            "target_electronic_exchange": "120",
            "target_electronic_dossiers": "40",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã định danh gồm 13 ký tự" in page
    assert "Tỉ lệ phải từ 0 đến 100%" in page
    assert Agency.load().identifier_code == before


def test_admin_creates_a_department_under_another(agency, login):
    client = login(agency.admin)
    response = client.post(
        reverse("staff:department_create"),
        {"name": "Tổ Xúc tiến đầu tư", "abbreviation": "xtđt", "kind": "unit", "parent": agency.dept_a.pk, "order": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    created = Department.objects.get(abbreviation="XTĐT")
    assert created.path == f"{agency.dept_a.path}{created.pk}/"


def test_department_cannot_move_under_its_own_unit(agency, login):
    client = login(agency.admin)
    response = client.post(
        reverse("staff:department_update", args=[agency.dept_a.pk]),
        {"name": agency.dept_a.name, "abbreviation": "QLĐT", "kind": "department", "parent": agency.unit_a1.pk, "order": 0},
    )
    assert response.status_code == 200
    agency.dept_a.refresh_from_db()
    assert agency.dept_a.parent_id is None


def test_duplicate_department_abbreviation_is_refused(agency, login):
    response = login(agency.admin).post(
        reverse("staff:department_create"), {"name": "Phòng khác", "abbreviation": "QLDN", "kind": "department", "order": 0}
    )
    assert response.status_code == 200
    assert "Tên viết tắt này đã được dùng" in response.content.decode()
    assert Department.objects.filter(abbreviation="QLDN").count() == 1


def test_admin_creates_a_user_with_roles(agency, login):
    client = login(agency.admin)
    response = client.post(
        reverse("staff:user_create"),
        {
            "username": "cb.moi",
            "full_name": "Nguyễn Văn Mới",
            "email": "moi@example.vn",
            "department": agency.dept_b.pk,
            "position": "Chuyên viên",
            "roles": [Role.OFFICER, Role.OFFICE],
            "password": "Mat-khau-ban-dau-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="cb.moi")
    assert user.roles == {Role.OFFICER, Role.OFFICE}
    assert user.check_password("Mat-khau-ban-dau-2026")
    assert not user.is_staff


def test_granting_administrator_role_opens_the_admin(agency, login):
    officer = agency.officer_b
    response = login(agency.admin).post(
        reverse("staff:user_update", args=[officer.pk]),
        {
            "username": officer.username,
            "full_name": officer.full_name,
            "department": officer.department_id,
            "roles": [Role.OFFICER, Role.ADMIN],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_staff
    assert officer.check_password("Test-pass-2026")  # blank password field keeps the old one


def test_officer_needs_a_department(agency, login):
    response = login(agency.admin).post(
        reverse("staff:user_create"),
        {"username": "x", "full_name": "X", "roles": [Role.OFFICER], "password": "Mat-khau-ban-dau-2026"},
    )
    assert response.status_code == 200
    assert "phải thuộc một phòng, đơn vị" in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_vietnamese_text_is_stored_nfc(agency, login):
    import unicodedata

    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    login(agency.admin).post(
        reverse("staff:user_create"),
        {"username": "huong", "full_name": nfd_name, "department": agency.dept_a.pk, "roles": [Role.OFFICER], "password": "Mat-khau-ban-dau-2026"},
    )
    assert User.objects.get(username="huong").full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hương")
    assert User.objects.filter(full_name="Nguyễn Thị Hương").exists()
