"""Months that close: the state of each month's figures, the diff of a recomputation, and the
Office's close / recompute / accept / discard (rules in reports/months.py)."""

import datetime

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.actions import run_action
from recordsportal.guards import role_required
from recordsportal.params import parse_month, parse_year
from recordsportal.roles import Role

from .. import months
from ..compliance import months_between
from ..models import Metric

MONTH_ROLES = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)


@role_required(*MONTH_ROLES)
def month_list(request):
    year = parse_year(request.GET.get("year"))
    first = datetime.date(year, 1, 1)
    states = months.states_between(first, datetime.date(year + 1, 1, 1))
    rows = [states.get(m) or months.state_of(m) for m in months_between(first, datetime.date(year, 12, 1))]
    return render(request, "reports/months.html", {"year": year, "rows": rows, "close_day": months.close_day()})


@role_required(*MONTH_ROLES)
def month_detail(request, month):
    month = parse_month(month)
    diff = months.month_diff(month)
    return render(request, "reports/month_detail.html", {
        "month": month, "diff": diff, "state": diff.state, "can_act": request.user.has_role(Role.OFFICE),
        "metric_labels": dict(Metric.choices), "close_day": months.close_day(),
    })


ACTIONS = {
    "close": (lambda user, m: months.close_month(m, acting_user=user), _("Đã chốt số liệu tháng.")),
    "recompute": (lambda user, m: months.recompute(m, acting_user=user), _("Đã tính lại số liệu tháng.")),
    "accept": (lambda user, m: months.candidate_accept(m, acting_user=user), _("Đã chấp nhận số liệu tính lại.")),
    "discard": (lambda user, m: months.candidate_discard(m, acting_user=user), _("Đã bỏ số liệu tính lại.")),
}


@require_POST
@role_required(Role.OFFICE)
def month_action(request, month, action):
    day = parse_month(month)
    if action in ACTIONS:
        run, done = ACTIONS[action]
        run_action(request, lambda: run(request.user, day), done)
    return HttpResponseRedirect(reverse("reports:month", args=[f"{day:%Y-%m}"]))
