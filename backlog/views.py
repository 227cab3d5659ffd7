"""Pages of the backlog inventories: thin — parse, call one query or one service, render.

Who reaches what: heads, the Office, leadership and the administrator reach the section (an
officer gets 403); every campaign and inventory comes through the access functions in
querysets.py (404 when out of scope); changing an inventory needs the head's write scope;
reviewing needs the Office.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.pdf import pdf_response
from recordsportal.queueing import enqueue, enqueue_for_user
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.xlsx import XLSX_CONTENT_TYPE

from . import exports, services, tasks
from .excel import build_template, template_name
from .forms import CampaignEditForm, CampaignForm, LineFormSet, ReturnForm, SaveLinesForm, SubmitForm, UploadForm
from .models import Campaign, Inventory, InventoryImport
from .querysets import (
    campaign_get_for_user,
    campaign_status_counts,
    consolidate,
    inventories_late_or_missing,
    inventory_get_for_user,
)
from . import rules
from .rules import LINE_FIELDS

SECTION_ROLES = (Role.DEPARTMENT_HEAD, Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
PLAN_ROLES = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
OFFICE_ROLES = (Role.OFFICE, Role.ADMIN)


def _domain_error(request, error: DomainError):
    messages.error(request, error.message)
    for line in getattr(error, "errors", []):
        messages.error(request, line)


# --- campaigns -------------------------------------------------------------------------------------


@role_required(*SECTION_ROLES)
def campaign_list(request):
    campaigns = list(Campaign.objects.visible_to(request.user).prefetch_related("departments"))
    inventories = Inventory.objects.visible_to(request.user).filter(campaign__in=campaigns).select_related("department")
    by_campaign: dict[int, list] = {}
    for inventory in inventories:
        by_campaign.setdefault(inventory.campaign_id, []).append(inventory)
    rows = [
        {"campaign": c, "counts": campaign_status_counts(c, by_campaign.get(c.pk, [])), "inventories": by_campaign.get(c.pk, [])}
        for c in campaigns
    ]
    editable_ids = set(Inventory.objects.editable_by(request.user).filter(campaign__in=campaigns).values_list("pk", flat=True))
    return render(
        request,
        "backlog/campaign_list.html",
        {"rows": rows, "may_open": not rules.campaign_open_problems(request.user), "editable_ids": editable_ids},
    )


@role_required(*OFFICE_ROLES)
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_open(acting_user=request.user, **data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã mở đợt kiểm kê “%(title)s”.") % {"title": campaign.title})
            return redirect("backlog:campaign", pk=campaign.pk)
    return render(request, "backlog/campaign_form.html", {"form": form})


@role_required(*OFFICE_ROLES)
def campaign_edit(request, pk):
    """The Office corrects an open campaign (title, deadline, norm); the history keeps each change."""
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    form = CampaignEditForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã lưu thay đổi của đợt kiểm kê."))
            return redirect("backlog:campaign", pk=campaign.pk)
    return render(request, "backlog/campaign_form.html", {"form": form, "campaign": campaign})


@role_required(*SECTION_ROLES)
def campaign_detail(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    inventories = list(
        Inventory.objects.visible_to(request.user).filter(campaign=campaign).select_related("department", "submitted_by").with_totals()
    )
    editable_ids = set(Inventory.objects.editable_by(request.user).filter(campaign=campaign).values_list("pk", flat=True))
    return render(
        request,
        "backlog/campaign_detail.html",
        {
            "campaign": campaign,
            "inventories": inventories,
            "counts": campaign_status_counts(campaign, inventories),
            "misses": inventories_late_or_missing(campaign).visible_to(request.user),
            "may_update": not rules.campaign_update_problems(request.user, campaign),
            "may_remind": not rules.campaign_remind_problems(request.user, campaign),
            "may_close": not rules.campaign_close_problems(request.user, campaign),
            "can_plan": request.user.has_role(*PLAN_ROLES),
            "editable_ids": editable_ids,
        },
    )


@require_POST
@role_required(*OFFICE_ROLES)
def campaign_close(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    try:
        services.campaign_close(acting_user=request.user, campaign=campaign)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(request, _("Đã đóng đợt kiểm kê; các phòng, đơn vị nộp muộn hoặc không nộp đã được ghi nhận."))
    return redirect("backlog:campaign", pk=campaign.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def campaign_remind(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    problems = rules.campaign_remind_problems(request.user, campaign)
    if problems:
        messages.error(request, " ".join(problems))
    else:
        # Nothing is written before queueing: the task records each reminder it sends. When the
        # queue is down the clerk is told that none went out and to press again later.
        enqueue_for_user(
            request, tasks.send_reminders, campaign.pk, request.user.pk,
            queued=_("Đã gửi yêu cầu nhắc việc tới trưởng các phòng, đơn vị chưa nộp."),
            not_queued=_("chưa nhắc việc được phòng, đơn vị nào. Vui lòng bấm gửi lại sau ít phút; nếu vẫn không được, hãy báo bộ phận quản trị."),
        )
    return redirect("backlog:campaign", pk=campaign.pk)


@role_required(*PLAN_ROLES)
def consolidation(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    return render(
        request, "backlog/consolidation.html", {"campaign": campaign, "plan": consolidate(campaign, user=request.user)}
    )


@role_required(*PLAN_ROLES)
def consolidation_xlsx(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    return exports.plan_xlsx_response(campaign, consolidate(campaign, user=request.user), user=request.user)


@role_required(*PLAN_ROLES)
def consolidation_pdf(request, pk):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    plan = consolidate(campaign, user=request.user)
    return pdf_response(
        "backlog/plan_pdf.html",
        {"campaign": campaign, "plan": plan},
        f"ke-hoach-chinh-ly-dot{campaign.pk}.pdf",
        inline=request.GET.get("inline") == "1",
    )


# --- inventories -----------------------------------------------------------------------------------


def _line_initial(inventory):
    return [{name: getattr(line, name) for name in LINE_FIELDS} for line in inventory.lines.all()]


def _inventory_page(request, inventory, *, formset=None, upload_form=None, upload_errors=None, return_form=None, status=200):
    can_edit = Inventory.objects.editable_by(request.user).filter(pk=inventory.pk).exists()
    editable = can_edit and not rules.inventory_edit_problems(inventory)
    if editable and formset is None:
        formset = LineFormSet(initial=_line_initial(inventory), prefix="lines", form_kwargs={"campaign": inventory.campaign})
    lines = list(inventory.lines.all())
    return render(
        request,
        "backlog/inventory_detail.html",
        {
            "inventory": inventory,
            "campaign": inventory.campaign,
            "lines": lines,
            "totals": Inventory.objects.filter(pk=inventory.pk).with_totals().get(),
            "editable": editable,
            "can_edit": can_edit,
            "formset": formset if editable else None,
            "upload_form": upload_form or UploadForm(),
            "upload_errors": upload_errors or [],
            # An upload still being read by the task: the page links to its progress.
            "running_import": inventory.imports.exclude(state__in=InventoryImport.FINISHED).first() if can_edit else None,
            # While the lines table is editable, "no line yet" is not announced: the lines on the
            # screen are saved with the submit itself.
            "submit_problems": rules.inventory_submit_problems(inventory) if can_edit and not editable else [],
            "submit_form": SubmitForm(),
            "can_review": not rules.inventory_review_problems(request.user, inventory),
            "return_form": return_form or ReturnForm(),
        },
        status=status,
    )


def _posted_lines(request, inventory):
    """The lines table as posted: (formset, version form, the lines kept) — lines is None when
    any cell is wrong (the formset then carries the errors to show at their cells)."""
    formset = LineFormSet(request.POST, prefix="lines", form_kwargs={"campaign": inventory.campaign})
    version_form = SaveLinesForm(request.POST)
    if not (formset.is_valid() and version_form.is_valid()):
        return formset, version_form, None
    lines = [
        {name: form.cleaned_data[name] for name in LINE_FIELDS}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    return formset, version_form, lines


@role_required(*SECTION_ROLES)
def inventory_detail(request, pk):
    if request.method != "POST":
        return _inventory_page(request, inventory_get_for_user(user=request.user, pk=pk))
    inventory = inventory_get_for_user(user=request.user, pk=pk, write=True)
    formset, version_form, lines = _posted_lines(request, inventory)
    if lines is None:
        messages.error(request, _("Có lỗi trong bảng số liệu; chưa lưu gì. Xem các ô được đánh dấu."))
        return _inventory_page(request, inventory, formset=formset, status=400)
    try:
        services.inventory_save_lines(
            acting_user=request.user, inventory=inventory, lines=lines, expected_version=version_form.cleaned_data["version"]
        )
    except DomainError as error:
        _domain_error(request, error)
        return _inventory_page(request, inventory, formset=formset, status=400)
    messages.success(request, _("Đã lưu bản nháp (%(n)s dòng).") % {"n": len(lines)})
    return redirect("backlog:inventory", pk=inventory.pk)


@role_required(*SECTION_ROLES)
def inventory_template(request, pk):
    inventory = inventory_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(build_template(inventory), content_type=XLSX_CONTENT_TYPE)
    # The department's abbreviation may hold Đ: RFC 6266 encoding, not a raw header.
    response["Content-Disposition"] = content_disposition_header(True, template_name(inventory))
    return response


@require_POST
@role_required(*SECTION_ROLES)
def inventory_upload(request, pk):
    """Check the upload as a file and store it, then hand its rows to the Celery task and show
    its progress page. In the embedded default the task has already run here: the answer is
    then the one the import always gave (the draft with its new lines, or the errors, 400)."""
    inventory = inventory_get_for_user(user=request.user, pk=pk, write=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _inventory_page(request, inventory, upload_form=form, status=400)
    try:
        record = services.inventory_import_start(acting_user=request.user, inventory=inventory,
                                                 upload=form.cleaned_data["file"])
    except services.LinesRejected as error:
        return _inventory_page(request, inventory, upload_form=form, upload_errors=[error.message, *error.errors], status=400)
    except DomainError as error:
        return _inventory_page(request, inventory, upload_form=form, upload_errors=[error.message], status=400)
    _queue_import(request, record)  # not queued: the message says so; the page offers "Chạy lại"
    record.refresh_from_db()
    if record.state == InventoryImport.State.DONE:
        inventory.refresh_from_db()
        messages.success(request, _done_message(record))
        return redirect("backlog:inventory", pk=inventory.pk)
    if record.state == InventoryImport.State.REFUSED:
        inventory.refresh_from_db()
        return _inventory_page(request, inventory, upload_form=form, status=400, upload_errors=[
            _("Tệp có %(count)s lỗi; chưa lưu gì. Sửa tệp rồi tải lên lại.") % {"count": record.error_count},
            *record.errors])
    return redirect("backlog:inventory_import", pk=inventory.pk, import_pk=record.pk)


def _done_message(record) -> str:
    return _("Đã nhập %(n)s dòng từ tệp Excel vào bản nháp. Kiểm tra lại rồi nộp.") % {"n": record.result_count}


def _queue_import(request, record) -> bool:
    if enqueue(tasks.import_inventory, record.pk):
        return True
    messages.error(request, _("Hàng đợi xử lý nền đang không hoạt động: %(consequence)s") % {"consequence": _(
        "tệp đã được lưu nhưng chưa nhập. Bấm “Chạy lại” sau ít phút.")})
    return False


@role_required(*SECTION_ROLES)
def inventory_import_status(request, pk, import_pk):
    """An import's progress: the whole page, or (htmx, polled every second until the import
    ends) the progress card alone."""
    inventory = inventory_get_for_user(user=request.user, pk=pk)
    record = get_visible_or_404(inventory.imports.select_related("created_by"), pk=import_pk)
    can_edit = Inventory.objects.editable_by(request.user).filter(pk=inventory.pk).exists()
    context = {"inventory": inventory, "campaign": inventory.campaign, "record": record, "can_edit": can_edit}
    if request.headers.get("HX-Request"):
        return render(request, "backlog/_inventory_import_progress.html", context)
    return render(request, "backlog/inventory_import.html", context)


@require_POST
@role_required(*SECTION_ROLES)
def inventory_import_retry(request, pk, import_pk):
    inventory = inventory_get_for_user(user=request.user, pk=pk, write=True)
    record = get_visible_or_404(inventory.imports.all(), pk=import_pk)
    try:
        services.inventory_import_requeue(acting_user=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _queue_import(request, record)
    return redirect("backlog:inventory_import", pk=inventory.pk, import_pk=record.pk)


@require_POST
@role_required(*SECTION_ROLES)
def inventory_submit(request, pk):
    inventory = inventory_get_for_user(user=request.user, pk=pk, write=True)
    form = SubmitForm(request.POST)
    form.is_valid()
    declare_none = form.cleaned_data.get("declare_none", False)
    try:
        if "lines-TOTAL_FORMS" in request.POST:
            # Submitted from the lines table: what is on the screen is saved, checked, then
            # submitted, all or nothing; a wrong cell keeps every typed value on the page.
            formset, version_form, lines = _posted_lines(request, inventory)
            if lines is None:
                messages.error(request, _("Có lỗi trong bảng số liệu; chưa lưu và chưa nộp. Xem các ô được đánh dấu."))
                return _inventory_page(request, inventory, formset=formset, status=400)
            try:
                inventory = services.inventory_save_and_submit(
                    acting_user=request.user, inventory=inventory, lines=lines,
                    expected_version=version_form.cleaned_data["version"], declare_none=declare_none,
                )
            except DomainError as error:
                _domain_error(request, error)
                inventory.refresh_from_db()
                return _inventory_page(request, inventory, formset=formset, status=400)
        else:
            inventory = services.inventory_submit(acting_user=request.user, inventory=inventory, declare_none=declare_none)
    except DomainError as error:
        _domain_error(request, error)
    else:
        if inventory.late:
            messages.warning(request, _("Đã nộp bản kiểm kê cho Văn phòng (sau hạn: ghi nhận nộp muộn)."))
        else:
            messages.success(request, _("Đã nộp bản kiểm kê cho Văn phòng."))
    return redirect("backlog:inventory", pk=inventory.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def inventory_return(request, pk):
    inventory = inventory_get_for_user(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _inventory_page(request, inventory, return_form=form, status=400)
    try:
        services.inventory_return(acting_user=request.user, inventory=inventory, reason=form.cleaned_data["reason"])
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(request, _("Đã trả lại bản kiểm kê cho %(d)s.") % {"d": inventory.department.name})
    return redirect("backlog:inventory", pk=inventory.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def inventory_accept(request, pk):
    inventory = inventory_get_for_user(user=request.user, pk=pk)
    try:
        services.inventory_accept(acting_user=request.user, inventory=inventory)
    except DomainError as error:
        _domain_error(request, error)
    else:
        messages.success(request, _("Đã chấp nhận bản kiểm kê của %(d)s.") % {"d": inventory.department.name})
    return redirect("backlog:inventory", pk=inventory.pk)
