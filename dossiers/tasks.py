"""Celery tasks: thin, idempotent wrappers over the services."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="dossiers.notify_due_soon", acks_late=True, autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def notify_due_soon_task() -> int:
    """Daily: e-mail officers about dossiers falling due for the archive within 30 days.
    Safe to run twice: each dossier is noticed once (see services.due_notices_send). The due dates
    are brought in line with the agency's rule first, in case the recompute queued when the rule
    changed was lost (broker down); it writes only the dates that differ."""
    from . import services

    services.due_dates_recompute()
    return services.due_notices_send()


@shared_task(name="dossiers.recompute_due_dates", acks_late=True, autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def recompute_due_dates_task() -> int:
    """After the agency changes its archive due rule: the due date of every closed dossier."""
    from . import services

    return services.due_dates_recompute()


@shared_task(name="dossiers.import_file_plan", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=10,
             max_retries=5)
def import_file_plan_task(plan_import_id: int) -> str:
    """Read, check and save an uploaded file plan, writing its progress row as it goes. Runs
    twice without harm (a finished import is left alone; the plan is saved in one transaction
    with the import's final state); retried while the database is away."""
    from . import services

    record = services.file_plan_import_run(plan_import_id=plan_import_id)
    return record.state if record is not None else "missing"
