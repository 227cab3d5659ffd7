"""Violation detection (DOMAIN.md §6): one rule per kind, each a query over snapshots or over
the other apps' records, each writing rows keyed so that detection can run again and again.

A detected violation that no longer applies (the figures were corrected before anyone reviewed
it) is removed; one the Office already reviewed is kept as it is.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from documents.choices import Direction
from documents.models import Document
from documents.querysets import OPEN_STATUSES
from recordsportal.models import Agency, Department

from .models import Metric, ReportMonth, ScopeKind, Snapshot, Violation, ViolationKind, month_start, next_month

# Emulation applies to the Board's departments and affiliated units: the top level of the tree.
# A sub-unit's figures are inside its parent's, so judging both would count one lapse twice.


def emulation_departments():
    return Department.objects.filter(parent__isnull=True, is_active=True)


def _below_target(month, metric, kind, target):
    found = {}
    snapshots = Snapshot.objects.filter(
        month=month, metric=metric, scope=ScopeKind.DEPARTMENT, department__in=emulation_departments(), denominator__gt=0
    )
    for snapshot in snapshots:
        if Decimal(snapshot.numerator * 100) < target * snapshot.denominator:
            found[f"{kind}:{month:%Y-%m}:{snapshot.department_id}"] = (snapshot.department_id, None, {
                "numerator": snapshot.numerator, "denominator": snapshot.denominator, "excluded": snapshot.excluded,
                "ratio": round(snapshot.ratio, 2), "target": float(target),
            })
    return found


def _documents_overdue(month):
    """Incoming documents whose deadline fell in the month and that were, at detection time,
    still open past it or completed after it — per lead department."""
    start, end = month, next_month(month)
    today = timezone.localdate()
    late = Q(status__in=OPEN_STATUSES, deadline__lt=today) | Q(completed_at__date__gt=F("deadline"))
    rows = (
        Document.objects.filter(direction=Direction.INCOMING, deadline__gte=start, deadline__lt=end, department__isnull=False)
        .filter(late)
        .values("department_id")
        .annotate(count=Count("id"))
    )
    return _per_top_department(
        {row["department_id"]: row["count"] for row in rows}, ViolationKind.DOCUMENTS_OVERDUE, month,
        lambda count: {"count": count, "from": start.isoformat(), "to": (end - datetime.timedelta(days=1)).isoformat()},
    )


def _backlog_misses(month):
    from backlog.models import DeadlineMiss

    found = {}
    for miss in DeadlineMiss.objects.filter(deadline__gte=month, deadline__lt=next_month(month)).select_related("campaign"):
        kind = ViolationKind.INVENTORY_LATE if miss.kind == "late" else ViolationKind.INVENTORY_MISSING
        found[f"{kind}:{miss.campaign_id}:{miss.department_id}"] = (miss.department_id, None, {
            "campaign": miss.campaign.title, "campaign_id": miss.campaign_id, "deadline": miss.deadline.isoformat(),
            "submitted_at": miss.submitted_at.isoformat() if miss.submitted_at else None,
        })
    return found


def _dossiers_overdue(month):
    """Dossiers due for archive submission by the end of the month, neither submitted nor under
    an approved retention (the dossiers app's own rule), per department that formed them."""
    from dossiers.models import Dossier

    as_of = next_month(month)  # overdue on the last day of the month: due before the 1st of the next
    rows = Dossier.objects.overdue(today=as_of - datetime.timedelta(days=1)).values("department_id").annotate(count=Count("id"))
    return _per_top_department(
        {row["department_id"]: row["count"] for row in rows}, ViolationKind.DOSSIERS_OVERDUE, month,
        lambda count: {"count": count, "as_of": (as_of - datetime.timedelta(days=1)).isoformat()},
    )


def _per_top_department(counts, kind, month, evidence):
    """Fold per-department counts into the top-level department they belong to."""
    paths = dict(Department.objects.values_list("id", "path"))
    top_level = set(emulation_departments().values_list("id", flat=True))
    totals = {}
    for department_id, count in counts.items():
        top = int(paths[department_id].strip("/").split("/")[0])
        if top in top_level:
            totals[top] = totals.get(top, 0) + count
    return {f"{kind}:{month:%Y-%m}:{top}": (top, None, evidence(count)) for top, count in totals.items()}


@transaction.atomic
def detect_month(month: datetime.date, *, accepting: bool = False) -> dict[str, int]:
    """Detect every kind of violation for one month. Returns how many exist per kind after it.
    A closed month is left as it was reviewed (its violations keep their evidence) unless the
    Office is accepting its recomputed figures (`months.candidate_accept`)."""
    month = month_start(month)
    if not accepting and ReportMonth.objects.filter(month=month, closed_at__isnull=False).exists():
        counts = Violation.objects.filter(period=month).values("kind").annotate(n=Count("id"))
        return {row["kind"]: row["n"] for row in counts}
    agency = Agency.load()
    found = {}
    found.update(_below_target(month, Metric.ELECTRONIC_EXCHANGE, ViolationKind.E_BELOW_TARGET, agency.target_electronic_exchange))
    found.update(_below_target(month, Metric.ELECTRONIC_DOSSIERS, ViolationKind.H_BELOW_TARGET, agency.target_electronic_dossiers))
    found.update(_documents_overdue(month))
    found.update(_backlog_misses(month))
    found.update(_dossiers_overdue(month))

    existing = {v.key: v for v in Violation.objects.filter(key__in=found.keys())}
    for key, (department_id, officer_id, evidence) in found.items():
        kind = key.split(":", 1)[0]
        violation = existing.get(key)
        if violation is None:
            Violation.objects.create(key=key, kind=kind, department_id=department_id, officer_id=officer_id,
                                     period=month, evidence=evidence)
        elif violation.status == Violation.Status.DETECTED and violation.evidence != evidence:
            violation.evidence = evidence
            violation.save(update_fields=["evidence"])
    # Detected in an earlier run, not found now, never reviewed: it no longer applies.
    Violation.objects.filter(period=month, status=Violation.Status.DETECTED).exclude(key__in=found.keys()).delete()
    counts = Violation.objects.filter(period=month).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in counts}
