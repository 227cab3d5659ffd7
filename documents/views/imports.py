"""Import a register from the e-office system: upload → (column mapping) → dry run → confirm.
The upload is kept as a `RegisterImport` (file under a generated name, SHA-256, mapping) between
the steps. The dry run and the import are one Celery task with a flag (issue 16): the request
stores the upload, queues the task and returns at once; the page polls the task's progress row
(rows read, errors so far) and then shows what it found (new rows, changed rows field by field,
errors by row and column) or what went in."""


from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.queueing import enqueue
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text
from recordsportal.xlsx import XlsxError, xlsx_response

from .. import import_template, importer, rules, services
from ..attachments import sha256_of
from ..forms_io import ImportMappingForm, ImportUploadForm
from ..models import RegisterImport
from ..tasks import register_import_task

RECENT_IMPORTS = 10


def _imports_for(user):
    # Imports are the Office's (agency-wide) work; role_required keeps everyone else out.
    return RegisterImport.objects.select_related("created_by")


def _run(request, record, *, confirm: bool, skip_registered: bool | None = None) -> bool:
    """Mark the run on the row and queue the task (in the embedded default it runs here)."""
    try:
        services.register_import_start(acting_user=request.user, record=record, confirm=confirm,
                                       skip_registered=skip_registered)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if not enqueue(register_import_task, record.pk, confirm):
        messages.error(request, _("Hàng đợi xử lý nền đang không hoạt động: %(consequence)s") % {"consequence": _(
            "tệp đã được lưu nhưng chưa được kiểm tra. Bấm “Chạy lại” sau ít phút.")})
        return False
    return True


@role_required(Role.OFFICE)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        direction = form.cleaned_data["direction"]
        try:
            headers, rows_total = importer.inspect_upload(upload, direction)
        except XlsxError as error:
            form.add_error("file", str(error))
        else:
            record = RegisterImport(
                direction=direction,
                original_name=normalize_text(upload.name)[:255],
                size=upload.size,
                sha256=sha256_of(upload),
                headers=headers,
                mapping=importer.auto_mapping(headers, direction),
                rows_total=rows_total,
                created_by=request.user,
            )
            record.file.save("upload.xlsx", upload, save=False)
            record.save()
            if importer.missing_required(record.mapping, direction):
                messages.info(request, _("Tiêu đề cột của tệp khác mẫu: hãy chọn cột tương ứng cho từng trường."))
                return redirect("documents:import_mapping", pk=record.pk)
            if _form_unstated(record):
                messages.info(request, _form_unstated(record))
                return redirect("documents:import_mapping", pk=record.pk)
            _run(request, record, confirm=False)
            return redirect("documents:import_preview", pk=record.pk)
    recent = _imports_for(request.user)[:RECENT_IMPORTS]
    return render(request, "documents/import_upload.html", {
        "form": form, "recent": recent, "registers": import_template.directions()})


@role_required(Role.OFFICE)
def import_template_xlsx(request, direction):
    """The template of a register to import: the headers the import reads and one example row."""
    if direction not in importer.IMPORT_DIRECTIONS:
        raise Http404
    headers, rows = import_template.template_rows(direction)
    return xlsx_response(import_template.template_filename(direction), headers, rows, sheet_title=_("Sổ văn bản"),
                         widths=[18] * len(headers))


@role_required(Role.OFFICE)
def import_mapping(request, pk):
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    if record.status == RegisterImport.Status.IMPORTED:
        return redirect("documents:import_preview", pk=record.pk)
    initial = {name: str(index) for name, index in record.mapping.items()}
    initial["form_for_all"] = record.form_for_all
    form = ImportMappingForm(request.POST or None, initial=initial, headers=record.headers, direction=record.direction)
    if request.method == "POST" and form.is_valid():
        record.mapping = form.mapping()
        record.form_for_all = form.cleaned_data.get("form_for_all") or ""
        record.save(update_fields=["mapping", "form_for_all"])
        _run(request, record, confirm=False)
        return redirect("documents:import_preview", pk=record.pk)
    return render(request, "documents/import_mapping.html", {"form": form, "record": record})


@role_required(Role.OFFICE)
def import_preview(request, pk):
    """The import's page: the run's progress (polled by htmx: the fragment alone), then what the
    dry run found, or what went in."""
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    pending = record.status == RegisterImport.Status.UPLOADED
    if pending and (importer.missing_required(record.mapping, record.direction) or _form_unstated(record)):
        return redirect("documents:import_mapping", pk=record.pk)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_import_run.html", _context(record))
    if pending and record.finished:
        # The file is checked as a whole again (a lowered row cap, a file gone from the disk): a
        # file refused as such can never be imported, so it is not kept.
        try:
            with record.file.open("rb") as handle:
                importer.check_row_count(handle, record.preview.get("header_row", 1))
        except (XlsxError, OSError) as error:
            services.register_import_discard(acting_user=request.user, record=record)
            messages.error(request, str(error))
            return redirect("documents:import_upload")
        asked = request.GET.get("skip_registered")
        if asked is not None and (asked == "1") != record.skip_registered:
            _run(request, record, confirm=False, skip_registered=asked == "1")
            record.refresh_from_db()
    return render(request, "documents/import_preview.html", _context(record))


def _form_unstated(record) -> str | None:
    """Why the import waits at the mapping step for the form of its rows (documents/rules.py)."""
    return rules.import_form_problem(form_column="form" in record.mapping, form_for_all=record.form_for_all)


def _context(record):
    return {"record": record, "preview": record.preview or {}, "limit": importer.PREVIEW_LIMIT}


@require_POST
@role_required(Role.OFFICE)
def import_confirm(request, pk):
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    if record.status == RegisterImport.Status.IMPORTED:
        messages.info(request, _("Tệp này đã được nhập."))
        return redirect("documents:import_preview", pk=record.pk)
    if _form_unstated(record):
        messages.error(request, _form_unstated(record))
        return redirect("documents:import_mapping", pk=record.pk)
    skip_registered = request.POST.get("skip_registered") == "1"
    _run(request, record, confirm=True, skip_registered=skip_registered)
    record.refresh_from_db()
    if record.status == RegisterImport.Status.IMPORTED:
        messages.success(request, _("Đã nhập %(created)s văn bản, cập nhật %(updated)s; bỏ qua %(skipped)s dòng đã có.") % {
            "created": record.created_count, "updated": record.updated_count, "skipped": record.skipped_count})
    elif record.state == RegisterImport.State.REFUSED:
        messages.error(request, record.message or _("Không nhập: tệp có lỗi."))
    return redirect("documents:import_preview", pk=record.pk)


@require_POST
@role_required(Role.OFFICE)
def import_run(request, pk):
    """Check the file again (the database may have changed since), or run again a run whose
    worker died or whose message was lost."""
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    if record.status != RegisterImport.Status.IMPORTED:
        _run(request, record, confirm=False)
    return redirect("documents:import_preview", pk=record.pk)


@require_POST
@role_required(Role.OFFICE)
def import_delete(request, pk):
    """Drop a pending import (its row and its stored file); an import that went in is kept."""
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    try:
        services.register_import_discard(acting_user=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents:import_preview", pk=record.pk)
    messages.success(request, _("Đã xóa lần nhập tệp “%(name)s” và tệp đã tải lên.") % {"name": record.original_name})
    return redirect("documents:import_upload")
