"""Celery tasks: thin, idempotent wrappers; the work is in compliance.py and violations.py."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import month_start


def _month(value: str | None) -> datetime.date:
    return month_start(datetime.date.fromisoformat(value) if value else timezone.localdate())


@shared_task(
    name="reports.compute_month",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def compute_month_task(month: str | None = None, detect: bool = True) -> dict:
    """Compute one month's snapshots (ISO date of any day in it; default: this month), then
    detect that month's violations."""
    from . import compliance, violations

    target = _month(month)
    written = compliance.compute_month(target)
    if detect:
        violations.detect_month(target)
    return {"month": target.isoformat(), **written}


@shared_task(name="reports.compute_previous_month", acks_late=True)
def compute_previous_month_task() -> str:
    """Beat, on the 1st: close the books of the month that just ended. Queued as its own
    task so that it gets compute_month's retries."""
    previous = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    compute_month_task.delay(previous.isoformat())
    return previous.isoformat()


@shared_task(name="reports.close_due_months", acks_late=True)
def close_due_months_task() -> list[str]:
    """Beat, daily: the previous month closes itself on REPORTS_MONTH_CLOSE_DAY (months.py)."""
    from . import months

    return [month.isoformat() for month in months.close_due_months()]


@shared_task(name="reports.head_digests", acks_late=True)
def head_digests_task() -> int:
    """Beat, weekly: heads of departments below target in the last two weeks of the month (nudges.py)."""
    from . import nudges

    return nudges.send_head_digests()
