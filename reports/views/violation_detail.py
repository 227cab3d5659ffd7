"""One violation with the records it names (issue 14, part 3)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from recordsportal.guards import get_visible_or_404

from ..querysets import violation_records, violations_visible_to


@login_required
def violation_detail(request, pk):
    from .. import months
    from ..models import ViolationKind
    from .months import MONTH_ROLES

    violation = get_visible_or_404(violations_visible_to(request.user), pk=pk)
    return render(request, "reports/violation_detail.html", {
        "v": violation, "records": violation_records(request.user, violation),
        # A ratio's evidence is the month's figures: say when they are frozen.
        "month_state": months.state_of(violation.period),
        "ratio_kinds": [ViolationKind.E_BELOW_TARGET, ViolationKind.H_BELOW_TARGET],
        "can_see_months": any(request.user.has_role(role) for role in MONTH_ROLES)})
