"""The agency journal: who changed what, when — for the Office, leadership and the administrator."""

from django.shortcuts import render

from recordsportal.guards import role_required
from recordsportal.roles import Role
from recordsportal.exports import export_response

from ..forms import JournalFilterForm
from ..journal import journal_export, journal_page

AGENCY_WIDE = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)


@role_required(*AGENCY_WIDE)
def journal_view(request):
    form = JournalFilterForm(request.GET or None)
    rows, next_cursor = journal_page(after=request.GET.get("after"), **form.filters())
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "reports/journal.html", {
        "form": form, "rows": rows, "next_cursor": next_cursor, "query": query.urlencode(),
        "first_page": not request.GET.get("after"),
    })


@role_required(*AGENCY_WIDE)
def journal_xlsx(request):
    # Above EXPORT_TASK_THRESHOLD rows a Celery task writes it and the page shows its progress.
    return export_response(request, journal_export)
