"""The two ratios of the directive, computed by SQL aggregates and stored as monthly snapshots.

E (electronic exchange): documents exchanged and processed electronically ÷ all documents
exchanged in the month, counted for the document's recorded department and officer (lead
department/officer of an incoming document by arrival date, drafting department/drafter of an
outgoing or internal one by issue date). Confidential documents are left out (and counted
beside it) unless COMPLIANCE_EXCLUDE_CONFIDENTIAL is off.

H (electronic dossiers): dossiers in electronic form ÷ all dossiers opened in the month, for the
officer who keeps them and the department that formed them.

Each metric is one GROUP BY (department, officer) query over the month's rows; the grouped
rows (a few thousand at most) are then summed into officer, department-with-its-units and
agency figures. The whole month is replaced in one transaction: running it twice does no harm.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Value
from django.utils import timezone

from documents.choices import Confidentiality, Form
from documents.models import Document
from recordsportal.models import Department

from .models import Metric, ScopeKind, Snapshot, month_start, next_month


@dataclass
class Tally:
    numerator: int = 0
    denominator: int = 0
    excluded: int = 0

    def add(self, numerator, denominator, excluded):
        self.numerator += numerator
        self.denominator += denominator
        self.excluded += excluded


@dataclass
class MonthFigures:
    agency: Tally = field(default_factory=Tally)
    departments: dict = field(default_factory=lambda: defaultdict(Tally))
    officers: dict = field(default_factory=lambda: defaultdict(Tally))


def exclude_confidential() -> bool:
    return getattr(settings, "COMPLIANCE_EXCLUDE_CONFIDENTIAL", True)


def documents_counted_for_e(start: datetime.date, end: datetime.date):
    """The rows E counts in [start, end): every registered, not deleted document of the period."""
    return Document.objects.filter(register_date__gte=start, register_date__lt=end)


def e_grouped_rows(start, end):
    counted = Q(confidentiality=Confidentiality.NORMAL) if exclude_confidential() else Q()
    return documents_counted_for_e(start, end).values("department_id", "officer_id").annotate(
        numerator=Count("id", filter=counted & Q(form=Form.ELECTRONIC)),
        denominator=Count("id", filter=counted) if exclude_confidential() else Count("id"),
        excluded=Count("id", filter=~counted) if exclude_confidential() else Value(0),
    ).order_by()


def h_grouped_rows(start, end):
    """Dossiers opened in [start, end) (not in the trash), grouped the same way."""
    from dossiers.models import Dossier

    return Dossier.objects.filter(opened_on__gte=start, opened_on__lt=end).values("department_id", "officer_id").annotate(
        numerator=Count("id", filter=Q(form="electronic")),
        denominator=Count("id"),
        excluded=Value(0),
    ).order_by()


def roll_up(rows, department_paths: dict[int, str]) -> MonthFigures:
    """Sum grouped rows into officer, department (including its units) and agency figures.
    Loops over grouped rows, never over documents."""
    figures = MonthFigures()
    for row in rows:
        values = (row["numerator"], row["denominator"], row["excluded"])
        figures.agency.add(*values)
        if row["officer_id"]:
            figures.officers[row["officer_id"]].add(*values)
        path = department_paths.get(row["department_id"])
        if path:
            for ancestor_id in path.strip("/").split("/"):
                figures.departments[int(ancestor_id)].add(*values)
    return figures


def snapshots_for(month: datetime.date, metric: str, figures: MonthFigures, now) -> list[Snapshot]:
    def snapshot(scope, key, tally, **fk):
        return Snapshot(month=month, metric=metric, scope=scope, scope_key=key, numerator=tally.numerator,
                        denominator=tally.denominator, excluded=tally.excluded, computed_at=now, **fk)

    rows = []
    if figures.agency.denominator or figures.agency.excluded:
        rows.append(snapshot(ScopeKind.AGENCY, "agency", figures.agency))
    for department_id, tally in figures.departments.items():
        rows.append(snapshot(ScopeKind.DEPARTMENT, f"department:{department_id}", tally, department_id=department_id))
    for officer_id, tally in figures.officers.items():
        rows.append(snapshot(ScopeKind.OFFICER, f"officer:{officer_id}", tally, officer_id=officer_id))
    return rows


@transaction.atomic
def compute_month(month: datetime.date) -> dict[str, int]:
    """Recompute every snapshot of one month; returns the number of snapshots per metric."""
    start = month_start(month)
    end = next_month(start)
    paths = dict(Department.objects.values_list("id", "path"))
    now = timezone.now()
    written = {}
    for metric, rows in ((Metric.ELECTRONIC_EXCHANGE, e_grouped_rows(start, end)),
                         (Metric.ELECTRONIC_DOSSIERS, h_grouped_rows(start, end))):
        snapshots = snapshots_for(start, metric, roll_up(rows, paths), now)
        Snapshot.objects.bulk_create(
            snapshots, batch_size=1000, update_conflicts=True, unique_fields=["month", "metric", "scope_key"],
            update_fields=["numerator", "denominator", "excluded", "computed_at", "department", "officer", "scope"],
        )
        # A scope that had rows before and has none now (documents moved, deleted) must not keep
        # its old figures: whatever this run did not write is stale.
        Snapshot.objects.filter(month=start, metric=metric).exclude(computed_at=now).delete()
        written[metric] = len(snapshots)
    return written


def months_between(first: datetime.date, last: datetime.date):
    month = month_start(first)
    while month <= month_start(last):
        yield month
        month = next_month(month)
