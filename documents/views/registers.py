"""Register lists: all documents one may see, documents to handle, the trash."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from recordsportal.actions import query_without
from recordsportal.guards import role_required
from recordsportal.pagination import counted_page, quick_page
from recordsportal.roles import Role

from ..choices import Direction
from ..filters import DocumentFilter
from ..models import Document


# The filters laid out on the page; `q` and `overdue` have their own places, the rest
# (year, officer, sort) arrive from links such as the dashboard's.
SHOWN_FILTERS = ["direction", "date_from", "date_to", "form", "kind", "department", "urgency", "status"]


def list_queryset(user):
    return Document.objects.visible_to(user).select_related("department", "officer")


@login_required
def register_list(request):
    """Every register the user may see, filtered, searched and sorted; the number of matches is
    counted up to 10,000 (a LIMIT 10001 subquery, never a COUNT over millions)."""
    documents = DocumentFilter(request.GET, queryset=list_queryset(request.user), request=request)
    queryset = documents.qs
    page = counted_page(queryset, request.GET.get("page"), narrow=queryset.in_small_scope)
    context = {
        "filter": documents,
        "filter_fields": [documents.form[name] for name in SHOWN_FILTERS],
        "page": page,
        "today": timezone.localdate(),
        "directions": Direction.choices,
        "current_sort": request.GET.get("sort", ""),
        "query_string": query_without(request.GET, "page"),
        "sort_query_string": query_without(request.GET, "page", "sort"),
    }
    template = "documents/_register_rows.html" if request.headers.get("HX-Request") else "documents/register_list.html"
    return render(request, template, context)


@login_required
def to_handle(request):
    """The officer's desk: incoming documents they lead or co-handle, overdue first, and internal
    documents their head dispatched to them."""
    from .. import inbox

    documents = inbox.to_handle(request.user).select_related("department", "officer")
    receipts = inbox.with_shown_documents(
        request.user, inbox.receipts_to_handle(request.user).select_related("document", "department", "officer"))
    return render(request, "documents/to_handle.html", {"documents": documents, "receipts": receipts,
                                                        "today": timezone.localdate()})


@role_required(Role.OFFICE)
def trash(request):
    documents = Document.all_objects.filter(is_deleted=True).select_related("deleted_by").order_by("-deleted_at")
    return render(request, "documents/trash.html", {"page": quick_page(documents, request.GET.get("page"))})
