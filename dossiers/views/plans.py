"""File plan pages: the plans one may see, one plan with its headings and dossiers, adding
headings and entries, Excel export/import, copying last year's plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.forms import add_error_to_form
from recordsportal.guards import get_visible_or_404
from recordsportal.queueing import enqueue
from recordsportal.params import parse_year
from recordsportal.services import DomainError

from .. import rules, services
from ..choices import PERMANENT
from ..excel import FilePlanImportError, file_plan_xlsx
from ..forms import CopyPlanForm, EntryEditForm, EntryForm, FilePlanForm, HeadingEditForm, HeadingForm, ImportForm
from ..models import FilePlan, FilePlanEntry, FilePlanHeading
from ..querysets import file_plan_get_for_user
from ..tasks import import_file_plan_task
from .common import form_errors, run


@login_required
def plan_list(request):
    plans = (FilePlan.objects.visible_to(request.user).select_related("department")
             .order_by("-year", "department__order", "department__name")
             .annotate(entry_count=Count("entries", distinct=True)))
    year = parse_year(request.GET["year"]) if (request.GET.get("year") or "").strip() else None
    if year:
        plans = plans.filter(year=year)
    form = FilePlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.file_plan_create(acting_user=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            return redirect("dossiers:plan_detail", pk=plan.pk)
    can_create = bool(form.fields["department"].queryset.exists())
    return render(request, "dossiers/plan_list.html", {"plans": plans[:200], "form": form, "can_create": can_create,
                                                        "year": year})


@login_required
def plan_detail(request, pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    headings = list(plan.headings.order_by("position", "id"))
    entries = list(plan.entries.select_related("responsible").annotate(
        opened=Count("dossiers", filter=Q(dossiers__is_deleted=False))).order_by("number", "id"))
    by_heading = {}
    for entry in entries:
        by_heading.setdefault(entry.heading_id, []).append(entry)
    layout = []
    for major in (h for h in headings if h.parent_id is None):
        layout.append(("major", major, by_heading.get(major.pk, [])))
        for minor in (h for h in headings if h.parent_id == major.pk):
            layout.append(("minor", minor, by_heading.get(minor.pk, [])))
    permanent = sum(1 for e in entries if e.retention_years == PERMANENT)
    can_edit = not rules.plan_edit_problems(request.user, plan)
    return render(request, "dossiers/plan_detail.html", {
        "plan": plan, "layout": layout, "total": len(entries), "permanent": permanent,
        "fixed_term": len(entries) - permanent, "can_edit": can_edit,
        "heading_form": HeadingForm(plan=plan), "entry_form": EntryForm(plan=plan), "import_form": ImportForm(),
        "copy_form": CopyPlanForm(initial={"year": plan.year + 1}),
        "import_errors": request.session.pop(f"plan-import-{plan.pk}", None),
        "last_import": plan.imports.first(),
        "this_year": timezone.localdate().year,
        "user_department": request.user.department_id,
    })


@require_POST
@login_required
def heading_add(request, pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    form = HeadingForm(request.POST, plan=plan)
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.file_plan_heading_add(acting_user=request.user, plan=plan, **form.cleaned_data),
            _("Đã thêm đề mục."), form=form)
    return redirect("dossiers:plan_detail", pk=pk)


@require_POST
@login_required
def entry_add(request, pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    form = EntryForm(request.POST, plan=plan)
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.file_plan_entry_add(acting_user=request.user, plan=plan, **form.cleaned_data),
            _("Đã thêm hồ sơ vào danh mục."), form=form)
    return redirect("dossiers:plan_detail", pk=pk)


def _plan_part(request, pk, model, part_pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    return plan, get_object_or_404(model.objects.select_related("plan"), pk=part_pk, plan=plan)


@login_required
def entry_edit(request, pk, entry_pk):
    """Correct an entry of the plan (title, retention, person responsible, notes), with history;
    delete it while no dossier has been opened from it."""
    plan, entry = _plan_part(request, pk, FilePlanEntry, entry_pk)
    initial = {"title": entry.title, "retention_years": entry.retention_years, "responsible": entry.responsible,
               "notes": entry.notes}
    form = EntryEditForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run(request, lambda: services.file_plan_entry_update(acting_user=request.user, entry=entry,
                                                                **form.cleaned_data),
               _("Đã sửa mục %(symbol)s.") % {"symbol": entry.number_symbol}, form=form):
            return redirect("dossiers:plan_detail", pk=pk)
    return render(request, "dossiers/plan_part_form.html", {
        "plan": plan, "form": form, "part": entry, "title": _("Sửa mục %(symbol)s") % {"symbol": entry.number_symbol},
        "can_edit": not rules.plan_edit_problems(request.user, plan),
        "delete_url": reverse("dossiers:entry_delete", args=[pk, entry.pk]),
        "delete_problems": services.file_plan_entry_delete_problems(entry),
        "history": entry.history.select_related("history_user")[:10],
    })


@require_POST
@login_required
def entry_delete(request, pk, entry_pk):
    plan, entry = _plan_part(request, pk, FilePlanEntry, entry_pk)
    if run(request, lambda: services.file_plan_entry_delete(acting_user=request.user, entry=entry),
           _("Đã xóa mục %(symbol)s khỏi danh mục.") % {"symbol": entry.number_symbol}):
        return redirect("dossiers:plan_detail", pk=pk)
    return redirect("dossiers:entry_edit", pk=pk, entry_pk=entry_pk)


@login_required
def heading_edit(request, pk, heading_pk):
    plan, heading = _plan_part(request, pk, FilePlanHeading, heading_pk)
    form = HeadingEditForm(request.POST or None, initial={"title": heading.title})
    if request.method == "POST" and form.is_valid():
        if run(request, lambda: services.file_plan_heading_update(acting_user=request.user, heading=heading,
                                                                  **form.cleaned_data),
               _("Đã sửa đề mục."), form=form):
            return redirect("dossiers:plan_detail", pk=pk)
    return render(request, "dossiers/plan_part_form.html", {
        "plan": plan, "form": form, "part": heading, "title": _("Sửa đề mục %(label)s") % {"label": heading.label},
        "can_edit": not rules.plan_edit_problems(request.user, plan),
        "delete_url": reverse("dossiers:heading_delete", args=[pk, heading.pk]),
        "delete_problems": services.file_plan_heading_delete_problems(heading),
        "history": heading.history.select_related("history_user")[:10],
    })


@require_POST
@login_required
def heading_delete(request, pk, heading_pk):
    plan, heading = _plan_part(request, pk, FilePlanHeading, heading_pk)
    if run(request, lambda: services.file_plan_heading_delete(acting_user=request.user, heading=heading),
           _("Đã xóa đề mục.")):
        return redirect("dossiers:plan_detail", pk=pk)
    return redirect("dossiers:heading_edit", pk=pk, heading_pk=heading_pk)


@login_required
def plan_export(request, pk):
    return file_plan_xlsx(file_plan_get_for_user(user=request.user, pk=pk))


@require_POST
@login_required
def plan_import(request, pk):
    """Check the upload as a file and store it, then hand the rows to the Celery task and show
    its progress page (in the embedded default the task has already run when the page opens)."""
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dossiers:plan_detail", pk=pk)
    try:
        record = services.file_plan_import_start(acting_user=request.user, plan=plan, upload=form.cleaned_data["file"])
    except FilePlanImportError as error:
        # The list of problems is shown on the plan page, one per line.
        request.session[f"plan-import-{plan.pk}"] = error.errors[:200]
        messages.error(request, _("Không nhập được tệp: %(n)s lỗi, xem danh sách bên dưới.") % {"n": len(error.errors)})
        return redirect("dossiers:plan_detail", pk=pk)
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        return redirect("dossiers:plan_detail", pk=pk)
    _queue_import(request, record)
    return redirect("dossiers:plan_import_status", pk=pk, import_pk=record.pk)


def _queue_import(request, record) -> None:
    if not enqueue(import_file_plan_task, record.pk):
        messages.error(request, _("Hàng đợi xử lý nền đang không hoạt động: %(consequence)s") % {"consequence": _(
            "tệp đã được lưu nhưng chưa nhập. Bấm “Chạy lại” sau ít phút.")})


@login_required
def plan_import_status(request, pk, import_pk):
    """An import's progress: the whole page, or (htmx, polled every second until the import
    ends) the progress card alone."""
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    record = get_visible_or_404(plan.imports.select_related("created_by"), pk=import_pk)
    context = {"plan": plan, "record": record, "can_edit": not rules.plan_edit_problems(request.user, plan)}
    if request.headers.get("HX-Request"):
        return render(request, "dossiers/_plan_import_progress.html", context)
    return render(request, "dossiers/plan_import.html", context)


@require_POST
@login_required
def plan_import_retry(request, pk, import_pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    record = get_visible_or_404(plan.imports.all(), pk=import_pk)
    try:
        services.file_plan_import_requeue(acting_user=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _queue_import(request, record)
    return redirect("dossiers:plan_import_status", pk=pk, import_pk=record.pk)


@require_POST
@login_required
def plan_copy(request, pk):
    plan = file_plan_get_for_user(user=request.user, pk=pk)
    form = CopyPlanForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dossiers:plan_detail", pk=pk)
    result = {}

    def act():
        result["plan"] = services.file_plan_copy(acting_user=request.user, source=plan, year=form.cleaned_data["year"])

    if run(request, act, _("Đã sao chép danh mục sang năm %(year)s.") % {"year": form.cleaned_data["year"]}):
        return redirect("dossiers:plan_detail", pk=result["plan"].pk)
    return redirect("dossiers:plan_detail", pk=pk)
