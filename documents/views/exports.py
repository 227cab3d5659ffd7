"""Excel export of the filtered register list, and the yearly register book (.xlsx and PDF).

The export reads exactly what the list shows: `DocumentFilter` over
`Document.objects.visible_to(user)`, so nobody exports a row they could not open. Rows stream
from the database in chunks into openpyxl's write-only writer (flat memory for 100,000 rows).

The register book's primary format is .xlsx (a whole year in seconds). PDF is for printing a
month: WeasyPrint slows down worse than linearly on long tables, so a PDF above
`PDF_MAX_ROWS` rows is refused with a message pointing to a month or the .xlsx.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from recordsportal.guards import role_required
from recordsportal.pdf import pdf_response
from recordsportal.roles import Role
from recordsportal.exports import export_response

from .. import exports
from ..choices import Direction
from ..filters import DocumentFilter
from ..forms_io import RegisterBookForm
from ..models import Document

# About 25 register rows per landscape A4 page. Measured here (2 busy CPUs): 100 rows 3.8 s,
# 300 rows 14 s, and worse than linear beyond; 400 rows (≈16 pages, a busy month) stays well
# inside the web worker's timeout.
PDF_MAX_ROWS = 400
BOOK_ROLES = (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)


@require_GET
@login_required
def export_xlsx(request):
    documents = DocumentFilter(request.GET, queryset=Document.objects.visible_to(request.user), request=request)
    if documents.is_bound and not documents.is_valid():
        # An invalid filter is ignored by django-filter; exporting then would export too much.
        messages.error(request, _("Bộ lọc không hợp lệ; sửa bộ lọc rồi xuất lại."))
        return redirect(f"{reverse('documents:list')}?{request.GET.urlencode()}")
    # Above EXPORT_TASK_THRESHOLD rows a Celery task writes it and the page shows its progress.
    return export_response(request, exports.register_list_export)


def _book_context(form):
    direction = form.cleaned_data["direction"]
    year = form.cleaned_data["year"]
    month = form.cleaned_data.get("month")
    secret = form.cleaned_data.get("secret") or False
    return direction, year, month, secret


def _book_queryset(request, form):
    direction, year, month, secret = _book_context(form)
    return exports.book_queryset(Document.objects.visible_to(request.user), direction=direction, year=year,
                                 month=month, secret=secret)


_period = exports.book_period


@role_required(*BOOK_ROLES)
def register_book(request):
    """Choose a register and a year; see how many documents each month holds; download."""
    form = RegisterBookForm(request.GET or None)
    context = {"form": form, "pdf_max_rows": PDF_MAX_ROWS}
    if form.is_bound and form.is_valid():
        direction, year, month, secret = _book_context(form)
        by_month = dict(
            exports.book_queryset(Document.objects.visible_to(request.user), direction=direction, year=year, secret=secret)
            .order_by()
            .annotate(m=ExtractMonth("register_date"))
            .values_list("m")
            .annotate(n=Count("id"))
            .values_list("m", "n")
        )
        params = request.GET.copy()
        params.pop("month", None)
        months = []
        for m in range(1, 13):
            params["month"] = m
            months.append({"month": m, "count": by_month.get(m, 0), "query": params.urlencode()})
        params.pop("month")
        context.update(
            title=exports.book_title(direction, secret),
            period=_period(year, month),
            months=months,
            total=sum(by_month.values()),
            year_query=params.urlencode(),
            query=request.GET.urlencode(),
        )
    return render(request, "documents/register_book.html", context)


def _invalid(request, form):
    messages.error(request, _("Chọn sổ và năm hợp lệ."))
    return render(request, "documents/register_book.html", {"form": form, "pdf_max_rows": PDF_MAX_ROWS}, status=400)


@role_required(*BOOK_ROLES)
def register_book_xlsx(request):
    form = RegisterBookForm(request.GET)
    if not form.is_valid():
        return _invalid(request, form)
    return export_response(request, exports.register_book_export)


@role_required(*BOOK_ROLES)
def register_book_pdf(request):
    form = RegisterBookForm(request.GET)
    if not form.is_valid():
        return _invalid(request, form)
    direction, year, month, secret = _book_context(form)
    queryset = _book_queryset(request, form)
    count = queryset.count()
    if count > PDF_MAX_ROWS:
        if month:
            message = _("%(period)s có %(count)s văn bản, quá %(limit)s dòng để in PDF một lần. Hãy tải tệp .xlsx.")
        else:
            message = _("%(period)s có %(count)s văn bản, quá %(limit)s dòng để in PDF một lần. "
                        "Hãy chọn một tháng, hoặc tải tệp .xlsx của cả năm.")
        messages.error(request, message % {"period": _period(year, month), "count": f"{count:,}".replace(",", "."),
                                           "limit": PDF_MAX_ROWS})
        return redirect(f"{reverse('documents:register_book')}?{request.GET.urlencode()}")
    rows = [
        [exports.format_date(value) if index in _date_columns(direction) else ("" if value is None else value)
         for index, value in enumerate(row)]
        for row in exports.book_export_rows(queryset, direction)
    ]
    suffix = f"{year}-{month:02d}" if month else f"{year}"
    context = {
        "title": exports.book_title(direction, secret),
        "period": _period(year, month),
        "columns": list(zip(exports.book_headers(direction), exports.BOOK_PDF_WIDTHS[direction])),
        "rows": rows,
        "direction": direction,
    }
    filename = f"so-{'mat-' if secret else ''}{'den' if direction == Direction.INCOMING else 'di'}-{suffix}.pdf"
    return pdf_response("pdf/register_book.html", context, filename)


def _date_columns(direction):
    return (0, 4) if direction == Direction.INCOMING else (1,)
