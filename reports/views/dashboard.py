import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from recordsportal.guards import get_visible_or_404
from recordsportal.models import Department
from recordsportal.params import parse_month

from .. import dashboard as board


def _trend_json(dashboard):
    return json.dumps({
        "labels": [point["month"].strftime("%m/%Y") for point in dashboard.trend],
        "e": [point["e"] for point in dashboard.trend],
        "h": [point["h"] for point in dashboard.trend],
    })


@login_required
def dashboard_view(request):
    month = parse_month(request.GET.get("month"))
    data = board.build(request.user, month)
    return render(request, "reports/dashboard.html", {"d": data, "trend_json": _trend_json(data), "month": month})


@login_required
def department_view(request, pk):
    department = get_visible_or_404(Department.objects.visible_to(request.user), pk=pk)
    month = parse_month(request.GET.get("month"))
    data = board.build(request.user, month, department=department)
    return render(request, "reports/department.html",
                  {"d": data, "trend_json": _trend_json(data), "month": month, "department": department})
