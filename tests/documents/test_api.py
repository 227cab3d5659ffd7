import pytest

from documents import services
from documents.models import Document

pytestmark = pytest.mark.django_db

PAYLOAD = {"number_symbol": "88/SKHĐT-ĐKKD", "issuer": "Sở Kế hoạch và Đầu tư", "summary": "V/v cấp phép đầu tư",
           "document_date": "2026-04-01", "arrival_date": "2026-04-02"}


def test_api_creates_assigns_and_completes(agency, login):
    clerk = login(agency.clerk)
    created = clerk.post("/api/v1/documents/", PAYLOAD, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["number"] == 1
    leader = login(agency.leader)
    assigned = leader.post(f"/api/v1/documents/{pk}/assign/", {"department": agency.dept_a.pk, "officer": agency.officer_a.pk,
                                                             "deadline": "2026-04-20"}, content_type="application/json")
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    officer = login(agency.officer_a)
    done = officer.post(f"/api/v1/documents/{pk}/complete/", {"text": "Xong"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_api_refusals_are_400_with_the_same_message(agency, login):
    response = login(agency.officer_a).post("/api/v1/documents/", PAYLOAD, content_type="application/json")
    assert response.status_code == 400
    assert "Chỉ văn thư được đăng ký văn bản đến" in response.json()["detail"]
    clerk = login(agency.clerk)
    clerk.post("/api/v1/documents/", PAYLOAD, content_type="application/json")
    duplicate = clerk.post("/api/v1/documents/", PAYLOAD, content_type="application/json")
    assert duplicate.status_code == 400 and "đã được đăng ký" in duplicate.json()["detail"]
    assert Document.objects.count() == 1


def test_api_list_is_scoped_and_filtered(agency, login, incoming):
    mine = incoming(number_symbol="1/A", summary="Quyết định đầu tư")
    services.incoming_assign(acting_user=agency.leader, document=mine, department=agency.dept_a, officer=agency.officer_a)
    incoming(number_symbol="2/A", summary="Báo cáo")
    officer_rows = login(agency.officer_a).get("/api/v1/documents/").json()["results"]
    assert [row["number_symbol"] for row in officer_rows] == ["1/A"]
    clerk_rows = login(agency.clerk).get("/api/v1/documents/", {"q": "quyet dinh"}).json()["results"]
    assert [row["number_symbol"] for row in clerk_rows] == ["1/A"]
    other = incoming(number_symbol="3/A")
    assert login(agency.officer_b).get(f"/api/v1/documents/{other.pk}/").status_code == 404


def test_api_is_in_the_schema(agency, login):
    schema = login(agency.clerk).get("/api/schema/").content.decode()
    for path in ("/api/v1/documents/", "/api/v1/documents/{id}/assign/", "/api/v1/documents/{id}/complete/"):
        assert path in schema
