"""Celery tasks: thin, idempotent wrappers over the services."""

from celery import shared_task


@shared_task(name="dossiers.notify_due_soon", acks_late=True, autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def notify_due_soon_task() -> int:
    """Daily: e-mail officers about dossiers falling due for the archive within 30 days.
    Safe to run twice: each dossier is noticed once (see services.due_notices_send)."""
    from . import services

    return services.due_notices_send()
