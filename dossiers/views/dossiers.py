"""Dossier pages: my dossiers (with the 40% target), the department/agency list, the trash, one
dossier with its items and actions. Thin: each action parses, calls one service, redirects."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.models import Document
from recordsportal.access import Scope, scope_of
from recordsportal.forms import add_error_to_form
from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.models import Agency, User
from recordsportal.pagination import quick_page
from recordsportal.reported import reported_year
from recordsportal.roles import Role
from recordsportal.services import DomainError

from .. import rules, services
from ..choices import Status
from ..filters import DossierFilter, department_choices_for
from ..forms import CloseForm, DossierEditForm, DossierOpenForm, FileItemForm, HandOverForm, PaperItemForm
from ..models import Dossier, DossierItem
from ..querysets import dossier_get_for_user, dossier_items_for
from .common import form_errors, run, without


def year_bounds(year: int):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# The H ratio of the reports (reports.models.Metric.ELECTRONIC_DOSSIERS), spelled here: dossiers
# asks reports only through the hook recordsportal/reported.py.
ELECTRONIC_DOSSIERS = "H"


def _progress(queryset, year, user, *, own=False):
    """The H ratio for a queryset of dossiers opened in `year`, and the agency's target; beside
    it the figure the reports print for the same scope (`reported`: the same snapshots as
    /reports/, with their "as of" time; `own`: the officer's own)."""
    figures = queryset.opened_between(*year_bounds(year)).electronic_ratio()
    figures["reported"] = reported_year(ELECTRONIC_DOSSIERS, user=user, own=own,
                                        month=timezone.localdate().replace(day=1))
    figures["target"] = Agency.load().target_electronic_dossiers
    figures["year"] = year
    figures["met"] = figures["ratio"] is not None and figures["ratio"] >= figures["target"]
    return figures


@login_required
def my_dossiers(request):
    """The officer's own dossiers, newest first, with their progress toward the target."""
    today = timezone.localdate()
    mine = Dossier.objects.kept_by(request.user)
    filtered = DossierFilter(request.GET, queryset=mine.select_related("department"), request=request)
    page = quick_page(filtered.qs.order_by("-opened_on", "-id"), request.GET.get("page"))
    return render(request, "dossiers/mine.html", {
        "filter": filtered,
        "filter_fields": [filtered.form[name] for name in ("year", "status", "form")],
        "page": page,
        "progress": _progress(mine, today.year, request.user, own=True),
        "due_soon": mine.due_soon(today).order_by("due_on")[:10],
        "today": today,
        "query_string": without(request.GET, "page"),
        "wide_scope": scope_of(request.user) in (Scope.AGENCY, Scope.DEPARTMENT),
    })


@login_required
def dossier_list(request):
    """Every dossier the user may see: a head's department (and units), the Office all."""
    today = timezone.localdate()
    visible = Dossier.objects.visible_to(request.user)
    filtered = DossierFilter(request.GET, queryset=visible.select_related("department", "officer"), request=request)
    filtered.form.fields["department"].queryset = department_choices_for(request.user)
    # People whose work the user sees (never derived from 500,000 dossiers).
    filtered.form.fields["officer"].queryset = User.objects.visible_to(request.user).filter(is_active=True)
    # A due/overdue list reads oldest due date first (and walks the due-date index); any other
    # list newest first.
    ordering = ("due_on", "id") if request.GET.get("due") else ("-opened_on", "-id")
    page = quick_page(filtered.qs.order_by(*ordering), request.GET.get("page"))
    return render(request, "dossiers/list.html", {
        "filter": filtered,
        "filter_fields": [filtered.form[name] for name in ("year", "status", "form", "department", "officer", "due")],
        "page": page,
        "progress": _progress(visible, today.year, request.user),
        # EXISTS, not COUNT: the link is what matters, the figure is on the filtered list.
        "has_overdue": request.GET.get("due") != "overdue" and visible.overdue(today).exists(),
        "today": today,
        "query_string": without(request.GET, "page"),
        "can_hand_over": not rules.hand_over_problems(request.user, request.user.department),
    })


@role_required(Role.OFFICE)
def trash(request):
    dossiers = Dossier.all_objects.filter(is_deleted=True).select_related("deleted_by", "department")
    return render(request, "dossiers/trash.html", {"page": quick_page(dossiers.order_by("-deleted_at", "-id"),
                                                                      request.GET.get("page"))})


@login_required
def dossier_open(request):
    form = DossierOpenForm(request.POST or None, user=request.user,
                           initial={"plan_entry": request.GET.get("entry")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = services.dossier_open(
                acting_user=request.user, plan_entry=data["plan_entry"], title=data["title"],
                retention_years=data["retention_years"], number_symbol=data["number_symbol"],
                opened_on=data["opened_on"], kept_in_portal=data["kept_in_portal"], notes=data["notes"])
        except (DomainError, ValidationError) as error:
            add_error_to_form(form, error)
        else:
            return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/open.html", {"form": form})


@login_required
def dossier_detail(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    return render(request, "dossiers/detail.html", _detail_context(request, dossier))


def _detail_context(request, dossier, **overrides) -> dict:
    user = request.user
    items = dossier_items_for(user, dossier)
    edit_problems = rules.edit_problems(user, dossier)
    close_blockers = rules.standing_close_problems(user, dossier, len(items)) if dossier.status == Status.OPEN else []
    return {
        "dossier": dossier,
        "items": items,
        "paper_reasons": rules.paper_reasons(dossier, items),
        "can_edit": not edit_problems,
        "edit_problems": edit_problems,
        "may_close": not rules.close_access_problems(user, dossier),
        "close_blockers": close_blockers,
        "may_reopen": not rules.reopen_problems(user, dossier),
        "may_delete": not rules.delete_problems(user, dossier),
        "close_form": CloseForm(initial={"version": dossier.version}),
        "edit_form": DossierEditForm.for_dossier(dossier),
        "file_form": FileItemForm(),
        "paper_form": PaperItemForm(),
        "due_state": dossier.due_state(),
        "batch_lines": dossier.batch_lines.select_related("batch").order_by("-batch__created_at")[:5],
        "retention_lines": dossier.retention_lines.select_related("retention_list")[:5],
        "history": dossier.history.select_related("history_user")[:20],
        "today": timezone.localdate(),
    } | overrides


@login_required
def document_search(request, pk):
    """Search the registers the user may see (server-side, never a full pick-list)."""
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()
    documents = []
    if query:
        documents = (Document.objects.visible_to(request.user).search(query)
                     .exclude(pk__in=dossier.items.filter(document__isnull=False).values("document_id"))
                     .select_related("department")[:20])
    return render(request, "dossiers/_document_results.html", {"dossier": dossier, "documents": documents,
                                                                "query": query})


@require_POST
@login_required
def dossier_edit(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    form = DossierEditForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("dossiers:detail", pk=pk)
    try:
        services.dossier_update(acting_user=request.user, dossier=dossier, **form.service_arguments())
    except services.EditConflict as conflict:
        return _edit_conflict(request, dossier, form, conflict)
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    else:
        messages.success(request, _("Đã lưu thông tin hồ sơ."))
    return redirect("dossiers:detail", pk=pk)


def _edit_conflict(request, dossier, form, conflict):
    """The page again with the other person's changes shown and this user's input still in the
    form, now carrying the current version: saving again is a deliberate overwrite."""
    dossier.refresh_from_db()
    data = request.POST.copy()
    data["version"] = dossier.version
    messages.error(request, conflict.message)
    return render(request, "dossiers/detail.html",
                  _detail_context(request, dossier, edit_form=DossierEditForm(data), edit_conflict=True), status=409)


@require_POST
@login_required
def add_document(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    document = get_visible_or_404(Document.objects.visible_to(request.user), pk=request.POST.get("document"))
    run(request, lambda: services.dossier_add_document(acting_user=request.user, dossier=dossier, document=document),
        _("Đã thêm văn bản %(symbol)s vào hồ sơ.") % {"symbol": document.number_symbol or document.display_number})
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def add_file(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    form = FileItemForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.dossier_add_file(acting_user=request.user, dossier=dossier,
                                                       upload=form.cleaned_data["file"], title=form.cleaned_data["title"]),
            _("Đã tải tệp lên hồ sơ."))
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def add_paper(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    form = PaperItemForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.dossier_add_paper_item(acting_user=request.user, dossier=dossier,
                                                             title=form.cleaned_data["title"]),
            _("Đã ghi tài liệu giấy vào hồ sơ."))
    return redirect("dossiers:detail", pk=pk)


def _item(request, pk, item_pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    return get_visible_or_404(DossierItem.objects.filter(dossier=dossier).select_related("dossier"), pk=item_pk)


@require_POST
@login_required
def move_item(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    run(request, lambda: services.dossier_move_item(acting_user=request.user, item=item, offset=offset),
        _("Đã sắp xếp lại."))
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def remove_item(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    run(request, lambda: services.dossier_remove_item(acting_user=request.user, item=item),
        _("Đã bỏ tài liệu khỏi hồ sơ."))
    return redirect("dossiers:detail", pk=pk)


@login_required
def download_item(request, pk, item_pk):
    item = _item(request, pk, item_pk)
    if not item.file:
        return redirect("dossiers:detail", pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)


@require_POST
@login_required
def close(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.dossier_close(acting_user=request.user, dossier=dossier, **form.service_arguments()),
            _("Đã kết thúc hồ sơ."), form=form)
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def reopen(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    run(request, lambda: services.dossier_reopen(acting_user=request.user, dossier=dossier), _("Đã mở lại hồ sơ."))
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def delete(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk)
    if run(request, lambda: services.dossier_delete(acting_user=request.user, dossier=dossier),
           _("Đã chuyển hồ sơ vào thùng rác.")):
        return redirect("dossiers:mine")
    return redirect("dossiers:detail", pk=pk)


@require_POST
@role_required(Role.OFFICE)
def restore(request, pk):
    dossier = dossier_get_for_user(user=request.user, pk=pk, include_deleted=True)
    run(request, lambda: services.dossier_restore(acting_user=request.user, dossier=dossier), _("Đã khôi phục hồ sơ."))
    return redirect("dossiers:trash")


@login_required
def hand_over(request):
    """A head moves all dossiers of an officer who leaves to a colleague (same department)."""
    department = request.user.department
    if rules.hand_over_problems(request.user, department):
        return redirect("dossiers:list")
    form = HandOverForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        if run(request, lambda: services.dossiers_hand_over(acting_user=request.user, **form.cleaned_data),
               _("Đã bàn giao hồ sơ.")):
            return redirect("dossiers:list")
    return render(request, "dossiers/hand_over.html", {"form": form})
