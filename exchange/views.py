"""Pages of the edXML exchange: the Office's inbox of received packages (upload, batches with
their progress, register or refuse), the outbox, sending an outgoing document; the
administrator's organisation directory. Thin: parse, call one service or query, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.models import Document
from recordsportal.actions import run_action
from recordsportal.forms import add_error_to_form
from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.queueing import enqueue_for_user
from recordsportal.roles import Role
from recordsportal.services import DomainError

from . import batches, directory, querysets, services
from .forms import DirectoryImportForm, OrganisationForm, ReceiveForm, RefuseForm, RegisterForm
from .models import InboundPackage, Organisation
from .tasks import receive_batch_task

PAGE = 50


# --- receiving -----------------------------------------------------------------------------------------------


@role_required(Role.OFFICE)
def inbox(request):
    form = ReceiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_create(acting_user=request.user, uploads=form.cleaned_data["files"])
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            enqueue_for_user(
                request, receive_batch_task, batch.pk,
                queued=_("Đã nhận %(count)d tệp; hệ thống đang đọc từng gói.") % {"count": batch.total},
                not_queued=_("các gói đã được lưu nhưng chưa được đọc; hệ thống sẽ đọc khi hàng đợi hoạt động lại "
                             "(hoặc tải lên lại sau)."))
            return redirect("exchange:batch", pk=batch.pk)
    state = request.GET.get("state", InboundPackage.State.PENDING)
    packages = querysets.packages_visible_to(request.user)
    if state in InboundPackage.State.values:
        packages = packages.filter(state=state)
    counts = dict(querysets.packages_visible_to(request.user).values_list("state").annotate(n=Count("pk")))
    page = Paginator(packages, PAGE).get_page(request.GET.get("page"))
    return render(request, "exchange/inbox.html", {
        "form": form, "page": page, "state": state,
        "states": [(value, label, counts.get(value, 0)) for value, label in InboundPackage.State.choices],
        "batches": querysets.batches_visible_to(request.user)[:5],
    })


@role_required(Role.OFFICE)
def batch(request, pk):
    batch = querysets.batch_get_for_user(user=request.user, pk=pk)
    items = batch.items.select_related("package").order_by("position")
    refused_only = request.GET.get("refused") == "1"
    if refused_only:
        items = items.filter(state="refused")
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(request, "exchange/batch.html", {"batch": batch, "page": page, "refused_only": refused_only})


@role_required(Role.OFFICE)
def batch_progress(request, pk):
    """The progress row the batch page polls (htmx, every second while the batch runs)."""
    batch = querysets.batch_get_for_user(user=request.user, pk=pk)
    response = render(request, "exchange/_batch_progress.html", {"batch": batch})
    if batch.state == batch.State.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # once done, the whole page shows the outcome of each item
    return response


@role_required(Role.OFFICE)
def package(request, pk):
    package = querysets.package_get_for_user(user=request.user, pk=pk)
    initial = {"number_symbol": package.number_symbol, "issuer": package.sender_name,
               "document_date": package.document_date, "kind": package.kind, "urgency": package.urgency,
               "summary": package.summary}
    form = RegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.package_register(acting_user=request.user, package=package, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Đã đăng ký văn bản đến số %(number)s/%(year)s.") % {
                "number": document.display_number, "year": document.register_year})
            return redirect("documents:detail", pk=document.pk)
    problems = services.register_problems(package)
    return render(request, "exchange/package.html", {
        "package": package, "form": form, "problems": problems, "refuse_form": RefuseForm(),
        "statuses": package.statuses.order_by("created_at"),
        "status_labels": services.STATUS_LABELS,
    })


@require_POST
@role_required(Role.OFFICE)
def package_refuse(request, pk):
    package = querysets.package_get_for_user(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    if run_action(request, lambda: services.package_refuse(acting_user=request.user, package=package, reason=reason),
                  _("Đã từ chối gói và báo lại nơi gửi.")):
        return redirect("exchange:inbox")
    return redirect("exchange:package", pk=pk)


@role_required(Role.OFFICE)
def package_file(request, pk):
    package = querysets.package_get_for_user(user=request.user, pk=pk)
    return FileResponse(package.file.open("rb"), as_attachment=True, filename=package.original_name,
                        content_type="application/xml")


# --- outbox and sending ------------------------------------------------------------------------------------------


@role_required(Role.OFFICE)
def outbox(request):
    rows = querysets.outbound_visible_to(request.user)
    pending = request.GET.get("pending") == "1"
    if pending:
        rows = rows.filter(delivered_at__isnull=True)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "exchange/outbox.html", {"page": page, "pending": pending,
                                                    "status_labels": services.STATUS_LABELS})


@role_required(Role.OFFICE)
def outbound_file(request, pk):
    row = querysets.outbound_get_for_user(user=request.user, pk=pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.file_name,
                        content_type="application/xml")


@role_required(Role.OFFICE)
def send(request, pk):
    document = get_visible_or_404(Document.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            result = services.outgoing_send(acting_user=request.user, document=document)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã tạo %(created)d gói gửi liên thông (%(already)d nơi đã gửi trước đó).")
                             % {"created": len(result.created), "already": len(result.already)})
            if result.paper:
                messages.warning(request, _("Gửi bằng giấy (chưa có mã định danh): %(names)s.")
                                 % {"names": "; ".join(result.paper)})
            return redirect("exchange:send", pk=document.pk)
    plan = services.recipient_plan(document)
    return render(request, "exchange/send.html", {
        "document": document, "plan": plan, "problems": services.send_problems(document, plan),
        "sent": document_outbound(document),
    })


def document_outbound(document):
    from .models import OutboundPackage

    return OutboundPackage.objects.filter(kind=OutboundPackage.Kind.DOCUMENT, document=document).order_by("to_name")


# --- the organisation directory (administrator) -------------------------------------------------------------


@role_required(Role.ADMIN)
def organisations(request):
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = directory.organisations_import(acting_user=request.user, upload=form.cleaned_data["file"])
        except directory.DirectoryImportError as error:
            errors = error.errors
            form.add_error("file", _("Tệp có %(count)d lỗi; chưa nhập dòng nào.") % {"count": len(errors)})
        else:
            messages.success(request, _("Đã nhập danh bạ: thêm %(created)d, sửa %(updated)d cơ quan.")
                             % {"created": result.created, "updated": result.updated})
            return redirect("exchange:organisations")
    rows = Organisation.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        from recordsportal.text import search_key

        rows = rows.filter(Q(name_key__contains=search_key(query)) | Q(code__icontains=query))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "exchange/organisations.html", {"form": form, "errors": errors, "page": page,
                                                           "query": query})


def _organisation_form(request, organisation):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(acting_user=request.user, organisation=form.instance)
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": form.instance.name})
            return redirect("exchange:organisations")
    return render(request, "exchange/organisation_form.html", {"form": form, "organisation": organisation})


@role_required(Role.ADMIN)
def organisation_create(request):
    return _organisation_form(request, Organisation())


@role_required(Role.ADMIN)
def organisation_update(request, pk):
    return _organisation_form(request, querysets.organisation_get_for_user(user=request.user, pk=pk))
