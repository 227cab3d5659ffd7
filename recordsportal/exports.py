"""Excel exports too large for a web request, written by a Celery task (issue 16).

An app describes an export once, as a *builder*: `builder(user, params) -> Export`, where `params`
is the page's query string (a QueryDict) and `user` the person asking; the builder scopes its rows
by `visible_to(user)` as the page does. Decorate it with `@export_builder`. The view then answers
with `export_response(request, builder)`:

- up to `settings.EXPORT_TASK_THRESHOLD` rows (counted with a LIMIT, so the count stays cheap
  whatever the table), the workbook is written in the request as before;
- above it, an ExportJob row records the builder's dotted path, the query string and the user,
  the task `recordsportal.run_export` writes the workbook (openpyxl write-only, rows streamed in
  chunks: flat memory) into MEDIA_ROOT with its progress on the row (rows written of how many),
  and the request answers at once with the job's page, which polls until the download link shows.

The task is idempotent: a finished job is left alone, an unfinished one (its worker killed) is
written again from the start; the file is attached in the same UPDATE that marks the job done.
Only the owner sees the job or downloads the file (404 for anyone else), and jobs and files older
than `settings.EXPORT_KEEP_HOURS` are removed (`exports_clean`, hourly and on each new export).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .xlsx import write_workbook, xlsx_response

logger = logging.getLogger(__name__)
EXPORTS_DIR = "exports"
SHEET_ROWS = 1_048_576  # the most rows one Excel sheet holds; a workbook past it does not open


def _number(value: int) -> str:
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


@dataclass
class Export:
    """One export: the workbook's name, headers and rows (lazy: a generator over
    `.iterator(chunk_size=…)`), and `count(limit)`, the number of rows, counted up to `limit`
    when one is given (the request only needs to know whether it is above the threshold)."""

    filename: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    count: Callable[[int | None], int]
    title: str = ""
    sheet_title: str = "Sheet1"
    widths: Sequence[int] | None = None
    title_rows: Sequence[str] = field(default_factory=tuple)


def export_builder(function):
    """Mark a function as an export builder the task may run (the job stores its dotted path)."""
    function.is_export_builder = True
    return function


def builder_path(builder) -> str:
    return f"{builder.__module__}.{builder.__qualname__}"


def threshold() -> int:
    return settings.EXPORT_TASK_THRESHOLD


def count_upto(queryset, limit: int | None) -> int:
    """COUNT(*) over at most `limit` rows (a LIMIT in a subquery): cheap on a 2,000,000-row table."""
    if limit is None:
        return queryset.order_by().count()
    return queryset.order_by()[:limit].count()


def export_response(request, builder, *, export: Export | None = None):
    """The workbook now when it holds at most the threshold's rows; else a job for the task and a
    redirect to its page (the request returns at once)."""
    export = export or builder(request.user, request.GET)
    limit = threshold()
    if export.count(limit + 1) <= limit:
        return xlsx_response(export.filename, export.headers, export.rows, sheet_title=export.sheet_title,
                             widths=export.widths, title_rows=export.title_rows)
    job = export_start(acting_user=request.user, builder=builder, params=request.GET, export=export)
    queue_export(request, job)
    return redirect("exports:detail", pk=job.pk)


def queue_export(request, job) -> bool:
    from .queueing import enqueue
    from .tasks import run_export

    if enqueue(run_export, job.pk):
        return True
    messages.error(request, _("Hàng đợi xử lý nền đang không hoạt động: %(consequence)s") % {"consequence": _(
        "yêu cầu xuất tệp đã được ghi nhận nhưng chưa chạy. Bấm “Chạy lại” sau ít phút.")})
    return False


def export_start(*, acting_user, builder, params: QueryDict, export: Export):
    """Record the export for the task (nothing is read yet); old jobs are cleaned on the way."""
    from .models import ExportJob

    if not getattr(builder, "is_export_builder", False):
        raise ValueError(f"{builder!r} is not an export builder")
    exports_clean()
    now = timezone.now()
    return ExportJob.objects.create(
        kind=builder_path(builder), params={key: params.getlist(key) for key in params}, filename=export.filename,
        title=str(export.title or export.filename)[:255], created_by=acting_user, created_at=now, updated_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_KEEP_HOURS))


def export_requeue(*, acting_user, job):
    """Run again a job whose worker died or whose message was lost (stale), or that failed."""
    from .models import ExportJob
    from .services import DomainError

    if job.created_by_id != acting_user.pk:
        raise DomainError(_("Không tìm thấy."))
    if job.state == ExportJob.State.DONE:
        raise DomainError(_("Tệp đã xuất xong; không cần chạy lại."))
    if job.state == ExportJob.State.REFUSED:
        raise DomainError(job.message)
    if job.state != ExportJob.State.FAILED and not job.stale:
        raise DomainError(_("Đang xuất tệp; hãy chờ thêm."))
    job.write(state=ExportJob.State.QUEUED, finished_at=None, message="")
    return job


def _counted(rows: Iterable, report) -> Iterable:
    written = 0
    for row in rows:
        yield row
        written += 1
        report(written, 0)


def write_export(export: Export, report, job=None) -> str:
    """Write `export` (rows streamed into openpyxl's write-only writer, `report(rows_written, 0)`
    as it goes) and store it under MEDIA_ROOT/exports/; returns the stored name. The workbook is
    written to a private temporary file first and copied when complete: a worker killed half-way
    leaves no half-written workbook behind a download link."""
    from .models import ExportJob

    # Beside the exports (same disk; a file a killed worker leaves is removed by exports_clean).
    partial = os.path.join(settings.MEDIA_ROOT, EXPORTS_DIR, "partial")
    os.makedirs(partial, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", dir=partial, delete=False)
    try:
        handle.close()
        write_workbook(handle.name, [(export.sheet_title, export.headers, _counted(export.rows, report),
                                      export.widths)], title_rows=export.title_rows)
        if hasattr(report, "flush"):
            report.flush()
        with open(handle.name, "rb") as written:
            return default_storage.save(ExportJob._meta.get_field("file").generate_filename(job, "export.xlsx"),
                                        File(written))
    finally:
        os.unlink(handle.name)


def export_run(*, job_id: int):
    """The task's work (see the module's docstring). Returns the job, or None when it is gone."""
    from .models import ExportJob

    job = ExportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return job
    State = ExportJob.State
    job.write(state=State.READING, started_at=timezone.now(), attempts=job.attempts + 1, rows_read=0, message="")
    started = time.monotonic()
    try:
        builder = import_string(job.kind)
        if not getattr(builder, "is_export_builder", False):
            raise ValueError(f"{job.kind} is not an export builder")
        params = QueryDict(mutable=True)
        for key, values in job.params.items():
            params.setlist(key, values)
        export = builder(job.created_by, params)
        job.write(rows_total=export.count(None))
        room = SHEET_ROWS - len(export.title_rows) - 1  # the title rows and the headers take their rows
        if job.rows_total > room:
            job.write(state=State.REFUSED, finished_at=timezone.now(), message=_(
                "Có %(count)s dòng, quá %(limit)s dòng, giới hạn của một trang tính Excel. Hãy lọc bớt (theo năm, "
                "theo sổ, theo đơn vị) rồi xuất lại.") % {"count": _number(job.rows_total), "limit": _number(room)})
            return job
        report = job.reporter()
        name = write_export(export, report, job)
        job.write(state=State.DONE, file=name, result_count=job.rows_read, finished_at=timezone.now())
        logger.info("Export %s (%s) written: %s rows in %.1f s", job.pk, job.kind, job.rows_read,
                    time.monotonic() - started)
    except DatabaseError:
        raise  # the database is away: the task retries; the job stays unfinished (then stale)
    except Exception:  # a fault of ours: logged, shown as such, never a page stuck at "writing"
        logger.exception("Export %s (%s) failed", job.pk, job.kind)
        job.write(state=State.FAILED, finished_at=timezone.now(), message=_(
            "Lỗi hệ thống khi xuất tệp (đã ghi nhật ký cho quản trị viên). Bấm “Chạy lại” để thử lại."))
    return job


def exports_clean(now=None) -> int:
    """Remove the jobs past `expires_at` with their files, and any file under exports/ older than
    EXPORT_KEEP_HOURS (a worker killed between writing the file and marking the job done leaves
    one no job names). Returns the number of jobs removed."""
    from .models import ExportJob

    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lt=now).only("pk", "file"))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    root = os.path.join(settings.MEDIA_ROOT, EXPORTS_DIR)
    oldest = (now - timedelta(hours=settings.EXPORT_KEEP_HOURS)).timestamp()
    for directory, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = os.path.join(directory, name)
            try:
                if os.path.getmtime(path) < oldest:
                    os.unlink(path)
            except FileNotFoundError:
                pass
        if directory != root and not directory.endswith(os.sep + "partial"):
            try:
                os.rmdir(directory)  # only when empty
            except OSError:
                pass
    return len(expired)
