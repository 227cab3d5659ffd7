"""Demo figures: compute the last twelve months (and their violations) from the demo records."""

import datetime

from django.utils import timezone

from . import compliance, violations
from .models import month_start


def seed(command, acting_user):
    this_month = month_start(timezone.localdate())
    first = month_start(this_month - datetime.timedelta(days=365))
    for month in compliance.months_between(first, this_month):
        compliance.compute_month(month)
        violations.detect_month(month)
    # The 2021 backlog campaign's deadline misses belong to July 2021.
    violations.detect_month(datetime.date(2021, 7, 1))
    command.stdout.write(f"  reports: snapshots and violations computed from {first:%m/%Y} to {this_month:%m/%Y}")
