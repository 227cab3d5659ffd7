"""One document: its page, its actions (each one service call), its attachments."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.actions import report_form_errors, run_action
from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.roles import Role

from .. import handling, rules, services
from ..choices import Direction
from ..forms import AssignForm, AttachmentForm, NoteForm
from ..forms_handling import DispatchForm, ReturnForm, SubmitForm
from ..forms_handling import assign_form as build_assign_form
from ..models import Attachment
from ..querysets import document_get_for_user
from ..rules import available_actions


@login_required
def document_detail(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    # An internal document: each receiving department's handling, and the one this user acts on.
    receipts = list(document.receipts.select_related("department", "officer")) if document.direction == Direction.INTERNAL else []
    receipt = rules.receipt_for(request.user, document, receipts) if receipts else None
    actions = available_actions(request.user, document, receipt)
    assign_form = build_assign_form(document=document) if "assign" in actions else None
    dispatch_form = None
    if "dispatch" in actions:
        handled = receipt or document
        dispatch_form = DispatchForm(
            department=receipt.department if receipt else document.department,
            latest_deadline=None if receipt else document.leadership_deadline,
            initial={"officer": handled.officer_id, "deadline": handled.deadline})
    return_target = None
    if "return" in actions:
        return_target = (rules.receipt_return_target(request.user, receipt) if receipt
                         else rules.return_target(request.user, document))
    attachments = list(document.attachments.select_related("uploaded_by"))
    return render(request, "documents/detail.html", {
        "document": document,
        "form_why": rules.form_explanation(document, attachments)[1],
        "actions": actions,
        "receipt": receipt,
        "receipts": receipts,
        "submit_form": SubmitForm() if "submit" in actions else None,
        "assign_form": assign_form,
        "dispatch_form": dispatch_form,
        "return_form": ReturnForm() if return_target else None,
        "return_target": return_target,
        "note_form": NoteForm(),
        "attachment_form": AttachmentForm(),
        "attachments": attachments,
        "notes_log": document.notes_log.select_related("author"),
        "co_handlers": document.co_handlers.select_related("department"),
        "recipient_departments": document.recipient_departments.all(),
        "history": document.history.select_related("history_user")[:20],
        "today": timezone.localdate(),
    })


@require_POST
@login_required
def document_submit(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("documents:detail", pk=pk)
    leader = form.cleaned_data["leader"]
    run_action(request, lambda: services.incoming_submit(acting_user=request.user, document=document, leader=leader),
               _("Đã trình %(to)s.") % {"to": leader.full_name if leader else _("lãnh đạo Ban")})
    return redirect("documents:detail", pk=pk)


@require_POST
@login_required
def document_assign(request, pk):
    from .inbox import back

    document = document_get_for_user(user=request.user, pk=pk)
    # The inbox posts a prefixed form (several on one page) and comes back to the inbox.
    form = AssignForm(request.POST, prefix=request.POST.get("form_prefix") or None)
    if not form.is_valid():
        report_form_errors(request, form)
        return back(request, "documents:detail", pk)
    data = form.cleaned_data
    run_action(
        request,
        lambda: services.incoming_assign(
            acting_user=request.user, document=document, department=data["department"], officer=data["officer"],
            co_handlers=list(data["co_handlers"]), direction_note=data["direction_note"], deadline=data["deadline"],
        ),
        _("Đã giao xử lý."),
        form=form,
    )
    return back(request, "documents:detail", pk)


@require_POST
@login_required
def document_progress(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    text = request.POST.get("text", "")
    run_action(request, lambda: handling.document_record_progress(acting_user=request.user, document=document, text=text),
         _("Đã ghi tiến độ."))
    return redirect("documents:detail", pk=pk)


@require_POST
@login_required
def document_complete(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    text = request.POST.get("text", "")
    run_action(request, lambda: handling.document_complete(acting_user=request.user, document=document, text=text),
         _("Đã hoàn thành xử lý văn bản."))
    return redirect("documents:detail", pk=pk)


@require_POST
@login_required
def document_attach(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("documents:detail", pk=pk)

    uploads = form.cleaned_data["attachments"]
    run_action(request, lambda: services.attachments_add(acting_user=request.user, document=document, uploads=uploads),
         _("Đã đính kèm tệp."))
    return redirect("documents:detail", pk=pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    document = document_get_for_user(user=request.user, pk=pk)
    attachment = get_visible_or_404(Attachment.objects.filter(document=document), pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
@role_required(Role.OFFICE)
def document_delete(request, pk):
    document = document_get_for_user(user=request.user, pk=pk)
    if run_action(request, lambda: services.document_delete(acting_user=request.user, document=document),
            _("Đã chuyển văn bản vào thùng rác.")):
        return redirect("documents:list")
    return redirect("documents:detail", pk=pk)


@require_POST
@role_required(Role.OFFICE)
def document_restore(request, pk):
    document = document_get_for_user(user=request.user, pk=pk, include_deleted=True)
    run_action(request, lambda: services.document_restore(acting_user=request.user, document=document),
         _("Đã khôi phục văn bản."))
    return redirect("documents:trash")
