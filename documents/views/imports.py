"""Import a register from the e-office system: upload → (column mapping) → dry-run preview →
confirm. The upload is kept as a `RegisterImport` (file under a generated name, SHA-256,
mapping) between the steps; every step re-reads it, so nothing depends on the session."""


from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recordsportal.guards import get_visible_or_404, role_required
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text
from recordsportal.xlsx import XlsxError, xlsx_response

from .. import import_template, importer, services
from ..attachments import sha256_of
from ..forms_io import ImportMappingForm, ImportUploadForm
from ..models import RegisterImport

RECENT_IMPORTS = 10


def _imports_for(user):
    # Imports are the Office's (agency-wide) work; role_required keeps everyone else out.
    return RegisterImport.objects.select_related("created_by")


@role_required(Role.OFFICE)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        direction = form.cleaned_data["direction"]
        try:
            headers = importer.read_headers(upload)
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
                created_by=request.user,
            )
            record.file.save("upload.xlsx", upload, save=False)
            record.save()
            if importer.missing_required(record.mapping, direction):
                messages.info(request, _("Tiêu đề cột của tệp khác mẫu: hãy chọn cột tương ứng cho từng trường."))
                return redirect("documents:import_mapping", pk=record.pk)
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
    form = ImportMappingForm(request.POST or None, initial=initial, headers=record.headers, direction=record.direction)
    if request.method == "POST" and form.is_valid():
        record.mapping = form.mapping()
        record.save(update_fields=["mapping"])
        return redirect("documents:import_preview", pk=record.pk)
    return render(request, "documents/import_mapping.html", {"form": form, "record": record})


def _preview(record: RegisterImport, skip_registered: bool) -> importer.ImportPlan:
    with record.file.open("rb") as handle:
        return importer.import_preview(upload=handle, direction=record.direction, mapping=record.mapping,
                                       skip_registered_duplicates=skip_registered)


@role_required(Role.OFFICE)
def import_preview(request, pk):
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    context = {"record": record, "limit": importer.PREVIEW_LIMIT}
    if record.status == RegisterImport.Status.UPLOADED:
        skip_registered = request.GET.get("skip_registered") == "1"
        try:
            plan = _preview(record, skip_registered)
        except DomainError as error:
            # The file itself is refused: nothing can ever come of this upload, so it is not kept.
            services.register_import_discard(acting_user=request.user, record=record)
            messages.error(request, error.message)
            return redirect("documents:import_upload")
        if plan.missing:
            return redirect("documents:import_mapping", pk=record.pk)
        has_registered_duplicates = any(
            issue.code == "registered_duplicate" for issue in plan.errors + plan.skipped)
        context.update(
            plan=plan,
            skip_registered=skip_registered,
            has_registered_duplicates=has_registered_duplicates,
            errors=plan.errors[: importer.PREVIEW_LIMIT],
            rows=plan.rows[: importer.PREVIEW_LIMIT],
            skipped=plan.skipped[: importer.PREVIEW_LIMIT],
            warnings=plan.warnings[: importer.PREVIEW_LIMIT],
            mapped=[(f.label, record.headers[plan.mapping[f.name]], importer.column_letter(plan.mapping[f.name] + 1))
                    for f in importer.fields_for(record.direction) if f.name in plan.mapping],
        )
    return render(request, "documents/import_preview.html", context)


@require_POST
@role_required(Role.OFFICE)
def import_confirm(request, pk):
    record = get_visible_or_404(_imports_for(request.user), pk=pk)
    skip_registered = request.POST.get("skip_registered") == "1"
    try:
        with transaction.atomic():
            # The row lock makes a double click (or two clerks) run the import once.
            locked = RegisterImport.objects.select_for_update().filter(pk=record.pk).first()
            if locked is None:  # deleted by another click or another clerk meanwhile
                messages.error(request, _("Lần nhập này đã bị xóa; không có gì được nhập."))
                return redirect("documents:import_upload")
            record = locked
            if record.status == RegisterImport.Status.IMPORTED:
                messages.info(request, _("Tệp này đã được nhập."))
                return redirect("documents:import_preview", pk=record.pk)
            with record.file.open("rb") as handle:
                result = importer.register_import(
                    acting_user=request.user, upload=handle, mapping=record.mapping, direction=record.direction,
                    skip_registered_duplicates=skip_registered,
                )
            record.status = RegisterImport.Status.IMPORTED
            record.created_count = result.created
            record.skipped_count = result.skipped
            record.imported_at = timezone.now()
            record.save(update_fields=["status", "created_count", "skipped_count", "imported_at"])
    except DomainError as error:
        messages.error(request, error.message)
        url = redirect("documents:import_preview", pk=record.pk).url
        return redirect(f"{url}?skip_registered=1" if skip_registered else url)
    messages.success(request, _("Đã nhập %(created)s văn bản; bỏ qua %(skipped)s dòng đã có.") % {
        "created": result.created, "skipped": result.skipped})
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
