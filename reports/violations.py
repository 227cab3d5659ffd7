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
            }, {})
    return found


def _documents_overdue(month):
    """Incoming documents whose deadline fell in the month and that were, at detection time,
    still open past it or completed after it — per lead department and lead officer (the rule
    concerns the person handling them), with the documents."""
    start, end = month, next_month(month)
    today = timezone.localdate()
    late = Q(status__in=OPEN_STATUSES, deadline__lt=today) | Q(completed_at__date__gt=F("deadline"))
    rows = (
        Document.objects.filter(direction=Direction.INCOMING, deadline__gte=start, deadline__lt=end, department__isnull=False)
        .filter(late)
        .values_list("department_id", "officer_id", "pk")
    )
    return _per_top_department_and_officer(
        rows, ViolationKind.DOCUMENTS_OVERDUE, month, "documents",
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
        }, {"campaign": miss.campaign_id})
    return found


def _dossiers_overdue(month):
    """Dossiers due for archive submission by the end of the month, neither submitted nor under
    an approved retention (the dossiers app's own rule), per department that formed them and
    officer who keeps them, with the dossiers."""
    from dossiers.models import Dossier

    as_of = next_month(month)  # overdue on the last day of the month: due before the 1st of the next
    rows = Dossier.objects.overdue(today=as_of - datetime.timedelta(days=1)).values_list("department_id", "officer_id", "pk")
    return _per_top_department_and_officer(
        rows, ViolationKind.DOSSIERS_OVERDUE, month, "dossiers",
        lambda count: {"count": count, "as_of": (as_of - datetime.timedelta(days=1)).isoformat()},
    )


def _top_of():
    paths = dict(Department.objects.values_list("id", "path"))
    top_level = set(emulation_departments().values_list("id", flat=True))

    def top(department_id):
        found = int(paths[department_id].strip("/").split("/")[0])
        return found if found in top_level else None

    return top


def _per_top_department_and_officer(rows, kind, month, record_type, evidence):
    """(department, officer, record id) rows folded into one finding per top-level department
    and officer, each naming its records."""
    top_of = _top_of()
    grouped = {}
    for department_id, officer_id, pk in rows:
        top = top_of(department_id)
        if top is not None:
            grouped.setdefault((top, officer_id), []).append(pk)
    return {f"{kind}:{month:%Y-%m}:{top}:{officer_id or '-'}": (top, officer_id, evidence(len(ids)), {record_type: sorted(ids)})
            for (top, officer_id), ids in grouped.items()}


# Kinds whose lapse lasts: the same records found in a later month are the same violation.
LASTING = {ViolationKind.DOSSIERS_OVERDUE: "dossiers", ViolationKind.DOCUMENTS_OVERDUE: "documents"}
STILL_OPEN = [Violation.Status.DETECTED, Violation.Status.NOTIFIED, Violation.Status.CONFIRMED]


def _same_lapse(kind, department_id, officer_id, records, month):
    """The open violation of an earlier month this finding continues: same kind, department and
    officer, sharing at least one record."""
    record_type = LASTING.get(kind)
    if record_type is None:
        return None
    wanted = set(records.get(record_type, []))
    candidates = Violation.objects.filter(kind=kind, department_id=department_id, officer_id=officer_id,
                                          status__in=STILL_OPEN, period__lt=month).order_by("period")
    return next((v for v in candidates if wanted & set((v.records or {}).get(record_type, []))), None)


@transaction.atomic
def detect_month(month: datetime.date, *, accepting: bool = False) -> dict[str, int]:
    """Detect every kind of violation for one month. Returns how many exist per kind after it.
    A closed month is left as it was reviewed (its violations keep their evidence) unless the
    Office is accepting its recomputed figures (`months.candidate_accept`). A month still
    running raises none: its figures show on the dashboard, below target in red, as the warning.
    One lapse, one violation: records still overdue from an open violation of an earlier month
    update it (latest detection and period, its records) instead of opening another."""
    month = month_start(month)
    closed = ReportMonth.objects.filter(month=month, closed_at__isnull=False).exists()
    running = month >= month_start(timezone.localdate())
    if (closed and not accepting) or running:
        if running:
            Violation.objects.filter(period=month, status=Violation.Status.DETECTED).delete()
        counts = Violation.objects.filter(period=month).values("kind").annotate(n=Count("id"))
        return {row["kind"]: row["n"] for row in counts}
    agency = Agency.load()
    found = {}
    found.update(_below_target(month, Metric.ELECTRONIC_EXCHANGE, ViolationKind.E_BELOW_TARGET, agency.target_electronic_exchange))
    found.update(_below_target(month, Metric.ELECTRONIC_DOSSIERS, ViolationKind.H_BELOW_TARGET, agency.target_electronic_dossiers))
    found.update(_documents_overdue(month))
    found.update(_backlog_misses(month))
    found.update(_dossiers_overdue(month))

    now = timezone.now()
    # A ratio's evidence is as of the month's figures; a count's, as of this detection.
    figures_as_of = ReportMonth.objects.filter(month=month).values_list("computed_at", flat=True).first() or now
    ratio_kinds = (ViolationKind.E_BELOW_TARGET, ViolationKind.H_BELOW_TARGET)
    existing = {v.key: v for v in Violation.objects.filter(key__in=found.keys())}
    kept = set()
    for key, (department_id, officer_id, evidence, records) in found.items():
        kind = key.split(":", 1)[0]
        as_of = figures_as_of if kind in ratio_kinds else now
        violation = existing.get(key) or _same_lapse(kind, department_id, officer_id, records, month)
        if violation is None:
            Violation.objects.create(key=key, kind=kind, department_id=department_id, officer_id=officer_id,
                                     period=month, evidence=evidence, evidence_as_of=as_of, records=records,
                                     last_detected_at=now, last_period=month)
            kept.add(key)
            continue
        kept.add(violation.key)
        fields = {"last_detected_at": now}
        if violation.last_period is None or month >= violation.last_period:
            fields["last_period"] = month
            # A reviewed violation keeps the evidence it was reviewed on; its records follow the lapse.
            fields["records"] = records
            if violation.status == Violation.Status.DETECTED:
                fields["evidence"], fields["evidence_as_of"] = evidence, as_of
        Violation.objects.filter(pk=violation.pk).update(**fields)
    # Detected in an earlier run, not found now, never reviewed: it no longer applies.
    Violation.objects.filter(period=month, status=Violation.Status.DETECTED).exclude(key__in=kept).delete()
    counts = Violation.objects.filter(period=month).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in counts}
