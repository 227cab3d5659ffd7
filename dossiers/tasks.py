"""Celery tasks: thin, idempotent wrappers over the services."""

from celery import shared_task


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
