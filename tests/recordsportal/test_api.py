import pytest

pytestmark = pytest.mark.django_db


def test_api_requires_login(client):
    assert client.get("/api/v1/me/").status_code == 403


def test_me_returns_profile_and_roles(agency, login):
    data = login(agency.head_a).get("/api/v1/me/").json()
    assert data["username"] == "head_a"
    assert set(data["roles"]) == {"department_head", "officer"}
    assert data["department_name"] == "Phòng Quản lý Đầu tư"


def test_openapi_schema_and_docs_are_served_offline_to_signed_in_users_only(agency, client, login):
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403
    client = login(agency.officer_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/users/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs
