"""What the dashboard shows, assembled from snapshot queries (reports/querysets.py)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from recordsportal.access import Scope, scope_of
from recordsportal.models import Agency

from . import querysets as q
from .models import Metric, Violation, month_start


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


@dataclass
class Dashboard:
    month: datetime.date
    scope: Scope
    headline: Row
    rows: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    violations_by_status: dict = field(default_factory=dict)
    campaigns: list = field(default_factory=list)
    dossiers_overdue: int | None = None


def parse_month(value: str | None) -> datetime.date:
    if value:
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            pass
    return month_start(timezone.localdate())


def _row(label, key, month, agency, *, depth=0, department_id=None, officer_id=None, cache):
    link_args = {"department": department_id, "officer": officer_id}

    def fig(metric, ytd):
        values = cache[(metric, ytd)].get(key)
        target = agency.target_electronic_exchange if metric == Metric.ELECTRONIC_EXCHANGE else agency.target_electronic_dossiers
        linker = q.document_links if metric == Metric.ELECTRONIC_EXCHANGE else q.dossier_links
        return q.build_figure(values, target, linker(month, year_to_date=ytd, **link_args))

    return Row(label, depth, department_id, officer_id,
               fig(Metric.ELECTRONIC_EXCHANGE, False), fig(Metric.ELECTRONIC_EXCHANGE, True),
               fig(Metric.ELECTRONIC_DOSSIERS, False), fig(Metric.ELECTRONIC_DOSSIERS, True))


def _cache(keys, month):
    """Four queries for every figure on the page: (E, H) × (month, year to date)."""
    return {
        (metric, ytd): q.figures_for(metric, keys, month, year_to_date=ytd)
        for metric in (Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS)
        for ytd in (False, True)
    }


def build(user, month: datetime.date, department=None) -> Dashboard:
    """The dashboard for `user`: the agency for the Office and leadership, their departments for
    a head, their own figures for an officer. `department` drills into one department's officers."""
    agency = Agency.load()
    scope = scope_of(user)
    if department is not None:
        officers = list(q.officers_in(department))
        keys = [q.department_key(department.pk)] + [q.officer_key(o.pk) for o in officers]
        cache = _cache(keys, month)
        headline = _row(department.name, keys[0], month, agency, department_id=department.pk, cache=cache)
        rows = [_row(o.full_name, q.officer_key(o.pk), month, agency, officer_id=o.pk, cache=cache) for o in officers]
        trend_key = keys[0]
    elif scope is Scope.OWN:
        key = q.officer_key(user.pk)
        cache = _cache([key], month)
        headline = _row(user.full_name, key, month, agency, officer_id=user.pk, cache=cache)
        rows, trend_key = [], key
    else:
        departments = list(q.departments_in_view(user))
        keys = ["agency"] + [q.department_key(d.pk) for d in departments]
        cache = _cache(keys, month)
        if scope is Scope.AGENCY:
            headline, trend_key = _row(agency.name, "agency", month, agency, cache=cache), "agency"
        else:
            top = departments[0]
            headline = _row(top.name, q.department_key(top.pk), month, agency, department_id=top.pk, cache=cache)
            trend_key = q.department_key(top.pk)
        rows = [_row(d.name, q.department_key(d.pk), month, agency, depth=d.depth, department_id=d.pk, cache=cache)
                for d in departments]
    e_trend = q.trend(Metric.ELECTRONIC_EXCHANGE, trend_key, month)
    h_trend = q.trend(Metric.ELECTRONIC_DOSSIERS, trend_key, month)
    dashboard = Dashboard(
        month=month, scope=scope, headline=headline, rows=rows,
        trend=[{"month": e["month"], "e": e["ratio"], "h": h["ratio"]} for e, h in zip(e_trend, h_trend)],
    )
    violations = q.violations_visible_to(user).filter(period__year=month.year)
    dashboard.violations_by_status = {
        label: violations.filter(status=value).count() for value, label in Violation.Status.choices
    }
    if scope is not Scope.OWN:
        dashboard.campaigns = _campaigns(user)
        dashboard.dossiers_overdue = _dossiers_overdue(user)
    return dashboard


def _campaigns(user):
    """Open backlog campaigns with their status at a glance (the backlog app's own counts)."""
    from backlog.models import Campaign, Inventory
    from backlog.querysets import campaign_status_counts

    campaigns = []
    for campaign in Campaign.objects.visible_to(user).filter(status=Campaign.Status.OPEN)[:5]:
        inventories = Inventory.objects.visible_to(user).filter(campaign=campaign)
        campaigns.append({"campaign": campaign, "counts": campaign_status_counts(campaign, inventories)})
    return campaigns


def _dossiers_overdue(user):
    """Dossiers past their archive due date, not submitted, not under an approved retention."""
    from dossiers.models import Dossier

    return Dossier.objects.visible_to(user).overdue().count()
