"""Every task the beat schedule names exists (a typo would only show at night, in production)."""

from django.conf import settings


def test_beat_schedule_names_registered_tasks():
    from recordsportal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= {"reports.compute_month", "reports.compute_previous_month", "backlog.daily",
                         "dossiers.notify_due_soon"}
    assert scheduled <= set(app.tasks)
