"""The JSON API: the same scope (404 out of scope), services and Vietnamese refusals as the pages."""


import pytest

from dossiers import services
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_api_opens_adds_and_closes(agency, login, plan, doc_for):
    client = login(agency.officer_a)
    entry = plan.entries.get(number=1)
    created = client.post("/api/v1/dossiers/", {"plan_entry": entry.pk, "opened_on": "2026-01-05"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "000.00.31.H09.2026.01.TH" and body["form"] == "electronic" and body["status"] == "open"
    pk = body["id"]
    empty_close = client.post(f"/api/v1/dossiers/{pk}/close/", {"ended_on": "2026-06-01"},
                              content_type="application/json")
    assert empty_close.status_code == 400 and "không thể kết thúc hồ sơ rỗng" in empty_close.json()["detail"]
    document = doc_for(agency.officer_a)
    added = client.post(f"/api/v1/dossiers/{pk}/items/", {"document": document.pk}, content_type="application/json")
    assert added.status_code == 201 and added.json()["kind"] == "document"
    paper = client.post(f"/api/v1/dossiers/{pk}/items/", {"paper_title": "Biên bản họp"}, content_type="application/json")
    assert paper.status_code == 201 and paper.json()["form"] == "paper"
    items = client.get(f"/api/v1/dossiers/{pk}/items/").json()
    assert [i["kind"] for i in items] == ["document", "paper"]
    closed = client.post(f"/api/v1/dossiers/{pk}/close/", {"ended_on": "2026-06-01", "sheets": 5},
                         content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["form"] == "paper"
    assert closed.json()["due_on"] == "2027-12-31"
    again = client.post(f"/api/v1/dossiers/{pk}/items/", {"paper_title": "X"}, content_type="application/json")
    assert again.status_code == 400 and "Hồ sơ đã kết thúc" in again.json()["detail"]


def test_api_is_scoped_and_filtered(agency, login, identifier, plan):
    mine = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ quy hoạch khu công nghiệp",
                                 retention_years=10)
    paper = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ giấy", retention_years=5,
                                  kept_in_portal=False)
    other = services.dossier_open(acting_user=agency.officer_b, title="Hồ sơ B", retention_years=5)
    rows = login(agency.officer_a).get("/api/v1/dossiers/").json()["results"]
    assert {r["id"] for r in rows} == {mine.pk, paper.pk}
    rows = login(agency.officer_a).get("/api/v1/dossiers/", {"form": "paper"}).json()["results"]
    assert [r["id"] for r in rows] == [paper.pk]
    rows = login(agency.clerk).get("/api/v1/dossiers/", {"q": "quy hoach"}).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert login(agency.officer_a).get(f"/api/v1/dossiers/{other.pk}/").status_code == 404
    for path in ("items/", "close/"):
        assert login(agency.officer_a).post(f"/api/v1/dossiers/{other.pk}/{path}", {"paper_title": "X",
                                            "ended_on": "2026-06-01"}, content_type="application/json").status_code == 404
    # A plan entry of another department's plan cannot even be named.
    refused = login(agency.officer_b).post("/api/v1/dossiers/", {"plan_entry": plan.entries.first().pk},
                                           content_type="application/json")
    assert refused.status_code == 400 and "plan_entry" in refused.json()
    plans = login(agency.officer_a).get("/api/v1/file-plans/").json()["results"]
    assert [p["id"] for p in plans] == [plan.pk] and plans[0]["entries"][0]["number_symbol"] == "01.TH"
    assert login(agency.officer_b).get("/api/v1/file-plans/").json()["results"] == []
    assert login(agency.officer_b).get(f"/api/v1/file-plans/{plan.pk}/").status_code == 404


def test_api_adds_only_visible_documents(agency, login, identifier, doc_for):
    dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
    hidden = doc_for(agency.officer_b)
    response = login(agency.officer_a).post(f"/api/v1/dossiers/{dossier.pk}/items/", {"document": hidden.pk},
                                            content_type="application/json")
    assert response.status_code == 400 and "Không tìm thấy văn bản" in response.json()["document"][0]
    missing = login(agency.officer_a).post(f"/api/v1/dossiers/{dossier.pk}/items/", {"document": 999999},
                                           content_type="application/json")
    assert missing.json() == response.json()
    assert not Dossier.objects.get(pk=dossier.pk).items.exists()


def test_api_is_in_the_schema(agency, login):
    schema = login(agency.clerk).get("/api/schema/").content.decode()
    for path in ("/api/v1/dossiers/", "/api/v1/dossiers/{id}/items/", "/api/v1/dossiers/{id}/close/",
                 "/api/v1/file-plans/"):
        assert path in schema


def test_schema_generation_has_no_warnings_from_dossiers(capsys):
    from drf_spectacular.generators import SchemaGenerator

    SchemaGenerator().get_schema(request=None, public=True)
    captured = capsys.readouterr()
    assert "dossiers/" not in captured.err and "dossiers/" not in captured.out
