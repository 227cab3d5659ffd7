"""Celery tasks: thin, idempotent wrappers over the services."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="documents.deadline_reminders", acks_late=True, autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def deadline_reminders() -> int:
    """Daily: notify handlers and heads of documents due soon or overdue (once per deadline)."""
    from . import handling

    return handling.deadline_reminders_send()


@shared_task(name="documents.register_import", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=10,
             max_retries=5)
def register_import_task(register_import_id: int, confirm: bool = False) -> str:
    """The dry run (`confirm` False) or the import of an uploaded register, writing its progress
    row as it reads. Runs twice without harm (a finished run is left alone; the import is saved in
    one transaction with its final state); retried while the database is away."""
    from . import services

    record = services.register_import_run(register_import_id=register_import_id, confirm=confirm)
    return record.state if record is not None else "missing"
