"""The Office reviews violations; leadership decides the deductions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from django.contrib import messages

from recordsportal.actions import query_without, run_action
from recordsportal.forms import add_error_to_form
from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.pagination import quick_page
from recordsportal.params import parse_year
from recordsportal.roles import Role
from recordsportal.services import DomainError

from .. import services
from ..forms import DeductionTableForm, ReviewForm
from ..models import Violation, ViolationKind
from ..querysets import emulation_summary, violation_counts, violations_visible_to


@login_required
def violation_list(request):
    year = parse_year(request.GET.get("year"))
    violations = violations_visible_to(request.user).filter(period__year=year)
    status, kind = request.GET.get("status"), request.GET.get("kind")
    if status in Violation.Status.values:
        violations = violations.filter(status=status)
    if kind in ViolationKind.values:
        violations = violations.filter(kind=kind)
    return render(request, "reports/violations.html", {
        "page": quick_page(violations.order_by("-period", "department__path", "kind"), request.GET.get("page")),
        "year": year, "status": status or "", "kind": kind or "",
        # The pages keep the year and the filters (a QuickPage: next/previous, no COUNT per page).
        "query_string": query_without(request.GET, "page"),
        "statuses": Violation.Status.choices, "kinds": ViolationKind.choices,
        "can_review": request.user.has_role(Role.OFFICE), "can_decide": request.user.has_role(Role.LEADERSHIP),
        "summary": emulation_summary(request.user, year),
        "counts": violation_counts(request.user, year),
    })


ACTIONS = {
    "notify": (lambda user, v, post: services.violation_notify(acting_user=user, violation=v, note=post.get("note", "")), _("Đã ghi nhận nhắc nhở.")),
    "confirm": (lambda user, v, post: services.violation_confirm(acting_user=user, violation=v, points=_points(post), note=post.get("note", "")), _("Đã xác nhận vi phạm và đề xuất trừ điểm.")),
    "dismiss": (lambda user, v, post: services.violation_dismiss(acting_user=user, violation=v, reason=post.get("note", "")), _("Đã bỏ qua vi phạm.")),
    "correct": (lambda user, v, post: services.violation_mark_corrected(acting_user=user, violation=v, note=post.get("note", "")), _("Đã ghi nhận khắc phục.")),
    "approve": (lambda user, v, post: services.violation_decide(acting_user=user, violation=v, approve=True), _("Đã đồng ý trừ điểm.")),
    "reject": (lambda user, v, post: services.violation_decide(acting_user=user, violation=v, approve=False), _("Đã không đồng ý trừ điểm.")),
}


def _points(post):
    """The points typed beside "Xác nhận" (None: the table's), read by the same field as the
    table of points: a bad value is refused with the field's message before the service runs."""
    form = ReviewForm(post)
    if not form.is_valid() and "points" in form.errors:
        raise DomainError(" ".join(dict.fromkeys(form.errors["points"])), field="points")
    return form.cleaned_data.get("points")


@require_POST
@login_required
def violation_action(request, pk, action):
    violation = get_visible_or_404(violations_visible_to(request.user), pk=pk)
    if action not in ACTIONS:
        return redirect("reports:violations")
    run, done = ACTIONS[action]
    run_action(request, lambda: run(request.user, violation, request.POST), done)
    # Back to the list the form came from, never to another site (an open redirect).
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("reports:violations")
    # A URL, never a view name: redirect("0") would look "0" up as a view and fail.
    return HttpResponseRedirect(back)


@role_required(Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
def deduction_table(request):
    """The points proposed per kind of violation: the Office edits, leadership and admin read."""
    can_edit = request.user.has_role(Role.OFFICE)
    form = DeductionTableForm(request.POST if request.method == "POST" else None, table=services.deduction_table())
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = services.deduction_table_save(acting_user=request.user, points=form.cleaned_data)
            except DomainError as error:
                add_error_to_form(form, error)
            else:
                messages.success(request, _("Đã lưu mức trừ điểm thi đua (%(n)s mức thay đổi).") % {"n": changed})
                return redirect("reports:deduction_table")
    return render(request, "reports/deduction_table.html", {"form": form, "can_edit": can_edit})
