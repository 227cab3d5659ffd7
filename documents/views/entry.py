"""Registering incoming documents, issuing outgoing ones, sending internal ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from recordsportal.forms import add_error_to_form
from recordsportal.guards import role_required
from recordsportal.roles import Role
from recordsportal.services import DomainError

from .. import services
from ..choices import Form
from ..forms import IncomingForm, InternalForm, OutgoingForm
from ..forms_handling import follow_department


@role_required(Role.OFFICE)
def incoming_create(request):
    duplicate = None
    form = IncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.incoming_register(
                acting_user=request.user,
                arrival_date=data["arrival_date"],
                number_symbol=data["number_symbol"],
                document_date=data["document_date"],
                issuer=data["issuer"],
                kind=data["kind"],
                summary=data["summary"],
                recipients=data["recipients"],
                received_medium=data["received_medium"],
                paper_reason=data["paper_reason"] or None,
                urgency=data["urgency"],
                confidentiality=data["confidentiality"],
                notes=data["notes"],
                allow_duplicate=data["allow_duplicate"],
                attachments=data["attachments"],
            )
        except services.DuplicateDocument as error:
            duplicate = error.existing
            form.data = form.data.copy()
            form.data["allow_duplicate"] = "on"  # a second, deliberate submit registers it anyway
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Đã đăng ký văn bản đến số %(number)s/%(year)s.") % {"number": document.display_number, "year": document.register_year},
            )
            if document.form == Form.PAPER:
                messages.warning(request, _("Văn bản được ghi là văn bản giấy (%(reason)s) vì hệ thống không có tệp nội "
                                            "dung của nó; đính kèm bản số hóa để xử lý điện tử.") % {
                    "reason": document.get_paper_reason_display()})
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/incoming_form.html", {"form": form, "duplicate": duplicate})


@role_required(Role.OFFICE)
def outgoing_create(request):
    # The drafter list follows the drafting department.
    form = follow_department(OutgoingForm(request.POST or None, request.FILES or None), "drafter")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.outgoing_issue(
                acting_user=request.user,
                issue_date=data["issue_date"],
                kind=data["kind"],
                department=data["department"],
                drafter=data["drafter"],
                summary=data["summary"],
                signer=data["signer"],
                recipients=data["recipients"],
                recipient_departments=list(data["recipient_departments"]),
                paper_reason=data["paper_reason"] or None,
                urgency=data["urgency"],
                confidentiality=data["confidentiality"],
                copies=data["copies"],
                file_copy_keeper=data["file_copy_keeper"],
                notes=data["notes"],
                attachments=data["attachments"],
            )
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Đã cấp số %(symbol)s.") % {"symbol": document.number_symbol})
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/outgoing_form.html", {"form": form})


@login_required
def internal_create(request):
    form = InternalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.internal_send(
                acting_user=request.user,
                kind=data["kind"],
                summary=data["summary"],
                recipient_departments=list(data["recipient_departments"]),
                notes=data["notes"],
                attachments=data["attachments"],
                paper_reason=data["paper_reason"] or None,
            )
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Đã gửi văn bản nội bộ %(symbol)s.") % {"symbol": document.number_symbol})
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/internal_form.html", {"form": form})
