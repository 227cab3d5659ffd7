"""Archive submission (nộp lưu) and retention lists (giữ lại): the head builds and submits,
the archive (Office) receives, leadership approves. Thin views over one service each."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.guards import get_visible_or_404
from recordsportal.models import Department
from recordsportal.params import posted_ids
from recordsportal.services import DomainError

from .. import exports, rules, services
from ..choices import BatchStatus, Decision, LineOutcome
from ..filters import department_choices_for
from ..forms import RetentionLineForm
from ..models import ArchiveBatch, ArchiveBatchLine, Dossier, RetentionLine, RetentionList
from ..querysets import archive_batch_get_for_user, retention_list_get_for_user
from .common import form_errors, run


def _managed_departments(user):
    return [d for d in department_choices_for(user) if not rules.batch_create_problems(user, d)]


# --- submission batches --------------------------------------------------------------------------


@login_required
def batch_list(request):
    batches = (ArchiveBatch.objects.visible_to(request.user).select_related("department", "created_by")
               .annotate(line_count=Count("lines")))
    status = request.GET.get("status")
    if status in BatchStatus.values:
        batches = batches.filter(status=status)
    today = timezone.localdate()
    due = Dossier.objects.visible_to(request.user).due_by(datetime.date(today.year, 12, 31)).submittable()
    return render(request, "dossiers/batch_list.html", {
        "batches": batches[:200], "departments": _managed_departments(request.user), "status": status,
        "statuses": BatchStatus.choices, "due_count": due.count(), "overdue_count": due.filter(due_on__lt=today).count(),
        "can_receive": not rules.batch_receive_problems(request.user),
    })


@require_POST
@login_required
def batch_create(request):
    department = get_visible_or_404(Department.objects.active(), pk=request.POST.get("department"))
    result = {}

    def act():
        result["batch"] = services.archive_batch_create(acting_user=request.user, department=department,
                                                        notes=request.POST.get("notes", ""))

    if run(request, act, _("Đã lập lần nộp lưu mới; chọn hồ sơ để nộp.")):
        return redirect("dossiers:batch_detail", pk=result["batch"].pk)
    return redirect("dossiers:batches")


@login_required
def batch_detail(request, pk):
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    lines = list(batch.lines.select_related("dossier__officer", "dossier__department"))
    candidates = []
    may_manage = not rules.batch_create_problems(request.user, batch.department)
    if batch.status == BatchStatus.DRAFT and may_manage:
        today = timezone.localdate()
        pending = ArchiveBatchLine.objects.filter(outcome=LineOutcome.PENDING).values("dossier_id")
        candidates = (Dossier.objects.visible_to(request.user).submittable()
                      .in_department(batch.department).exclude(pk__in=pending)
                      .select_related("officer").order_by("due_on", "id")[:300])
        candidates = [(d, d.due_state(today)) for d in candidates]
    problems = rules.batch_submit_problems(request.user, batch, [line.dossier for line in lines]) \
        if batch.status == BatchStatus.DRAFT else []
    return render(request, "dossiers/batch_detail.html", {
        "batch": batch, "lines": lines, "candidates": candidates, "may_manage": may_manage,
        "submit_problems": problems,
        "may_receive": not rules.batch_receive_problems(request.user, batch),
        "summary": exports.batch_summary(batch, lines),
        "history": batch.history.select_related("history_user")[:10],
    })


@require_POST
@login_required
def batch_add(request, pk):
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    ids = posted_ids(request.POST.getlist("dossiers"))
    dossiers = list(Dossier.objects.visible_to(request.user).filter(pk__in=ids).select_related("department"))
    if not dossiers:
        messages.error(request, _("Chưa chọn hồ sơ nào để nộp lưu."))
    else:
        run(request, lambda: services.archive_batch_add(acting_user=request.user, batch=batch, dossiers=dossiers),
            _("Đã thêm %(n)s hồ sơ vào lần nộp lưu.") % {"n": len(dossiers)})
    return redirect("dossiers:batch_detail", pk=pk)


@require_POST
@login_required
def batch_remove(request, pk):
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    dossier = get_visible_or_404(Dossier.all_objects.filter(batch_lines__batch=batch), pk=request.POST.get("dossier"))
    run(request, lambda: services.archive_batch_remove(acting_user=request.user, batch=batch, dossier=dossier),
        _("Đã bỏ hồ sơ khỏi lần nộp lưu."))
    return redirect("dossiers:batch_detail", pk=pk)


@require_POST
@login_required
def batch_submit(request, pk):
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    run(request, lambda: services.archive_batch_submit(acting_user=request.user, batch=batch),
        _("Đã gửi hồ sơ nộp lưu cho lưu trữ cơ quan."))
    return redirect("dossiers:batch_detail", pk=pk)


@require_POST
@login_required
def batch_receive(request, pk):
    """The archive's decision: each dossier ticked "return" needs a reason; the rest are
    accepted. "Return all" sends the whole batch back with one reason."""
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    if request.POST.get("return_all"):
        run(request, lambda: services.archive_batch_return(acting_user=request.user, batch=batch,
                                                           reason=request.POST.get("note", "")),
            _("Đã trả lại toàn bộ hồ sơ cho đơn vị."))
        return redirect("dossiers:batch_detail", pk=pk)
    returns = {}
    for dossier_id in posted_ids(request.POST.getlist("return")):
        returns[dossier_id] = request.POST.get(f"reason_{dossier_id}", "")
    run(request, lambda: services.archive_batch_receive(acting_user=request.user, batch=batch, returns=returns,
                                                        note=request.POST.get("note", "")),
        _("Đã tiếp nhận hồ sơ nộp lưu.") if not returns else
        _("Đã tiếp nhận; %(n)s hồ sơ trả lại đơn vị.") % {"n": len(returns)})
    return redirect("dossiers:batch_detail", pk=pk)


@login_required
def batch_document(request, pk, document, fmt):
    batch = archive_batch_get_for_user(user=request.user, pk=pk)
    makers = {
        ("inventory", "pdf"): exports.inventory_pdf, ("inventory", "xlsx"): exports.inventory_xlsx,
        ("handover", "pdf"): exports.handover_pdf, ("handover", "xlsx"): exports.handover_xlsx,
    }
    maker = makers.get((document, fmt))
    if maker is None:
        raise Http404
    return maker(batch)


# --- retention lists -----------------------------------------------------------------------------


@login_required
def retention_list_index(request):
    lists = (RetentionList.objects.visible_to(request.user).select_related("department", "created_by")
             .annotate(line_count=Count("lines"),
                       pending=Count("lines", filter=Q(lines__decision=Decision.PENDING))))
    departments = [d for d in department_choices_for(request.user) if not rules.retention_create_problems(request.user, d)]
    return render(request, "dossiers/retention_list.html", {
        "lists": lists[:200], "departments": departments,
        "can_decide": not rules.retention_decide_problems(request.user),
    })


@require_POST
@login_required
def retention_create(request):
    department = get_visible_or_404(Department.objects.active(), pk=request.POST.get("department"))
    result = {}

    def act():
        result["list"] = services.retention_list_create(acting_user=request.user, department=department)

    if run(request, act, _("Đã lập danh mục hồ sơ giữ lại.")):
        return redirect("dossiers:retention_detail", pk=result["list"].pk)
    return redirect("dossiers:retention")


def _due_dossiers(user, retention_list):
    today = timezone.localdate()
    return (Dossier.objects.visible_to(user).in_department(retention_list.department)
            .due_by(datetime.date(today.year, 12, 31)).exclude(retention_lines__retention_list=retention_list).order_by("due_on", "id"))


@login_required
def retention_detail(request, pk):
    retention_list = retention_list_get_for_user(user=request.user, pk=pk)
    editable = not rules.retention_edit_problems(request.user, retention_list)
    return render(request, "dossiers/retention_detail.html", {
        "retention_list": retention_list,
        "lines": retention_list.lines.select_related("dossier"),
        "editable": editable,
        "line_form": RetentionLineForm(dossiers=_due_dossiers(request.user, retention_list)) if editable else None,
        "may_decide": not rules.retention_decide_problems(request.user, retention_list),
        "history": retention_list.history.select_related("history_user")[:10],
    })


@login_required
def retention_pdf(request, pk):
    """The list to print and sign (the department head, then the agency head or a delegated deputy)."""
    return exports.retention_pdf(retention_list_get_for_user(user=request.user, pk=pk))


@require_POST
@login_required
def retention_line_add(request, pk):
    retention_list = retention_list_get_for_user(user=request.user, pk=pk)
    form = RetentionLineForm(request.POST, dossiers=_due_dossiers(request.user, retention_list))
    if not form.is_valid():
        form_errors(request, form)
    else:
        run(request, lambda: services.retention_line_add(acting_user=request.user, retention_list=retention_list,
                                                         **form.cleaned_data),
            _("Đã thêm hồ sơ vào danh mục giữ lại."))
    return redirect("dossiers:retention_detail", pk=pk)


def _line(request, pk, line_pk):
    retention_list = retention_list_get_for_user(user=request.user, pk=pk)
    return get_visible_or_404(RetentionLine.objects.filter(retention_list=retention_list)
                              .select_related("retention_list__department"), pk=line_pk)


@require_POST
@login_required
def retention_line_remove(request, pk, line_pk):
    line = _line(request, pk, line_pk)
    run(request, lambda: services.retention_line_remove(acting_user=request.user, line=line), _("Đã bỏ hồ sơ."))
    return redirect("dossiers:retention_detail", pk=pk)


@require_POST
@login_required
def retention_submit(request, pk):
    retention_list = retention_list_get_for_user(user=request.user, pk=pk)
    run(request, lambda: services.retention_list_submit(acting_user=request.user, retention_list=retention_list),
        _("Đã gửi danh mục hồ sơ giữ lại để lãnh đạo duyệt."))
    return redirect("dossiers:retention_detail", pk=pk)


@require_POST
@login_required
def retention_line_decide(request, pk, line_pk):
    line = _line(request, pk, line_pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.retention_line_decide(acting_user=request.user, line=line, approve=approve,
                                       note=request.POST.get("note", ""))
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    else:
        messages.success(request, _("Đã đồng ý giữ lại.") if approve else _("Đã không đồng ý giữ lại."))
    return redirect("dossiers:retention_detail", pk=pk)
