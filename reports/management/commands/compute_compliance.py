"""Recompute the monthly snapshots (and violations) for one month or a range."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reports import compliance, violations


def parse_month(value: str) -> datetime.date:
    for pattern in ("%Y-%m", "%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise CommandError(f"Tháng không hợp lệ: {value!r} (dùng YYYY-MM hoặc MM/YYYY)")


class Command(BaseCommand):
    help = "Recompute compliance snapshots for --month YYYY-MM, or --from YYYY-MM --to YYYY-MM."

    def add_arguments(self, parser):
        parser.add_argument("--month")
        parser.add_argument("--from", dest="first")
        parser.add_argument("--to", dest="last")
        parser.add_argument("--no-violations", action="store_true", help="Only the snapshots.")

    def handle(self, *args, month=None, first=None, last=None, no_violations=False, **options):
        if month:
            first = last = month
        if not first:
            raise CommandError("Give --month or --from/--to.")
        months = list(compliance.months_between(parse_month(first), parse_month(last or first)))
        for target in months:
            written = compliance.compute_month(target)
            found = {} if no_violations else violations.detect_month(target)
            self.stdout.write(f"{target:%m/%Y}: snapshots {written}, violations {found}")
