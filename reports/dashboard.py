"""What the dashboard shows, assembled from snapshot queries (reports/querysets.py)."""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from recordsportal.access import Scope, managed_department_paths, scope_of
from recordsportal.models import Agency

from . import months
from . import querysets as q
from .compliance import months_between as months_of
from .models import Metric, Violation, next_month


@dataclass
class Row:
    """One line of the department (or officer) table."""

    label: str
    depth: int = 0
    department_id: int | None = None
    officer_id: int | None = None
    e_month: q.Figure = None
    e_year: q.Figure = None
    h_month: q.Figure = None
    h_year: q.Figure = None
    # In a department's drill-down: an officer counted there in the period who is no longer a member.
    former: bool = False


@dataclass
class Dashboard:
    month: datetime.date
    scope: Scope
    headline: Row
    rows: list = field(default_factory=list)
    units: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    violations_by_status: dict = field(default_factory=dict)
    campaigns: list = field(default_factory=list)
    dossiers_overdue: int | None = None
    dossiers_overdue_at: datetime.datetime | None = None  # when that count was taken (it is cached)
    # The month's state (reports/months.py): its "as of" time, None if never computed; open,
    # closed or closed with a candidate pending.
    month_state: object = None
    # The month still running: the headline's gap to target in records ("Cần thêm 6 văn bản…").
    gaps: list = field(default_factory=list)
    # The headline's paper documents of the month, justified and unjustified (issue 14), counted
    # from the registers when the page is drawn (not a snapshot): their own "as of".
    paper: dict = field(default_factory=dict)
    paper_counted_at: datetime.datetime | None = None

    @property
    def as_of(self):
        return self.month_state.computed_at if self.month_state else None


class Page:
    """Everything a page of figures needs, fetched once: the snapshots' sums of both metrics for the
    month and the year to date (one aggregate, querysets.page_figures), the months' states and the links."""

    METRICS = (Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS)

    def __init__(self, agency, month, keys):
        self.targets = {Metric.ELECTRONIC_EXCHANGE: agency.target_electronic_exchange,
                        Metric.ELECTRONIC_DOSSIERS: agency.target_electronic_dossiers}
        self.values = q.page_figures(self.METRICS, keys, month)
        self.links = {(metric, ytd): q.Links(metric, month, year_to_date=ytd)
                      for metric in self.METRICS for ytd in (False, True)}
        states = months.states_between(month.replace(month=1), next_month(month))
        self.state = states.get(month) or months.state_of(month)
        computed = {m for m, state in states.items() if state.computed_at}
        self.computed = {False: month in computed,
                         True: all(m in computed for m in months_of(month.replace(month=1), month))}
        self._drill_parts = None

    def row(self, label, key, *, depth=0, department_id=None, officer_id=None) -> Row:
        def figure(metric, ytd):
            links = self.links[(metric, ytd)](department=department_id, officer=officer_id)
            return q.build_figure(self.values[(metric, ytd)].get(key), self.targets[metric], links, self.computed[ytd])

        return Row(label, depth, department_id, officer_id,
                   figure(Metric.ELECTRONIC_EXCHANGE, False), figure(Metric.ELECTRONIC_EXCHANGE, True),
                   figure(Metric.ELECTRONIC_DOSSIERS, False), figure(Metric.ELECTRONIC_DOSSIERS, True))

    def drill_row(self, label, values, *, department_id, officer_id, former=False) -> Row:
        """An officer row of a department's drill-down, from `querysets.drill_down` values; its
        links filter by the department and the officer. What `row` does, with the links' scope
        written once per row (a department's page has ~200 of these rows)."""
        parts = self._drill_parts
        if parts is None:
            parts = self._drill_parts = [
                (key, self.links[key].numerator, self.links[key].denominator, float(self.targets[key[0]]),
                 self.computed[key[1]])
                for key in ((Metric.ELECTRONIC_EXCHANGE, False), (Metric.ELECTRONIC_EXCHANGE, True),
                            (Metric.ELECTRONIC_DOSSIERS, False), (Metric.ELECTRONIC_DOSSIERS, True))
            ]
        # querysets.Links.__call__'s scope.
        scope = (f"&department={department_id}" if department_id else "") + (f"&officer={officer_id}" if officer_id else "")
        figures = []
        for key, numerator_url, denominator_url, target, computed in parts:
            numerator, denominator, excluded = values.get(key) or (0, 0, 0)
            figures.append(q.Figure(numerator, denominator, excluded, target, numerator_url + scope,
                                    denominator_url + scope, computed))
        return Row(label, 0, department_id, officer_id, *figures, former=former)


def build(user, month: datetime.date, department=None) -> Dashboard:
    """The dashboard for `user`: the agency and its departments and units (the top of the tree,
    the emulation subjects) for the Office and leadership; the departments they lead for a
    head; their own figures for an officer. `department` drills into one department: its
    units and its officers."""
    agency = Agency.load()
    scope = scope_of(user)
    units = []
    if department is not None:
        children = list(department.children.filter(is_active=True).order_by("order", "name"))
        keys = [q.department_key(department.pk)] + [q.department_key(d.pk) for d in children]
        page = Page(agency, month, keys)
        headline = page.row(department.name, keys[0], department_id=department.pk)
        units = [page.row(d.name, q.department_key(d.pk), department_id=d.pk) for d in children]
        rows = _officer_rows(page, department, month)
        trend_key = keys[0]
    elif scope is Scope.OWN:
        key = q.officer_key(user.pk)
        page = Page(agency, month, [key])
        headline = page.row(user.full_name, key, officer_id=user.pk)
        rows, trend_key = [], key
    else:
        departments = list(q.departments_in_view(user))
        if scope is Scope.AGENCY:
            departments = [d for d in departments if d.parent_id is None]
        keys = ["agency"] + [q.department_key(d.pk) for d in departments]
        page = Page(agency, month, keys)
        if scope is Scope.AGENCY:
            headline, trend_key = page.row(agency.name, "agency"), "agency"
        else:
            top = departments[0]
            headline = page.row(top.name, q.department_key(top.pk), department_id=top.pk)
            trend_key = q.department_key(top.pk)
        rows = [page.row(d.name, q.department_key(d.pk), depth=d.depth, department_id=d.pk) for d in departments]
    trends = q.trends((Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS), trend_key, month)
    e_trend, h_trend = trends[Metric.ELECTRONIC_EXCHANGE], trends[Metric.ELECTRONIC_DOSSIERS]
    dashboard = Dashboard(
        month=month, scope=scope, headline=headline, rows=rows, units=units,
        trend=[{"month": e["month"], "e": e["ratio"], "h": h["ratio"]} for e, h in zip(e_trend, h_trend)],
        month_state=page.state,
    )
    counts = dict(q.violations_visible_to(user).filter(period__year=month.year).order_by()
                  .values_list("status").annotate(n=Count("id")))
    dashboard.violations_by_status = {label: counts.get(value, 0) for value, label in Violation.Status.choices}
    dashboard.paper, dashboard.paper_counted_at = _paper(headline, month, department), timezone.now()
    if month == _this_month():
        from .nudges import gap_message

        dashboard.gaps = [message for message in (
            gap_message(Metric.ELECTRONIC_EXCHANGE, headline.e_month.numerator, headline.e_month.denominator,
                        headline.e_month.target),
            gap_message(Metric.ELECTRONIC_DOSSIERS, headline.h_month.numerator, headline.h_month.denominator,
                        headline.h_month.target)) if message]
    if scope is not Scope.OWN:
        dashboard.campaigns = _campaigns(user)
        dashboard.dossiers_overdue, dashboard.dossiers_overdue_at = _dossiers_overdue(user)
    return dashboard


def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _paper(headline: Row, month: datetime.date, department=None) -> dict:
    """Beside E: the headline's paper documents of the month with and without a justified reason
    (`department`: the department page's, already read)."""
    from documents.querysets import paper_counts
    from recordsportal.models import Department, User

    from .compliance import exclude_confidential

    if department is None or department.pk != headline.department_id:
        department = Department.objects.filter(pk=headline.department_id).first() if headline.department_id else None
    officer = User(pk=headline.officer_id) if headline.officer_id else None
    return paper_counts(start=month, end=next_month(month), department=department, officer=officer,
                        exclude_confidential=exclude_confidential())


def _officer_rows(page, department, month) -> list[Row]:
    """The people counted for `department` in the period (by the department recorded on their
    records), today's members without records too, and the records with no officer: the rows add
    up to the department's figure. Former members are marked."""
    from django.db.models import BooleanField, ExpressionWrapper, Q
    from django.utils.translation import gettext as _

    from recordsportal.models import User

    figures = q.drill_down(department, month)
    counted = [pk for pk in figures if pk is not None]
    # Today's members (querysets.officers_in) and the people counted, each with whether they are a
    # member, in one query of the two columns shown (issue 14: a second query of the members'
    # ids, and a User object with its department per row, before).
    member = Q(is_active=True, department__path__startswith=department.path)
    people = (User.objects.filter(Q(pk__in=counted) | Q(pk__in=q.officers_in(department).values("pk")))
              .values_list("pk", "full_name", ExpressionWrapper(member, output_field=BooleanField())))
    moved = _(" (đã chuyển khỏi đơn vị)")
    rows = []
    for pk, full_name, is_member in people:
        former = not is_member
        rows.append(page.drill_row(full_name + moved if former else full_name, figures.get(pk, {}),
                                   department_id=department.pk, officer_id=pk, former=former))
    if None in figures:
        rows.append(page.drill_row(_("Chưa giao cán bộ"), figures[None], department_id=department.pk, officer_id=None))
    return rows


def _campaigns(user):
    """Open backlog campaigns with their status at a glance (the backlog app's own counts)."""
    from backlog.models import Campaign, Inventory
    from backlog.querysets import campaign_status_counts

    campaigns = []
    for campaign in Campaign.objects.visible_to(user).filter(status=Campaign.Status.OPEN)[:5]:
        inventories = Inventory.objects.visible_to(user).filter(campaign=campaign)
        campaigns.append({"campaign": campaign, "counts": campaign_status_counts(campaign, inventories)})
    return campaigns


OVERDUE_CACHE_SECONDS = 600


def _dossiers_overdue(user) -> tuple[int, datetime.datetime]:
    """Dossiers past their archive due date, not submitted, not under an approved retention, and
    when they were counted. Counting tens of thousands of rows costs more than the rest of the
    page (which reads snapshots), and the figure moves by the day: it is kept ten minutes per
    scope, with its time, which the page shows ("as of", issue 14)."""
    from dossiers.models import Dossier

    scope = scope_of(user)
    if scope is Scope.AGENCY:
        key = "agency"
    elif scope is Scope.DEPARTMENT:
        key = ",".join(managed_department_paths(user))
    else:
        key = f"officer:{user.pk}"
    return cache.get_or_set(f"reports:dossiers-overdue-at:{key}:{timezone.localdate():%Y%m%d}",
                            lambda: (Dossier.objects.visible_to(user).overdue().count(), timezone.now()),
                            OVERDUE_CACHE_SECONDS)
