"""Every task the beat schedule names exists (a typo would only show at night, in production)."""

from django.conf import settings


def test_beat_schedule_names_registered_tasks():
    from recordsportal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= {"reports.compute_month", "reports.compute_previous_month", "backlog.daily",
                         "dossiers.notify_due_soon"}
    assert scheduled <= set(app.tasks)


def test_previous_month_task_computes_the_month_that_ended(db, monkeypatch):
    import datetime

    from reports import compliance, tasks

    computed = []
    monkeypatch.setattr(compliance, "compute_month", lambda month: computed.append(month) or {})
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 1, 1))
    assert tasks.compute_previous_month_task.delay().get() == "2025-12-01"
    assert computed == [datetime.date(2025, 12, 1)]
