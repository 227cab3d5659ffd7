"""Nudges before the month ends (issue 14, part 5): the gap to target in records, on the home
page and the dashboard, and a weekly e-mail to heads in the last two weeks of a month while their
department is below target."""

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.models import Agency, Department

from .models import Metric, ReportMonth, month_start, next_month
from .querysets import department_key, figures_for

DIGEST_DAYS = 14  # the last two weeks of the month


def records_to_target(numerator: int, denominator: int, target) -> int | None:
    """The least number of additional electronic records that brings numerator/denominator to
    `target` percent: the least k ≥ 0 with (n + k) · 100 ≥ target · (d + k). None for an empty
    period (no ratio yet) or a target of 100% or more that cannot be reached by adding records."""
    if not denominator:
        return None
    target = Decimal(str(target))
    shortfall = target * denominator - 100 * numerator
    if shortfall <= 0:
        return 0
    if target >= 100:
        return None
    return math.ceil(shortfall / (100 - target))


def gap_message(metric: str, numerator: int, denominator: int, target) -> str:
    """"6 more electronic documents this month to reach 95%", or "" when on target or no ratio."""
    from recordsportal.ratios import format_target

    k = records_to_target(numerator, denominator, target)
    if not k:
        return ""
    if metric == Metric.ELECTRONIC_EXCHANGE:
        text = _("Cần thêm %(k)s văn bản điện tử trong tháng để đạt %(t)s%%.")
    else:
        text = _("Cần thêm %(k)s hồ sơ điện tử trong tháng để đạt %(t)s%%.")
    return text % {"k": k, "t": format_target(target)}


def month_gaps(scope_key: str, month: datetime.date) -> list[str]:
    """The gap messages of one scope for the month (E then H), from the snapshots."""
    agency = Agency.load()
    gaps = []
    for metric, target in ((Metric.ELECTRONIC_EXCHANGE, agency.target_electronic_exchange),
                           (Metric.ELECTRONIC_DOSSIERS, agency.target_electronic_dossiers)):
        numerator, denominator, _x = figures_for(metric, [scope_key], month).get(scope_key, (0, 0, 0))
        message = gap_message(metric, numerator, denominator, target)
        if message:
            gaps.append(message)
    return gaps


def in_digest_window(today: datetime.date) -> bool:
    return (next_month(month_start(today)) - today).days <= DIGEST_DAYS


def send_head_digests(today: datetime.date | None = None) -> int:
    """Weekly (beat): in the last two weeks of the month, each head of a department below target
    this month gets one e-mail with the gaps. Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    if not in_digest_window(today):
        return 0
    month = month_start(today)
    computed_at = ReportMonth.objects.filter(month=month).values_list("computed_at", flat=True).first()
    if computed_at is None:
        return 0  # nothing computed this month: no figures to send
    as_of = _("Số liệu tính đến %(t)s.") % {"t": timezone.localtime(computed_at).strftime("%H:%M %d/%m/%Y")}
    sent = 0
    for department in Department.objects.filter(is_active=True, head__isnull=False).select_related("head"):
        head = department.head
        if not head.is_active or not head.email:
            continue
        gaps = month_gaps(department_key(department.pk), month)
        if not gaps:
            continue
        body = "\n".join([_("Phòng, đơn vị: %(name)s — tháng %(m)s") % {"name": department.name, "m": f"{month:%m/%Y}"},
                          *gaps, as_of, "", f"{getattr(settings, 'SITE_URL', '')}/reports/departments/{department.pk}/"])
        send_mail(_("Chỉ tiêu văn bản, hồ sơ điện tử tháng %(m)s chưa đạt") % {"m": f"{month:%m/%Y}"}, body,
                  None, [head.email])
        sent += 1
    return sent
