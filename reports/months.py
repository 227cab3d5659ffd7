"""Months that close (DOMAIN.md §6): the figures reviewed for a month are frozen when it is closed.

- `close_month`: the Office closes a past month (or `close_due_months`, on the beat schedule, closes
  the previous month on REPORTS_MONTH_CLOSE_DAY): its figures are computed one last time and frozen.
- A later `compliance.compute_month` of a closed month writes its differences from the frozen
  figures as the candidate: the scopes whose figures changed or are new, with their new figures,
  and those that have none any more (marked STALE); a run over a settled month writes nothing and
  leaves nothing to review.
- `month_diff`: per scope, before → after numerator and denominator, and the records of the month
  changed since the frozen figures were computed, with who changed them and when (the history).
- `candidate_accept` / `candidate_discard`: the Office's decision, one history row naming it.

Violations detected for a closed month keep their evidence until a candidate is accepted
(`violations.detect_month` leaves a closed month alone).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.models import Department, User
from recordsportal.roles import Role
from recordsportal.services import DomainError

from .compliance import SNAPSHOT_COLUMNS, STALE
from .models import CandidateSnapshot, ReportMonth, ScopeKind, Snapshot, month_start, next_month


def close_day() -> int:
    """The day of the next month on which a month closes itself (the Office may close it earlier)."""
    return int(getattr(settings, "REPORTS_MONTH_CLOSE_DAY", 10))


def state_of(month: datetime.date) -> ReportMonth:
    """The month's state, unsaved (open, never computed) if nothing happened to it yet."""
    month = month_start(month)
    return ReportMonth.objects.filter(month=month).first() or ReportMonth(month=month)


def states_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, ReportMonth]:
    return {state.month: state for state in ReportMonth.objects.filter(month__gte=start, month__lt=end)}


def _require_office(user):
    if user is not None and not user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ Văn phòng chốt số liệu tháng và duyệt số liệu tính lại."))


@transaction.atomic
def close_month(month: datetime.date, *, acting_user: User | None, today: datetime.date | None = None) -> ReportMonth:
    """Close a month that has ended: compute it once more, then freeze it. `acting_user` None is
    the scheduled closing."""
    from .compliance import compute_month
    from .violations import detect_month

    _require_office(acting_user)
    month = month_start(month)
    today = today or timezone.localdate()
    if month >= month_start(today):
        raise DomainError(_("Chỉ chốt được tháng đã kết thúc (tháng %(m)s chưa kết thúc).") % {"m": f"{month:%m/%Y}"})
    state = state_of(month)
    if state.closed_at is not None:
        raise DomainError(_("Tháng %(m)s đã được chốt.") % {"m": f"{month:%m/%Y}"})
    compute_month(month)
    # The violations are detected on the figures being frozen, so their evidence is the closed
    # month's figures (detection leaves a closed month alone afterwards).
    detect_month(month)
    state = ReportMonth.objects.select_for_update().get(month=month)
    if not audit.claim(state, expected={"closed_at__isnull": True}, acting_user=acting_user,
                       changes={"closed_at": timezone.now(), "closed_by": acting_user},
                       reason=_("Chốt số liệu tháng") if acting_user else _("Tự động chốt số liệu tháng")):
        raise DomainError(_("Tháng %(m)s đã được chốt.") % {"m": f"{month:%m/%Y}"})
    return state


def close_due_months(today: datetime.date | None = None) -> list[datetime.date]:
    """The scheduled closing: the previous month closes itself from REPORTS_MONTH_CLOSE_DAY on."""
    today = today or timezone.localdate()
    previous = month_start(month_start(today) - datetime.timedelta(days=1))
    if today.day < close_day() or state_of(previous).closed_at is not None:
        return []
    close_month(previous, acting_user=None, today=today)
    return [previous]


def _figures(model, month) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(metric, key): (n, d, x) for metric, key, n, d, x in model.objects.filter(month=month).values_list(
        "metric", "scope_key", "numerator", "denominator", "excluded")}


def _candidate_figures(month, frozen: dict) -> dict[tuple[str, str], tuple[int, int, int]]:
    """The month's figures once its candidate is applied to the frozen ones (`frozen`, as
    `_figures` reads them): the candidate holds only the scopes that changed."""
    after = dict(frozen)
    for metric, key, scope, *figures in CandidateSnapshot.objects.filter(month=month).values_list(
            "metric", "scope_key", "scope", "numerator", "denominator", "excluded"):
        if scope == STALE:
            after.pop((metric, key), None)
        else:
            after[(metric, key)] = tuple(figures)
    return after


@dataclass
class ScopeChange:
    metric: str
    scope_key: str
    label: str
    before: tuple[int, int] | None  # (numerator, denominator); None: no figure
    after: tuple[int, int] | None


@dataclass
class RecordChange:
    kind: str  # "document" | "dossier"
    record_id: int
    label: str
    change: str  # "+", "~", "-"
    changed_by: str
    changed_at: datetime.datetime
    url: str = ""


@dataclass
class MonthDiff:
    state: ReportMonth
    scopes: list[ScopeChange] = field(default_factory=list)
    records: list[RecordChange] = field(default_factory=list)


def _scope_label(key: str, departments: dict, officers: dict) -> str:
    kind, _sep, pk = key.partition(":")
    if kind == ScopeKind.DEPARTMENT_OFFICER:
        department_id, officer_id = pk.split(":")
        officer = officers.get(int(officer_id), key) if officer_id != "-" else _("chưa giao cán bộ")
        return f"{departments.get(int(department_id), key)} – {officer}"
    if kind == ScopeKind.DEPARTMENT:
        return departments.get(int(pk), key)
    if kind == ScopeKind.OFFICER:
        return officers.get(int(pk), key)
    return str(ScopeKind.AGENCY.label)


def _changed_records(month, since) -> list[RecordChange]:
    """History rows written after the frozen figures were computed, of the documents registered
    and the dossiers opened in the month (in either their old or new version)."""
    from django.urls import reverse

    from documents.models import Document
    from dossiers.models import Dossier

    start, end = month, next_month(month)
    changes = []
    sources = (("document", Document, "register_date", "documents:detail"),
               ("dossier", Dossier, "opened_on", "dossiers:detail"))
    for kind, model, date_field, url_name in sources:
        history = model.history.model.objects
        touched = history.filter(history_date__gt=since).values_list("id", flat=True)
        # A record counts if any version of it (before or after the change) falls in the month.
        in_month = set(history.filter(id__in=touched, **{f"{date_field}__gte": start, f"{date_field}__lt": end})
                       .values_list("id", flat=True))
        rows = (history.filter(id__in=in_month, history_date__gt=since).select_related("history_user")
                .order_by("history_date")[:500])
        for row in rows:
            label = (f"{row.number_symbol or row.number or ''} {row.summary}".strip() if kind == "document"
                     else f"{row.code} {row.title}".strip())
            user = row.history_user
            changes.append(RecordChange(kind, row.id, label[:160], row.history_type,
                                        user.full_name if user else _("Hệ thống"), row.history_date,
                                        reverse(url_name, args=[row.id])))
    changes.sort(key=lambda change: change.changed_at)
    return changes


def month_diff(month: datetime.date) -> MonthDiff:
    """The pending candidate of a closed month against its frozen figures."""
    state = state_of(month)
    diff = MonthDiff(state)
    if state.candidate_at is None:
        return diff
    before = _figures(Snapshot, state.month)
    after = _candidate_figures(state.month, before)
    keys = sorted(set(before) | set(after))
    changed = [key for key in keys if before.get(key) != after.get(key)]
    department_ids, officer_ids = [], []
    for _m, key in changed:
        kind, *ids = key.split(":")
        if kind == ScopeKind.DEPARTMENT or kind == ScopeKind.DEPARTMENT_OFFICER:
            department_ids.append(int(ids[0]))
        if kind == ScopeKind.OFFICER or (kind == ScopeKind.DEPARTMENT_OFFICER and ids[1] != "-"):
            officer_ids.append(int(ids[-1]))
    departments = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    officers = {user.pk: user.full_name for user in User.objects.filter(pk__in=officer_ids)}
    order = {"agency": 0, "department": 1, "officer": 2, "dept_officer": 3}
    for metric, key in sorted(changed, key=lambda mk: (mk[0], order[mk[1].split(":")[0]], mk[1])):
        old, new = before.get((metric, key)), after.get((metric, key))
        diff.scopes.append(ScopeChange(metric, key, _scope_label(key, departments, officers),
                                       old[:2] if old else None, new[:2] if new else None))
    diff.records = _changed_records(state.month, state.computed_at or state.closed_at)
    return diff


def _decide(month, acting_user) -> ReportMonth:
    _require_office(acting_user)
    state = ReportMonth.objects.select_for_update().filter(month=month_start(month)).first()
    if state is None or state.candidate_at is None:
        raise DomainError(_("Tháng %(m)s không có số liệu tính lại chờ duyệt.") % {"m": f"{month_start(month):%m/%Y}"})
    return state


@transaction.atomic
def candidate_accept(month: datetime.date, *, acting_user: User) -> ReportMonth:
    """The Office accepts the recomputed figures: they replace the frozen ones (the month stays
    closed, "as of" the recomputation) and the month's violations are detected again on them."""
    from .violations import detect_month

    state = _decide(month, acting_user)
    table, candidates = Snapshot._meta.db_table, CandidateSnapshot._meta.db_table
    month_value = connection.ops.adapt_datefield_value(state.month)
    # The candidate's scopes replace the frozen ones with their keys; its stale scopes go.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE month = %s AND EXISTS (SELECT 1 FROM {candidates} c "  # nosec B608: table names from the models
                       f"WHERE c.month = {table}.month AND c.metric = {table}.metric AND c.scope_key = {table}.scope_key)",
                       [month_value])
        cursor.execute(f"INSERT INTO {table} ({SNAPSHOT_COLUMNS}) SELECT {SNAPSHOT_COLUMNS} "  # nosec B608: table names from the models
                       f"FROM {candidates} WHERE month = %s AND scope <> %s", [month_value, STALE])
    CandidateSnapshot.objects.filter(month=state.month).delete()
    if not audit.claim(state, expected={"candidate_at": state.candidate_at}, acting_user=acting_user,
                       changes={"computed_at": state.candidate_at, "candidate_at": None},
                       reason=_("Chấp nhận số liệu tính lại")):
        raise DomainError(_("Số liệu tính lại đã thay đổi, hãy xem lại."))
    detect_month(state.month, accepting=True)
    return state


@transaction.atomic
def candidate_discard(month: datetime.date, *, acting_user: User) -> ReportMonth:
    """The Office discards the recomputed figures: the frozen ones stay."""
    state = _decide(month, acting_user)
    CandidateSnapshot.objects.filter(month=state.month).delete()
    if not audit.claim(state, expected={"candidate_at": state.candidate_at}, acting_user=acting_user,
                       changes={"candidate_at": None}, reason=_("Bỏ số liệu tính lại")):
        raise DomainError(_("Số liệu tính lại đã thay đổi, hãy xem lại."))
    return state


@transaction.atomic
def recompute(month: datetime.date, *, acting_user: User) -> ReportMonth:
    """The Office recomputes a month: an open month's figures are replaced, a closed month gets
    a candidate (if anything changed)."""
    from .compliance import compute_month

    _require_office(acting_user)
    compute_month(month)
    return state_of(month)

