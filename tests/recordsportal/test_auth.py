import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from recordsportal.roles import Role

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_axes_locks_after_repeated_failures_for_that_username(agency, client, settings):
    login_url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "officer_a", "password": "wrong"})
        assert response.status_code == 200
        assert "Vui lòng nhập đúng" in response.content.decode() or "chính xác" in response.content.decode()
    locked = client.post(login_url, {"username": "officer_a", "password": "wrong"})
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    # Even the right password is refused while locked...
    again = client.post(login_url, {"username": "officer_a", "password": PASSWORD})
    assert again.status_code == 429
    # ...but a colleague behind the same address logs in: the lock is per (username, IP).
    colleague = client.post(login_url, {"username": "officer_b", "password": PASSWORD})
    assert colleague.status_code == 302


def test_successful_login_resets_failure_count(agency, client, settings):
    login_url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(login_url, {"username": "officer_a", "password": "wrong"})
    assert client.post(login_url, {"username": "officer_a", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(login_url, {"username": "officer_a", "password": "wrong"}).status_code == 200


@pytest.mark.parametrize("who", ["officer_a", "head_a", "clerk", "leader"])
def test_admin_is_closed_to_everyone_but_administrators(agency, login, who):
    response = login(getattr(agency, who)).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_is_staff_alone_does_not_open_the_admin(agency, login):
    agency.officer_a.is_staff = True
    agency.officer_a.save()
    assert login(agency.officer_a).get("/admin/").status_code == 302


def test_administrator_uses_the_admin(agency, login):
    client = login(agency.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/recordsportal/department/").status_code == 200
    page = client.get(f"/admin/recordsportal/user/{agency.officer_a.pk}/change/")
    assert page.status_code == 200
    assert agency.officer_a.full_name in page.content.decode()


def test_staff_pages_are_for_administrators(agency, login):
    assert login(agency.clerk).get(reverse("staff:users")).status_code == 403
    assert login(agency.admin).get(reverse("staff:users")).status_code == 200


def test_session_and_csrf_cookies_are_protected(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_HTTPONLY is True
    assert live.SESSION_COOKIE_SAMESITE == "Lax"
    assert live.CSRF_COOKIE_HTTPONLY is True
    assert live.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert live.AXES_COOLOFF_TIME is not None


def test_logout_is_a_post(agency, login):
    client = login(agency.officer_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_error_pages_speak_vietnamese(agency, login):
    client = login(agency.officer_a)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "Không tìm thấy trang hoặc hồ sơ" in missing.content.decode()


def test_server_error_page_is_vietnamese_and_standalone(rf):
    from recordsportal.views.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_csrf_failure_page_explains_and_keeps_nothing(agency, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_a_user_with_several_roles_lands_on_the_broadest(agency, login):
    agency.head_a.groups.add(Group.objects.get(name=Role.OFFICE))
    user = type(agency.head_a).objects.get(pk=agency.head_a.pk)
    assert user.primary_role == Role.OFFICE
    assert "Văn phòng: theo dõi toàn cơ quan" in login(user).get(reverse("home")).content.decode()
