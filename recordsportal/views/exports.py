"""An export written by a Celery task (recordsportal/exports.py): its page, polled by htmx until
the file is written, the download, and "run again". The owner's alone: anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..exports import export_requeue, queue_export
from ..guards import get_visible_or_404
from ..models import ExportJob
from ..services import DomainError


def _own_job(request, pk) -> ExportJob:
    return get_visible_or_404(ExportJob.objects.filter(created_by=request.user, expires_at__gt=timezone.now())
                              .select_related("created_by"), pk=pk)


@login_required
def export_detail(request, pk):
    job = _own_job(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "exports/_progress.html", {"job": job})
    return render(request, "exports/detail.html", {"job": job})


@login_required
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=job.filename)


@require_POST
@login_required
def export_retry(request, pk):
    job = _own_job(request, pk)
    try:
        export_requeue(acting_user=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        queue_export(request, job)
    return redirect("exports:detail", pk=job.pk)
