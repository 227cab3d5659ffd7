"""What goes into the Excel exports and the register book: columns and row builders.

Rows are built from `values_list` tuples read with `.iterator(chunk_size=…)`: no model instances,
no per-row queries, so a 100,000-row export keeps flat memory (openpyxl write-only does the
same on the writing side). The bench (`bench/bench_export.py`) drives the same functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from recordsportal.exports import Export, count_upto, export_builder
from recordsportal.text import search_key

from .choices import Confidentiality, Direction, Form, Kind, Status, Urgency
from .services import series_for

CHUNK_SIZE = 2000

# --- the filtered list -------------------------------------------------------------------------

LIST_FIELDS = (
    "direction", "register_year", "number", "number_symbol", "register_date", "document_date", "kind", "summary",
    "issuer", "recipients", "signer", "form", "urgency", "confidentiality", "status", "department__name",
    "officer__full_name", "deadline", "notes",
)


def list_headers() -> list[str]:
    return [
        _("Loại sổ"), _("Năm"), _("Số"), _("Số, ký hiệu"), _("Ngày đến / ban hành"), _("Ngày văn bản"), _("Tên loại"),
        _("Trích yếu"), _("Tác giả, cơ quan ban hành"), _("Nơi nhận"), _("Người ký"), _("Hình thức"), _("Độ khẩn"),
        _("Độ mật"), _("Trạng thái"), _("Đơn vị chủ trì / soạn thảo"), _("Cán bộ chủ trì / soạn thảo"),
        _("Hạn xử lý"), _("Ghi chú"),
    ]


LIST_WIDTHS = [14, 7, 7, 18, 12, 12, 14, 60, 30, 30, 20, 10, 11, 10, 16, 28, 24, 12, 30]


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices.choices}


def list_rows(values: Iterable[tuple]) -> Iterator[list]:
    """One export row per `LIST_FIELDS` tuple; choice codes become their Vietnamese labels."""
    labels = {
        0: _labels(Direction), 6: _labels(Kind), 11: _labels(Form), 12: _labels(Urgency),
        13: _labels(Confidentiality), 14: _labels(Status),
    }
    for row in values:
        row = list(row)
        for index, table in labels.items():
            row[index] = table.get(row[index], row[index])
        yield row


def list_export_queryset(queryset):
    """The rows of an already scoped and filtered queryset, streamed in chunks."""
    return queryset.values_list(*LIST_FIELDS).iterator(chunk_size=CHUNK_SIZE)


# --- the register book (sổ đăng ký văn bản đến / đi) --------------------------------------------

BOOK_DIRECTIONS = (Direction.INCOMING, Direction.OUTGOING)
BOOK_FIELDS = (
    "register_date", "number", "issuer", "number_symbol", "document_date", "kind", "summary", "recipients",
    "department__name", "officer__full_name", "notes", "signer", "file_copy_keeper", "copies",
)


def book_title(direction: str, secret: bool = False) -> str:
    if direction == Direction.INCOMING:
        return _("Sổ đăng ký văn bản mật đến") if secret else _("Sổ đăng ký văn bản đến")
    return _("Sổ đăng ký văn bản mật đi") if secret else _("Sổ đăng ký văn bản đi")


def book_headers(direction: str) -> list[str]:
    """Decree 30/2020, Appendix IV: the columns of the incoming and outgoing registers."""
    if direction == Direction.INCOMING:
        return [_("Ngày đến"), _("Số đến"), _("Tác giả"), _("Số, ký hiệu"), _("Ngày tháng văn bản"),
                _("Tên loại và trích yếu nội dung"), _("Đơn vị hoặc người nhận"), _("Ký nhận"), _("Ghi chú")]
    return [_("Số, ký hiệu văn bản"), _("Ngày tháng văn bản"), _("Tên loại và trích yếu nội dung"), _("Người ký"),
            _("Nơi nhận văn bản"), _("Đơn vị, người nhận bản lưu"), _("Số lượng bản"), _("Ghi chú")]


BOOK_WIDTHS = {
    Direction.INCOMING: [11, 8, 28, 18, 11, 60, 28, 12, 20],
    Direction.OUTGOING: [18, 11, 60, 22, 32, 22, 9, 20],
}


# Column widths of the printed book, in percent of the landscape page.
BOOK_PDF_WIDTHS = {
    Direction.INCOMING: [8, 5, 15, 12, 8, 28, 13, 5, 6],
    Direction.OUTGOING: [12, 8, 30, 11, 15, 10, 6, 8],
}


def book_queryset(queryset, *, direction: str, year: int, month: int | None = None, secret: bool = False):
    """The documents of one register and year (or month), in register order (by number)."""
    series = series_for(direction, Confidentiality.SECRET if secret else Confidentiality.NORMAL)
    queryset = queryset.filter(direction=direction, series=series, register_year=year)
    if month:
        queryset = queryset.filter(register_date__month=month)
    return queryset.order_by("number", "id")


def _kind_and_summary(kind: str, summary: str, kind_labels: dict) -> str:
    label = kind_labels.get(kind, "")
    # “Tên loại và trích yếu”: the summary already names its type in most registers.
    if not label or kind == Kind.OTHER or search_key(summary).startswith(search_key(label)):
        return summary
    return f"{label} {summary[:1].lower()}{summary[1:]}" if summary[:3] in ("Về ", "V/v") else f"{label}: {summary}"


def book_rows(values: Iterable[tuple], direction: str) -> Iterator[list]:
    """Register-book rows from `BOOK_FIELDS` tuples, in the columns of `book_headers`."""
    kind_labels = _labels(Kind)
    for (register_date, number, issuer, symbol, document_date, kind, summary, recipients, department, officer,
         notes, signer, file_copy_keeper, copies) in values:
        text = _kind_and_summary(kind, summary, kind_labels)
        if direction == Direction.INCOMING:
            receiver = " – ".join(part for part in (department, officer) if part) or recipients
            yield [register_date, f"{number:02d}" if number is not None else "", issuer, symbol, document_date, text,
                   receiver, "", notes]
        else:
            yield [symbol, document_date or register_date, text, signer, recipients, file_copy_keeper, copies, notes]


def book_export_rows(queryset, direction: str) -> Iterator[list]:
    return book_rows(queryset.values_list(*BOOK_FIELDS).iterator(chunk_size=CHUNK_SIZE), direction)


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ("" if value is None else str(value))


# --- as export builders (recordsportal/exports.py): in the request up to EXPORT_TASK_THRESHOLD
# rows, by a Celery task above it; the same rows either way, scoped by the asking user. ---------


def book_period(year, month) -> str:
    return _("Tháng %(month)s năm %(year)s") % {"month": month, "year": year} if month else _("Năm %(year)s") % {"year": year}


@export_builder
def register_list_export(user, params) -> Export:
    """The filtered register list (`documents:export_xlsx`), as the list shows it to `user`."""
    from django.utils import timezone

    from .filters import DocumentFilter
    from .models import Document

    queryset = DocumentFilter(params, queryset=Document.objects.visible_to(user)).qs
    return Export(
        filename=f"van-ban-{timezone.localdate():%Y%m%d}.xlsx", title=_("Danh sách văn bản theo bộ lọc"),
        headers=list_headers(), rows=list_rows(list_export_queryset(queryset)),
        count=lambda limit: count_upto(queryset, limit), sheet_title=_("Văn bản"), widths=LIST_WIDTHS)


@export_builder
def register_book_export(user, params) -> Export:
    """The register book of a year or month (`documents:register_book_xlsx`); `params` were
    checked by the view (RegisterBookForm)."""
    from recordsportal.models import Agency

    from .forms_io import RegisterBookForm
    from .models import Document

    form = RegisterBookForm(params)
    if not form.is_valid():
        raise ValueError(f"register book parameters: {form.errors.as_json()}")
    direction, year = form.cleaned_data["direction"], form.cleaned_data["year"]
    month, secret = form.cleaned_data.get("month"), form.cleaned_data.get("secret") or False
    queryset = book_queryset(Document.objects.visible_to(user), direction=direction, year=year, month=month,
                             secret=secret)
    title = book_title(direction, secret)
    suffix = f"{year}-{month:02d}" if month else f"{year}"
    return Export(
        filename=f"so-{'mat-' if secret else ''}{'den' if direction == 'incoming' else 'di'}-{suffix}.xlsx",
        title=f"{title} · {book_period(year, month)}", headers=book_headers(direction),
        rows=book_export_rows(queryset, direction), count=lambda limit: count_upto(queryset, limit),
        sheet_title=f"{title} {suffix}"[:31], widths=BOOK_WIDTHS[direction],
        title_rows=[Agency.load().name.upper(), title.upper(), book_period(year, month)])
