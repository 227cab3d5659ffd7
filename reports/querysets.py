"""Read rules for the dashboard and reports: everything comes from snapshots (a few rows per
department per month), never from the documents themselves."""

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils.http import urlencode

from recordsportal.access import Scope, managed_department_ids, scope_filter, scope_of
from recordsportal.models import Department, User
from recordsportal.ratios import ratio_shown

from .models import Snapshot, Violation, next_month


@dataclass
class Figure:
    """A ratio with its numerator and denominator and the links to the records it counts."""

    numerator: int = 0
    denominator: int = 0
    excluded: int = 0
    target: float | None = None
    numerator_url: str = ""
    denominator_url: str = ""
    # False: the period (or a month of it) was never computed, which is not "no records" (—).
    computed: bool = True

    @property
    def ratio(self) -> float | None:
        return self.numerator * 100 / self.denominator if self.denominator else None

    @property
    def passes(self) -> bool | None:
        if self.ratio is None or self.target is None:
            return None
        return self.ratio >= self.target


def months_of_year_until(month: datetime.date):
    return month.replace(month=1), next_month(month)


def months_list(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months in [start, end). Snapshots are read by their months listed,
    not by a range: every index of the table leads with the month (a month's rows are written
    together, so its index entries sit side by side; issue 16), and a listed month is one index
    descent per month and scope instead of a walk through every scope of the range."""
    months, month = [], start
    while month < end:
        months.append(month)
        month = next_month(month)
    return months


def _sums(metric, scope_keys, start, end) -> dict[str, tuple[int, int, int]]:
    rows = (
        Snapshot.objects.filter(metric=metric, scope_key__in=scope_keys, month__in=months_list(start, end))
        .values("scope_key")
        .annotate(n=Sum("numerator"), d=Sum("denominator"), x=Sum("excluded"))
    )
    return {row["scope_key"]: (row["n"], row["d"], row["x"]) for row in rows}


def figures_for(metric, scope_keys, month, *, year_to_date=False) -> dict[str, tuple[int, int, int]]:
    """(numerator, denominator, excluded) per scope key for the month, or January..month."""
    start, end = months_of_year_until(month) if year_to_date else (month, next_month(month))
    return _sums(metric, scope_keys, start, end)


def page_figures(metrics, scope_keys, month) -> dict[tuple[str, bool], dict[str, tuple[int, int, int]]]:
    """`figures_for` of each metric, for the month and for the year to date, in one aggregate
    over the year's snapshots of `scope_keys` (issue 14: four statements per page of figures
    before, each compiled by the ORM). {(metric, year_to_date): {scope_key: (n, d, x)}}; a scope
    has a month's figures when it has a snapshot of the month, as in figures_for."""
    from django.db.models import Q

    start, end = months_of_year_until(month)
    in_month = Q(month=month)
    rows = (
        Snapshot.objects.filter(metric__in=metrics, scope_key__in=scope_keys, month__in=months_list(start, end))
        .values_list("metric", "scope_key").order_by()
        .annotate(n=Sum("numerator"), d=Sum("denominator"), x=Sum("excluded"),
                  mn=Sum("numerator", filter=in_month), md=Sum("denominator", filter=in_month),
                  mx=Sum("excluded", filter=in_month))
    )
    figures = {(metric, ytd): {} for metric in metrics for ytd in (False, True)}
    for metric, key, n, d, x, mn, md, mx in rows:
        figures[(metric, True)][key] = (n, d, x)
        if mn is not None:
            figures[(metric, False)][key] = (mn, md, mx)
    return figures


def trend(metric, scope_key, last_month, months=12) -> list[dict]:
    return trends([metric], scope_key, last_month, months)[metric]


def trends(metrics, scope_key, last_month, months=12) -> dict[str, list[dict]]:
    """The ratio of each metric for the `months` months up to `last_month`, in one query."""
    first = last_month
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    rows = {
        (metric, month): (numerator, denominator)
        for metric, month, numerator, denominator in Snapshot.objects.filter(
            metric__in=metrics, scope_key=scope_key, month__in=months_list(first, next_month(last_month))
        ).values_list("metric", "month", "numerator", "denominator")
    }
    result = {}
    for metric in metrics:
        points, month = [], first
        while month <= last_month:
            numerator, denominator = rows.get((metric, month), (0, 0))
            points.append({"month": month, "ratio": float(ratio_shown(numerator * 100 / denominator)) if denominator else None})
            month = next_month(month)
        result[metric] = points
    return result


def departments_in_view(user):
    """The departments whose rows the dashboard table shows to `user`."""
    return Department.objects.visible_to(user).select_related("head").order_by("path")


def officers_in(department):
    return User.objects.filter(is_active=True, department__path__startswith=department.path).select_related("department")


def department_key(department_id) -> str:
    return f"department:{department_id}"


def officer_key(officer_id) -> str:
    return f"officer:{officer_id}"


# --- links from a figure to the records it counts --------------------------------------------------


def period_bounds(month, year_to_date):
    start, end = months_of_year_until(month) if year_to_date else (month, next_month(month))
    return start, end - datetime.timedelta(days=1)


class Links:
    """The two links of every figure of one metric and period (numerator: the electronic records;
    denominator: all the records counted), built once per page and completed per row."""

    def __init__(self, metric: str, month, *, year_to_date=False):
        from .compliance import exclude_confidential

        start, last = period_bounds(month, year_to_date)
        if metric == "E":
            base = reverse("documents:list")
            params = {"date_from": start.strftime("%d/%m/%Y"), "date_to": last.strftime("%d/%m/%Y"), "sort": "date"}
            if exclude_confidential():  # the links count what the ratio counts
                params["confidentiality"] = "normal"
        else:
            base = reverse("dossiers:list")
            params = {"opened_from": start.strftime("%d/%m/%Y"), "opened_to": last.strftime("%d/%m/%Y")}
        self.denominator = f"{base}?{urlencode(params)}"
        self.numerator = f"{self.denominator}&form=electronic"

    def __call__(self, *, department=None, officer=None) -> tuple[str, str]:
        # An officer row of a department's drill-down filters by both: the officer's records
        # counted for that department (and its units), not those of another department.
        scope = (f"&department={department}" if department else "") + (f"&officer={officer}" if officer else "")
        return self.numerator + scope, self.denominator + scope


def build_figure(values, target, links, computed=True) -> Figure:
    numerator, denominator, excluded = values or (0, 0, 0)
    return Figure(numerator, denominator, excluded, float(target), *links, computed=computed)


def violations_visible_to(user):
    """The Office and leadership see all; a head their departments'; an officer their own."""
    return Violation.objects.select_related("department", "officer").filter(
        scope_filter(user, department="department", owners=["officer_id"])
    )


def emulation_summary(user, year: int):
    """Approved deductions per department for a year, as `user` may see them: built on
    `violations_visible_to`, so the card on the violations page, the year-end PDF and the .xlsx
    sum the rows the viewer's list shows and no others (a head saw every department's
    deductions on the page while the same figures' PDF answered 403; issue 12). One aggregate."""
    return (
        violations_visible_to(user)
        .filter(period__year=year, status=Violation.Status.CONFIRMED, decision=Violation.Decision.APPROVED)
        .values("department_id", "department__name", "department__abbreviation")
        .annotate(points=Sum("proposed_points"))
        .order_by("-points", "department__name")
    )


def reported_year(metric, user_scope_keys, month):
    """The year-to-date figure of `month` as the reports print it (the same snapshots), with its
    "as of" time (None: never computed), for pages outside the dashboard (the officer's
    dossiers). One statement: the month's state with the sums as subqueries."""
    from django.db.models import Subquery

    from .models import ReportMonth

    start, end = months_of_year_until(month)
    counted = (Snapshot.objects.filter(metric=metric, scope_key__in=user_scope_keys, month__in=months_list(start, end))
               .order_by().values("metric"))
    row = (ReportMonth.objects.filter(month=month)
           .annotate(n=Subquery(counted.annotate(n=Sum("numerator")).values("n")),
                     d=Subquery(counted.annotate(d=Sum("denominator")).values("d")))
           .values("computed_at", "n", "d").first()) or {"computed_at": None, "n": 0, "d": 0}
    numerator, denominator = row["n"] or 0, row["d"] or 0
    return {"numerator": numerator, "denominator": denominator, "as_of": row["computed_at"],
            "ratio": numerator * 100 / denominator if denominator else None}


def report_keys_for(user) -> list[str]:
    """The snapshot scopes that make up what `user` sees: the agency, the top departments a head
    leads (a unit is inside its parent's figure), or the officer's own."""
    scope = scope_of(user)
    if scope is Scope.AGENCY:
        return ["agency"]
    if scope is Scope.DEPARTMENT:
        led = list(Department.objects.filter(pk__in=managed_department_ids(user)).values_list("pk", "parent_id"))
        ids = {pk for pk, _parent in led}
        return [department_key(pk) for pk, parent in led if parent not in ids]
    return [officer_key(user.pk)]


@dataclass
class ViolationRecord:
    """One record a violation names, as the viewer may see it."""

    kind: str  # "document" | "dossier" | "inventory"
    pk: int
    label: str
    url: str = ""  # empty when the viewer may not open it


def violation_records(user, violation) -> list[ViolationRecord]:
    """The exact records behind `violation`, scoped for `user`: documents through
    documents.querysets.documents_shown_to, dossiers and inventories through their visible_to."""
    from django.utils.translation import gettext as _

    from backlog.models import Inventory
    from documents.models import Document
    from documents.querysets import documents_shown_to
    from dossiers.models import Dossier

    records = violation.records or {}
    shown = []
    document_ids = records.get("documents") or []
    if document_ids:
        documents = Document.all_objects.filter(pk__in=document_ids).order_by("register_date", "pk")
        for pk, doc in documents_shown_to(user, documents).items():
            label = f"{doc.number} – {doc.summary}" if doc.visible else doc.label
            shown.append(ViolationRecord("document", pk, label, reverse("documents:detail", args=[pk]) if doc.visible else ""))
    dossier_ids = records.get("dossiers") or []
    if dossier_ids:
        visible = set(Dossier.objects.visible_to(user).filter(pk__in=dossier_ids).values_list("pk", flat=True))
        for dossier in Dossier.all_objects.filter(pk__in=dossier_ids).order_by("code"):
            if dossier.pk in visible:
                shown.append(ViolationRecord("dossier", dossier.pk, f"{dossier.code} – {dossier.title}",
                                             reverse("dossiers:detail", args=[dossier.pk])))
            else:
                shown.append(ViolationRecord("dossier", dossier.pk, _("Hồ sơ không thuộc phạm vi được xem")))
    ratio_metric = {"e_below_target": "E", "h_below_target": "H"}.get(violation.kind)
    if ratio_metric:
        # A ratio's records are the period's records of the department: the paper ones that
        # pulled it under the target, and all of them (today's records: a back-dated one shows
        # here before the month's recomputation is accepted).
        _numerator, denominator = Links(ratio_metric, violation.period)(department=violation.department_id)
        noun = _("văn bản") if ratio_metric == "E" else _("hồ sơ")
        if ratio_metric == "E":
            # The paper without a justified reason is what counts against the department (issue 14).
            shown.append(ViolationRecord("list", 0, _("Các văn bản giấy không có lý do chính đáng"),
                                         f"{denominator}&paper_reason=unjustified"))
        shown.append(ViolationRecord("list", 0, _("Các %(noun)s giấy được tính") % {"noun": noun}, f"{denominator}&form=paper"))
        shown.append(ViolationRecord("list", 0, _("Tất cả %(noun)s được tính") % {"noun": noun}, denominator))
    if records.get("campaign"):
        for inventory in Inventory.objects.visible_to(user).filter(campaign_id=records["campaign"],
                                                                   department_id=violation.department_id):
            shown.append(ViolationRecord("inventory", inventory.pk, str(inventory),
                                         reverse("backlog:inventory", args=[inventory.pk])))
    return shown


def violation_counts(user, year: int) -> dict:
    """The viewer's violations of `year` counted per kind and per status (one aggregate), for the
    list's summary: {"kinds": [(label, n)], "statuses": [(value, label, n)], "total": n}."""
    from django.db.models import Count

    from .models import ViolationKind

    rows = list(violations_visible_to(user).filter(period__year=year).order_by().values("kind", "status")
                .annotate(n=Count("id")))
    per_kind, per_status = {}, {}
    for row in rows:
        per_kind[row["kind"]] = per_kind.get(row["kind"], 0) + row["n"]
        per_status[row["status"]] = per_status.get(row["status"], 0) + row["n"]
    return {"kinds": [(value, label, per_kind.get(value, 0)) for value, label in ViolationKind.choices],
            "statuses": [(value, label, per_status.get(value, 0)) for value, label in Violation.Status.choices],
            "total": sum(per_kind.values())}


def violation_summary_by_department(user, year: int) -> dict:
    """The violations PDF's opening table: per department, the number of violations of each kind
    (one aggregate on the viewer's violations). {"kinds": [(value, label)], "rows": [(name, [n…], total)]}"""
    from django.db.models import Count

    from .models import ViolationKind

    counts = {}
    for row in (violations_visible_to(user).filter(period__year=year).order_by()
                .values("department__path", "department__name", "kind").annotate(n=Count("id"))):
        counts.setdefault((row["department__path"], row["department__name"]), {})[row["kind"]] = row["n"]
    kinds = list(ViolationKind.choices)
    rows = []
    for (_path, name), per_kind in sorted(counts.items()):
        values = [per_kind.get(value, 0) for value, _label in kinds]
        rows.append((name, values, sum(values)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(kinds))]
    return {"kinds": kinds, "rows": rows, "totals": totals, "total": sum(totals)}


def drill_down_rows(path: str, months: list[datetime.date], month: datetime.date):
    """The grouped snapshot rows of `drill_down`: per (officer, metric), the sums over `months`
    and over `month` alone, of the officer and 'dept_officer' snapshots carrying a department whose
    path starts with `path`."""
    from django.db.models import Case, IntegerField, When

    from .models import ScopeKind

    def in_month(column):
        return Sum(Case(When(month=month, then=column), default=0, output_field=IntegerField()))

    return (Snapshot.objects.filter(scope__in=[ScopeKind.OFFICER, ScopeKind.DEPARTMENT_OFFICER],
                                    department__path__startswith=path, month__in=months)
            .values_list("officer_id", "metric").order_by()
            .annotate(n=Sum("numerator"), d=Sum("denominator"), x=Sum("excluded"),
                      mn=in_month("numerator"), md=in_month("denominator"), mx=in_month("excluded")))


# The drill-down's statement is the same for every department and month with as many months to
# the year's date: the ORM compiles it once per process and number of months (as compliance's
# grouped statements), with a placeholder path and months swapped for the page's (issue 14:
# compiling it and converting its ~200 rows through the ORM took ~2.5 ms of the page's CPU,
# executing it and reading the tuples 0.4 ms).
_NO_PATH = "/0/"  # never a department's path: ids start at 1
_YEAR_ONE = [datetime.date(1, m, 1) for m in range(1, 13)]  # never months of the portal


@functools.lru_cache(maxsize=16)
def _drill_down_sql(vendor: str, months: int) -> tuple[str, tuple]:
    # The arguments are the cache's key: what the compiled SQL depends on besides the code.
    sql, params = drill_down_rows(_NO_PATH, _YEAR_ONE[:months], _YEAR_ONE[months - 1]).query.sql_with_params()
    return sql, tuple(params)


def drill_down_statement(path: str, month: datetime.date) -> tuple[str, list]:
    """The SQL and parameters of `drill_down_rows(path, January..month, month)`, compiled once."""
    listed = months_list(*months_of_year_until(month))
    sql, params = _drill_down_sql(connection.vendor, len(listed))
    adapt = connection.ops.adapt_datefield_value
    swap = {adapt(placeholder): adapt(real) for placeholder, real in zip(_YEAR_ONE, listed)}
    pattern = connection.ops.prep_for_like_query(_NO_PATH)
    prefix = connection.ops.prep_for_like_query(path)

    def real(param):
        if isinstance(param, str) and param.startswith(pattern):
            return prefix + param[len(pattern):]
        return swap.get(param, param) if isinstance(param, (str, datetime.date)) else param

    return sql, [real(param) for param in params]


def drill_down(department, month) -> dict:
    """A department's officer rows by the department recorded at the time (DOMAIN.md §5): for the
    month and the year to date, per officer (None: records with no officer), the (numerator,
    denominator, excluded) of E and H counted for `department` and its units. Read from the
    officer snapshots that carry the department and the 'dept_officer' ones (compliance.SCOPED),
    in one aggregate, so the rows add up to the department's figure, former members included.
    Returns {officer_id: {(metric, year_to_date): (n, d, x)}}."""
    sql, params = drill_down_statement(department.path, month)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    figures = {}
    for officer_id, metric, n, d, x, mn, md, mx in rows:
        per_officer = figures.setdefault(officer_id, {})
        per_officer[(metric, True)] = (n, d, x)
        if md or mx or mn:
            per_officer[(metric, False)] = (mn, md, mx)
    return figures


def violations_as_of(user, year: int) -> dict:
    """The "as of" times of the violations reports of `year`, as `user` sees them (one aggregate):
    the latest detection (the list's figures) and the latest approved deduction (the emulation
    summary's). None: nothing detected, or nothing approved yet."""
    from django.db.models import Max, Q
    from django.db.models.functions import Coalesce

    return violations_visible_to(user).filter(period__year=year).aggregate(
        detected=Max(Coalesce("last_detected_at", "detected_at")),
        decided=Max("decided_at", filter=Q(status=Violation.Status.CONFIRMED, decision=Violation.Decision.APPROVED)))
