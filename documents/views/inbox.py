"""The inboxes and the handling chain's actions: leadership's documents awaiting direction, a
head's documents awaiting dispatch, deadlines; dispatch, send back, acknowledge (each one
service call, documents/handling.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.actions import report_form_errors, run_action
from recordsportal.guards import role_required
from recordsportal.models import Department
from recordsportal.pagination import quick_page
from recordsportal.params import posted_ids
from recordsportal import placeholders
from recordsportal.roles import Role

from .. import handling, inbox, rules
from ..choices import Direction
from ..forms_handling import DispatchForm, ReturnForm, assign_form, officer_label
from ..models import Document
from ..querysets import document_get_for_user


def back(request, default: str, *args):
    """Where an action goes back to: the page it came from (`next`, a path of the portal), else
    `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default, *args)


@role_required(Role.LEADERSHIP)
def leadership_inbox(request):
    documents = inbox.awaiting_direction(request.user).select_related("submitted_to", "created_by")
    return render(request, "documents/inbox_leadership.html", {
        "page": quick_page(documents, request.GET.get("page")), "today": timezone.localdate(),
    })


@login_required
def department_inbox(request):
    """A head's inbox; anyone else who leads no department sees it empty."""
    department_ids = list(Department.objects.led_by(request.user).values_list("pk", flat=True))
    documents = (inbox.awaiting_dispatch(request.user, department_ids)
                 .select_related("department", "assigned_by"))
    # The internal documents a page at a time too (`rpage`): a department receiving hundreds
    # rendered them all on one page (0.5 s at bench scale).
    receipts_page = quick_page(inbox.receipts_awaiting_dispatch(request.user, department_ids)
                               .select_related("document", "department", "document__department"), request.GET.get("rpage"))
    receipts = inbox.with_shown_documents(request.user, receipts_page.rows)
    for receipt in receipts:
        receipt.sender = receipt.document.department
    return render(request, "documents/inbox_department.html", {
        "page": quick_page(documents, request.GET.get("page")), "receipts": receipts, "receipts_page": receipts_page,
        "leads_a_department": bool(department_ids), "today": timezone.localdate(),
    })


@login_required
def deadlines(request):
    """Documents due within the reminder window or overdue, as the daily reminder lists them."""
    documents = inbox.deadlines_for(request.user).select_related("department", "officer")
    return render(request, "documents/deadlines.html", {
        "page": quick_page(documents, request.GET.get("page")), "today": timezone.localdate(),
        "days": inbox.due_soon_days(),
    })


@login_required
def officer_options(request):
    """htmx: the <option>s of a people select (officer, co-handlers, drafter) for the department
    chosen in its form (the parameter is the department select's own, `department` or
    `<prefix>-department`; documents.forms_handling.follow_department)."""
    value = next((v for k, v in request.GET.items() if k.endswith("department")), "")
    # posted_ids, not isdigit(): "²" is a digit to isdigit() and no number to the database.
    ids = posted_ids([value])
    department = Department.objects.active().filter(pk=ids[0]).first() if ids else None
    people = inbox.department_officers(department) if department else []
    # The officer is optional; a multiple list (co-handlers, `multiple=1`) has no empty choice.
    options = [] if request.GET.get("multiple") else [format_html('<option value="">{}</option>', placeholders.NONE)]
    options += [format_html('<option value="{}">{}</option>', u.pk, officer_label(u)) for u in people]
    return HttpResponse("".join(options))


@login_required
def assign_panel(request, pk):
    """htmx: leadership's assignment form for one document, in its inbox row."""
    document = document_get_for_user(user=request.user, pk=pk)
    if rules.assign_problems(request.user, document):
        return HttpResponse(status=403)
    return render(request, "documents/_assign_panel.html", {
        "document": document, "form": assign_form(document=document, prefix=f"d{document.pk}"),
        "next": request.GET.get("next", ""),
    })


def _receipt_for(request, document):
    return rules.receipt_for(request.user, document) if document.direction == Direction.INTERNAL else None


@login_required
def dispatch_panel(request, pk):
    """htmx: a head's dispatch form (and send-back form) for one document, in its inbox row."""
    document = document_get_for_user(user=request.user, pk=pk)
    receipt = _receipt_for(request, document)
    actions = rules.available_actions(request.user, document, receipt)
    if "dispatch" not in actions:
        return HttpResponse(status=403)
    department = receipt.department if receipt else document.department
    return render(request, "documents/_dispatch_panel.html", {
        "document": document, "receipt": receipt, "actions": actions,
        "form": DispatchForm(department=department, latest_deadline=None if receipt else document.leadership_deadline,
                             prefix=f"d{document.pk}"),
        "return_form": ReturnForm(prefix=f"r{document.pk}"), "next": request.GET.get("next", ""),
    })


@require_POST
@login_required
def document_dispatch(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    receipt = _receipt_for(request, document)
    department = receipt.department if receipt else document.department
    form = DispatchForm(request.POST, department=department, prefix=request.POST.get("form_prefix") or None)
    if not form.is_valid():
        if "dispatch" in rules.available_actions(request.user, document, receipt):
            report_form_errors(request, form)
        else:
            messages.error(request, _("Bạn không giao việc được văn bản này ở bước xử lý hiện tại."))
        return back(request, "documents:detail", pk)
    data = form.cleaned_data
    run_action(request, lambda: handling.document_dispatch(
        acting_user=request.user, document=document, officer=data["officer"], deadline=data["deadline"],
        co_handlers=list(data["co_handlers"]), note=data["note"], receipt=receipt),
        _("Đã giao việc cho %(officer)s.") % {"officer": data["officer"].full_name})
    return back(request, "documents:detail", pk)


@require_POST
@login_required
def document_send_back(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    form = ReturnForm(request.POST, prefix=request.POST.get("form_prefix") or None)
    reason = form.data.get(form.add_prefix("reason"), "")
    run_action(request, lambda: handling.document_return(acting_user=request.user, document=document, reason=reason,
                                                         receipt=_receipt_for(request, document)),
               _("Đã trả lại văn bản."))
    # After sending it back the sender may no longer see the document (an officer): go to the inbox.
    if not Document.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("documents:to_handle")
    return back(request, "documents:detail", pk)


@require_POST
@login_required
def document_acknowledge(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    run_action(request, lambda: handling.document_acknowledge(acting_user=request.user, document=document,
                                                              receipt=_receipt_for(request, document)),
               _("Đã tiếp nhận văn bản."))
    return back(request, "documents:detail", pk)
