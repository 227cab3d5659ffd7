"""Celery tasks: thin, idempotent wrappers over the services."""

from celery import shared_task


@shared_task(name="documents.deadline_reminders", acks_late=True, autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def deadline_reminders() -> int:
    """Daily: notify handlers and heads of documents due soon or overdue (once per deadline)."""
    from . import handling

    return handling.deadline_reminders_send()
