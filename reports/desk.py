"""What compliance and violations put on each home page (recordsportal/desk.py): one's own (or
the department's) ratios for the year to date against the targets, and the violations awaiting
the Office's review or leadership's decision."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.access import managed_department_paths
from recordsportal.desk import Tile
from recordsportal.models import Agency, Department
from recordsportal.ratios import format_ratio, format_target
from recordsportal.roles import Role

from .models import Metric, Violation, month_start
from .nudges import gap_message
from .querysets import department_key, figures_for, officer_key, violations_visible_to


def _as_of(month) -> tuple[bool, str]:
    """Whether this month's figures were ever computed, and the tiles' "as of" words (the same
    snapshots as the dashboard, so the same time)."""
    from . import months

    computed_at = months.state_of(month).computed_at
    if computed_at is None:
        return False, _("số liệu tháng này chưa được tính")
    return True, _("tính đến %(t)s") % {"t": timezone.localtime(computed_at).strftime("%H:%M %d/%m/%Y")}


def _gap_tiles(keys_for_user: str, url: str, prefix: str) -> list:
    agency = Agency.load()
    month = month_start(timezone.localdate())
    computed, as_of = _as_of(month)
    tiles = []
    for metric, target, label in ((Metric.ELECTRONIC_EXCHANGE, agency.target_electronic_exchange,
                                   _("văn bản điện tử")),
                                  (Metric.ELECTRONIC_DOSSIERS, agency.target_electronic_dossiers,
                                   _("hồ sơ điện tử"))):
        numerator, denominator, _excluded = figures_for(metric, [keys_for_user], month, year_to_date=True).get(
            keys_for_user, (0, 0, 0))
        ratio = numerator * 100 / denominator if denominator else None
        tone = "muted" if ratio is None else ("success" if ratio >= target else "danger")
        tiles.append(Tile(f"{prefix} {label}", None, url, f"desk-ratio-{metric.lower()}", tone=tone,
                          note=f"{format_ratio(ratio)}%" if ratio is not None else "—",
                          sub=(_("chỉ tiêu ≥ %(target)s%% · %(numerator)s/%(denominator)s") % {
                              "target": format_target(target), "numerator": numerator, "denominator": denominator})
                          if ratio is not None else _("chỉ tiêu ≥ %(target)s%% · không có hồ sơ, văn bản trong kỳ") % {
                              "target": format_target(target)}))
        # "Not computed" is not "no records" (issue 14): the tile says which, and as of when.
        tiles[-1].sub += f" · {as_of}"
        if not computed:
            tiles[-1].note = _("— (chưa tính)") if ratio is None else tiles[-1].note
        # The month still running: how many more electronic records reach the target (nudges.py).
        n, d, _x = figures_for(metric, [keys_for_user], month).get(keys_for_user, (0, 0, 0))
        gap = gap_message(metric, n, d, target)
        if gap:
            tiles[-1].sub += f" · {gap}"
    return tiles


def desk(user, role) -> list:
    entries = []
    if role == Role.OFFICER:
        entries += _gap_tiles(officer_key(user.pk), reverse("reports:dashboard"), _("Năm nay, tỉ lệ"))
    if role == Role.DEPARTMENT_HEAD and user.department_id:
        paths = managed_department_paths(user)
        department = (Department.objects.filter(path=paths[0]).first() if paths else None) or user.department
        entries += _gap_tiles(department_key(department.pk), reverse("reports:department", args=[department.pk]),
                              _("Năm nay, đơn vị đạt"))
    # The violations page lists the current year's: count the same rows.
    this_year = violations_visible_to(user).filter(period__year=timezone.localdate().year)
    if role == Role.OFFICE:
        waiting = this_year.filter(status=Violation.Status.DETECTED).count()
        entries.append(Tile(_("Vi phạm chờ Văn phòng xem xét"), waiting,
                            f"{reverse('reports:violations')}?status={Violation.Status.DETECTED}",
                            "desk-violations-to-review"))
    if role == Role.LEADERSHIP:
        waiting = this_year.filter(status=Violation.Status.CONFIRMED, decision=Violation.Decision.PENDING).count()
        entries.append(Tile(_("Đề xuất trừ điểm thi đua chờ quyết định"), waiting,
                            f"{reverse('reports:violations')}?status={Violation.Status.CONFIRMED}",
                            "desk-violations-to-decide"))
    return entries
