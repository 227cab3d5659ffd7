"""Read rules for backlog inventories: who sees which campaign, inventory and line; the access
functions (404 for out of scope, like missing); the consolidation into the arrangement plan; the
late/missing list the violations report reads."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from recordsportal.access import Scope, managed_department_ids, scope_filter, scope_of


def _managed_q(user, lookup: str) -> Q:
    """Rows of the departments `user` leads (and the units under them), whatever else they see."""
    return Q(**{f"{lookup}__in": managed_department_ids(user)})


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The agency-wide roles see every campaign; a head sees those that include their
        department or a unit under it; an officer none."""
        scope = scope_of(user)
        if scope is Scope.AGENCY:
            return self.all()
        if scope is Scope.DEPARTMENT:
            included = _campaign_ids_led_by(user)
            return self.filter(pk__in=included)
        return self.none()


def _campaign_ids_led_by(user):
    # A subquery on the M2M table: one campaign row per match, no DISTINCT on the outer query.
    from .models import Campaign

    return Campaign.departments.through.objects.filter(_managed_q(user, "department")).values("campaign_id")


class InventoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_filter(user, department="department"))

    def editable_by(self, user):
        """Inventories `user` may fill and submit: those of the departments they lead. The Office
        reviews every inventory but fills only its own (the Chief of the Office is its head)."""
        return self.filter(_managed_q(user, "department"))

    def received(self):
        from .models import Inventory

        return self.filter(status__in=Inventory.RECEIVED)

    def with_totals(self):
        zero = Decimal("0")
        return self.annotate(
            line_count=Count("lines"),
            total_metres=Coalesce(Sum("lines__shelf_metres"), zero, output_field=models.DecimalField()),
            total_boxes=Coalesce(Sum("lines__boxes"), 0),
            total_dossiers=Coalesce(Sum("lines__estimated_dossiers"), 0),
        )


class InventoryLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_filter(user, department="inventory__department"))


class DeadlineMissQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_filter(user, department="department"))


# --- access functions: the one way views, API and exports get a row --------------------------------


def campaign_get_for_user(*, user, pk):
    from .models import Campaign

    try:
        return Campaign.objects.visible_to(user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Không tìm thấy.")) from exc


def inventory_get_for_user(*, user, pk, write=False):
    """The inventory, or 404 when it is missing or out of the user's scope. write=True: only
    the head of its department (or of a department above it) may change it."""
    from .models import Inventory

    queryset = Inventory.objects.select_related("campaign", "department", "submitted_by", "reviewed_by")
    queryset = queryset.editable_by(user) if write else queryset.visible_to(user)
    try:
        return queryset.get(pk=pk)
    except (Inventory.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Không tìm thấy.")) from exc


# --- status at a glance --------------------------------------------------------------------------


def campaign_status_counts(campaign, inventories) -> dict[str, int]:
    """Counts for the campaign header, from the (already scoped) inventories."""
    counts = {"total": 0, "draft": 0, "submitted": 0, "returned": 0, "accepted": 0, "late": 0, "missing": 0}
    for inventory in inventories:
        counts["total"] += 1
        counts[inventory.status] += 1
        counts["late"] += inventory.late
        counts["missing"] += inventory.first_submitted_at is None
    return counts


def inventories_late_or_missing(campaign):
    """The violations of a campaign as recorded at its deadline (DeadlineMiss rows): what the
    reports app reads. SQL: SELECT ... FROM backlog_deadlinemiss WHERE campaign_id = %s."""
    from .models import DeadlineMiss

    return DeadlineMiss.objects.filter(campaign=campaign).select_related("department")


# --- consolidation into the arrangement plan ---------------------------------------------------------


@dataclass
class Totals:
    label: str
    lines: int = 0
    metres: Decimal = Decimal("0")
    boxes: int = 0
    dossiers: int = 0
    effort: Decimal = Decimal("0")
    extra: dict = field(default_factory=dict)

    def add(self, lines, metres, boxes, dossiers, norm):
        self.lines += lines
        self.metres += metres or 0
        self.boxes += boxes or 0
        self.dossiers += dossiers or 0
        self.effort = (self.metres * norm).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Consolidation:
    campaign: object
    by_department: list[Totals]
    by_period: list[Totals]
    total: Totals
    pending: list  # inventories not yet received (draft or returned): not in the figures


def period_label(decade: int, scope_until_year: int) -> str:
    end = min(decade + 9, scope_until_year)
    return f"{decade}–{end}" if end != decade else str(decade)


def consolidate(campaign, *, user) -> Consolidation:
    """Totals of the received inventories (submitted or accepted) of `campaign` that `user` may
    see, per department and per period, with the effort estimate (metres × the campaign's norm).

    Periods are decades of the year a group of records starts (from_year): a group is arranged
    as one unit, so it is counted whole in one period rather than split across years (which
    would yield fractions of boxes). A group 2008–2012 counts in 2000–2009.
    """
    from .models import Inventory, InventoryLine

    norm = campaign.effort_norm
    lines = InventoryLine.objects.filter(
        inventory__campaign=campaign, inventory__status__in=Inventory.RECEIVED
    ).filter(scope_filter(user, department="inventory__department"))
    sums = dict(lines_=Count("pk"), metres=Sum("shelf_metres"), boxes=Sum("boxes"), dossiers=Sum("estimated_dossiers"))

    by_department = []
    received = (
        Inventory.objects.visible_to(user)
        .filter(campaign=campaign, status__in=Inventory.RECEIVED)
        .select_related("department")
        .order_by("department__path")
    )
    per_department = {row["inventory__department"]: row for row in lines.values("inventory__department").annotate(**sums)}
    for inventory in received:
        row = per_department.get(inventory.department_id, {})
        totals = Totals(label=inventory.department.name, extra={"inventory": inventory})
        totals.add(row.get("lines_", 0), row.get("metres"), row.get("boxes"), row.get("dossiers"), norm)
        by_department.append(totals)

    # Grouped by year in SQL (a few dozen rows), folded into decades here: portable integer
    # arithmetic, no database-specific FLOOR/DIV.
    periods: dict[int, Totals] = {}
    for row in lines.values("from_year").annotate(**sums).order_by("from_year"):
        decade = row["from_year"] // 10 * 10
        totals = periods.setdefault(decade, Totals(label=period_label(decade, campaign.scope_until_year)))
        totals.add(row["lines_"], row["metres"], row["boxes"], row["dossiers"], norm)

    total = Totals(label=_("Tổng cộng"))
    for item in by_department:
        total.add(item.lines, item.metres, item.boxes, item.dossiers, norm)
    pending = list(
        Inventory.objects.visible_to(user)
        .filter(campaign=campaign)
        .exclude(status__in=Inventory.RECEIVED)
        .select_related("department")
        .order_by("department__path")
    )
    return Consolidation(
        campaign=campaign,
        by_department=by_department,
        by_period=[periods[k] for k in sorted(periods)],
        total=total,
        pending=pending,
    )
