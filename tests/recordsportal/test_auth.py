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


# --- Behind the reverse proxy: the client's address, not the proxy's, and not a forged one ---------

PROXY = "172.18.0.2"  # REMOTE_ADDR of every request: the reverse proxy
ATTACKER, COLLEAGUE = "198.51.100.9", "203.0.113.20"


def through_proxy(client, username, password, forwarded_for):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_one_proxy_failures_lock_the_real_client_not_everyone_behind_the_proxy(agency, settings):
    from axes.models import AccessAttempt
    from django.test import Client

    settings.PROXY_COUNT = 1
    attacker = Client()
    # Each try invents a different left part (the colleague's address among them); nginx appends the
    # address it really saw, so the chain ends with the attacker's.
    spoofed = ["10.9.9.9", COLLEAGUE, "2001:db8::1", "not-an-ip", "10.0.0.1, 10.0.0.2"]
    responses = [through_proxy(attacker, "officer_a", "wrong", f"{left}, {ATTACKER}") for left in spoofed]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert through_proxy(attacker, "officer_a", PASSWORD, ATTACKER).status_code == 429
    # The real officer_a, elsewhere behind the same proxy, still logs in.
    assert through_proxy(Client(), "officer_a", PASSWORD, COLLEAGUE).status_code == 302
    # Axes recorded the attacker's address, never the proxy's or a forged one.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_chain_cannot_lock_out_a_colleague(agency, settings):
    from django.test import Client

    settings.PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(Client(), "officer_a", "wrong", f"{COLLEAGUE}, {ATTACKER}")
    assert through_proxy(Client(), "officer_a", PASSWORD, COLLEAGUE).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.20", PROXY),  # no proxy configured: the header is the client's own words
        (1, "203.0.113.20", "203.0.113.20"),
        (1, "6.6.6.6, 203.0.113.20", "203.0.113.20"),
        (2, "6.6.6.6, 203.0.113.20, 10.0.0.7", "203.0.113.20"),  # the second proxy appended the first
        (2, "203.0.113.20", PROXY),  # shorter than the configured chain: not through both proxies
        (1, "6.6.6.6, bogus", PROXY),
        (1, "", PROXY),
        (1, "2001:DB8::5", "2001:db8::5"),
    ],
)
def test_the_client_address_is_counted_from_the_right(rf, settings, proxies, forwarded_for, expected):
    from recordsportal.proxies import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


def test_the_request_log_names_the_client_behind_the_proxy(client, settings, caplog):
    import logging

    settings.PROXY_COUNT = 1
    caplog.set_level(logging.INFO, logger="recordsportal.requests")
    client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{COLLEAGUE}, {ATTACKER}")
    (record,) = [r for r in caplog.records if r.name == "recordsportal.requests"]
    assert record.client_ip == ATTACKER
