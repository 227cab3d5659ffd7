"""Switching the agency's archive due rule on the settings page recomputes the due date of every
closed dossier (queued to Celery), and the daily notices run catches up if that queueing failed."""

import datetime

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.tasks import notify_due_soon_task
from recordsportal.models import Agency

pytestmark = pytest.mark.django_db

AGENCY_FORM = {
    "name": "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh", "parent_name": "UBND tỉnh", "abbreviation": "BQL",
    "identifier_code": "000.00.31.H09", "place_name": "Hà Tĩnh", "target_electronic_exchange": "95",
    "target_electronic_dossiers": "40", "file_plan_numbering": "continuous",
}


def test_changing_the_rule_on_the_settings_page_recomputes_due_dates(agency, login, closed_dossier):
    dossier = closed_dossier(ended_on=datetime.date(2026, 3, 15))
    assert dossier.due_on == datetime.date(2027, 12, 31)  # 2024 law: 31/12 of the year after
    response = login(agency.admin).post(reverse("staff:agency"), AGENCY_FORM | {"archive_due_rule": "2011"},
                                        follow=True)
    assert "đang được tính lại theo quy định mới" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).due_on == datetime.date(2027, 3, 15)  # 2011 law: 12 months


def test_saving_without_changing_the_rule_queues_nothing(agency, login, closed_dossier):
    closed_dossier(ended_on=datetime.date(2026, 3, 15))
    rule = Agency.load().archive_due_rule
    response = login(agency.admin).post(reverse("staff:agency"), AGENCY_FORM | {"archive_due_rule": rule},
                                        follow=True)
    assert "tính lại" not in response.content.decode()


def test_the_daily_notices_run_catches_up_a_lost_recompute(agency, closed_dossier):
    dossier = closed_dossier(ended_on=datetime.date(2026, 3, 15))
    Agency.objects.update(archive_due_rule=Agency.ArchiveDueRule.LAW_2011)  # as if the queue had been down
    notify_due_soon_task.apply()
    assert Dossier.objects.get(pk=dossier.pk).due_on == datetime.date(2027, 3, 15)


def test_with_the_queue_down_the_rule_is_saved_and_the_admin_is_told_when_dates_follow(agency, login, closed_dossier):
    from tests.faults.conftest import celery_publishing_to, free_port

    dossier = closed_dossier(ended_on=datetime.date(2026, 3, 15))
    with celery_publishing_to(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        response = login(agency.admin).post(reverse("staff:agency"), AGENCY_FORM | {"archive_due_rule": "2011"},
                                            follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hàng đợi xử lý nền đang không hoạt động" in page and "lần chạy hằng ngày" in page
    assert Agency.load().archive_due_rule == "2011"  # the setting itself is not lost
    assert Dossier.objects.get(pk=dossier.pk).due_on == datetime.date(2027, 12, 31)  # not yet recomputed
