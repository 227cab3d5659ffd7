"""Celery tasks: thin, idempotent wrappers over the services (see services.py for why a retry
neither loses nor repeats an e-mail)."""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

RETRY = {"acks_late": True, "autoretry_for": (OSError, SMTPException), "retry_backoff": 60, "max_retries": 5}


@shared_task(name="notifications.send_emails", **RETRY)
def send_emails(key: str | None = None) -> int:
    """After a commit: the immediate e-mails of one event."""
    from . import services

    return services.emails_send(key=key)


@shared_task(name="notifications.send_pending", **RETRY)
def send_pending() -> int:
    """Every few minutes: immediate e-mails whose task was never queued (broker down) or gave up."""
    from . import services

    return services.emails_send(created_before=timezone.now() - services.SWEEP_AFTER)


@shared_task(name="notifications.send_digests", **RETRY)
def send_digests() -> int:
    """Every morning: one e-mail per person who chose the daily digest."""
    from . import services

    return services.digests_send()
