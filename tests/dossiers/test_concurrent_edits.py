"""Two people editing the same dossier: the second save, made from a page loaded before the first
save, is refused with a message naming who changed it, and nothing is overwritten (optimistic
locking on Dossier.version)."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dossiers import services
from dossiers.choices import Status
from dossiers.models import Dossier


@pytest.fixture
def mine(agency, plan):
    return services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.get(number=1),
                                 opened_on=datetime.date(2026, 1, 5))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def loaded_version(page: str, form_testid: str) -> int:
    """The hidden version the given form of the detail page carries."""
    form = page.split(f'data-testid="{form_testid}"', 1)[1].split("</form>", 1)[0]
    return int(re.search(r'name="version" value="(\d+)"', form).group(1))


def edit_payload(version, title, retention_years=10, notes=""):
    return {"title": title, "retention_years": retention_years, "notes": notes, "kept_in_portal": "on",
            "version": version}


@pytest.mark.django_db
class TestDossierPages:
    def test_the_second_save_from_an_old_page_is_refused_and_keeps_the_typed_text(self, agency, mine):
        url = reverse("dossiers:detail", args=[mine.pk])
        officer, head = client_for(agency.officer_a), client_for(agency.head_a)
        officer_version = loaded_version(officer.get(url).content.decode(), "edit-form")
        head_version = loaded_version(head.get(url).content.decode(), "edit-form")
        assert officer_version == head_version == mine.version

        saved = officer.post(reverse("dossiers:edit", args=[mine.pk]),
                             edit_payload(officer_version, "Hồ sơ thẩm định dự án điện khí (bản của chuyên viên)"))
        assert saved.status_code == 302

        refused = head.post(reverse("dossiers:edit", args=[mine.pk]),
                            edit_payload(head_version, "Tiêu đề do trưởng phòng sửa", notes="Ghi chú của trưởng phòng"))
        page = refused.content.decode()
        assert refused.status_code == 409
        assert "vừa được" in page and agency.officer_a.get_full_name() in page
        # The head's own input is still in the form, which now carries the current version ...
        assert "Tiêu đề do trưởng phòng sửa" in page and "Ghi chú của trưởng phòng" in page
        assert loaded_version(page, "edit-form") == officer_version + 1
        # ... and the officer's save stands.
        mine.refresh_from_db()
        assert mine.title == "Hồ sơ thẩm định dự án điện khí (bản của chuyên viên)"

        # Saving again from the conflict page is a deliberate overwrite, and it goes through.
        again = head.post(reverse("dossiers:edit", args=[mine.pk]),
                          edit_payload(loaded_version(page, "edit-form"), "Tiêu đề do trưởng phòng sửa"))
        assert again.status_code == 302
        mine.refresh_from_db()
        assert mine.title == "Tiêu đề do trưởng phòng sửa" and mine.version == officer_version + 2

    def test_closing_from_a_page_older_than_an_edit_is_refused(self, agency, mine, doc_for):
        services.dossier_add_document(acting_user=agency.officer_a, dossier=mine, document=doc_for(agency.officer_a))
        url = reverse("dossiers:detail", args=[mine.pk])
        officer, head = client_for(agency.officer_a), client_for(agency.head_a)
        close_version = loaded_version(officer.get(url).content.decode(), "close-form")
        # Meanwhile the head changes the retention, which changes the due date the close computes.
        head_page = head.get(url).content.decode()
        assert head.post(reverse("dossiers:edit", args=[mine.pk]),
                         edit_payload(loaded_version(head_page, "edit-form"), mine.title, retention_years=20)
                         ).status_code == 302
        response = officer.post(reverse("dossiers:close", args=[mine.pk]),
                                {"ended_on": "20/06/2026", "pages": "4", "version": close_version}, follow=True)
        assert "vừa được" in response.content.decode()
        assert Dossier.objects.get(pk=mine.pk).status == Status.OPEN

    def test_a_post_without_the_version_is_refused(self, agency, mine):
        response = client_for(agency.officer_a).post(reverse("dossiers:edit", args=[mine.pk]),
                                                     {"title": "Không có phiên bản", "retention_years": 10},
                                                     follow=True)
        assert response.status_code == 200
        assert Dossier.objects.get(pk=mine.pk).title != "Không có phiên bản"


@pytest.mark.django_db
def test_the_api_answers_409_to_a_close_based_on_an_old_version(agency, mine, doc_for):
    services.dossier_add_document(acting_user=agency.officer_a, dossier=mine, document=doc_for(agency.officer_a))
    stale = mine.version
    services.dossier_update(acting_user=agency.head_a, dossier=mine, expected_version=stale, notes="Đã rà soát")
    api = client_for(agency.officer_a)
    response = api.post(f"/api/v1/dossiers/{mine.pk}/close/",
                        {"ended_on": "2026-06-01", "sheets": 5, "expected_version": stale},
                        content_type="application/json")
    assert response.status_code == 409 and "vừa được" in response.json()["detail"]
    current = api.get(f"/api/v1/dossiers/{mine.pk}/").json()["version"]
    assert current == stale + 1
    closed = api.post(f"/api/v1/dossiers/{mine.pk}/close/",
                      {"ended_on": "2026-06-01", "sheets": 5, "expected_version": current},
                      content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_let_exactly_one_through(agency, mine):
    """Real concurrency (PostgreSQL row lock): both start from version N, at the same moment."""
    version = mine.version
    start = threading.Barrier(2)
    outcomes = []

    def save(user, title):
        try:
            start.wait(timeout=10)
            services.dossier_update(acting_user=user, dossier=Dossier(pk=mine.pk), expected_version=version,
                                    title=title)
            outcomes.append(("saved", title))
        except services.EditConflict:
            outcomes.append(("refused", title))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(agency.officer_a, "Bản A")),
               threading.Thread(target=save, args=(agency.head_a, "Bản B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    mine.refresh_from_db()
    assert mine.title == winner and mine.version == version + 1
