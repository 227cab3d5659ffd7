"""The agency journal: every audited change of the main records, newest first, for the Office,
leadership and the administrator (agency-wide roles: they may open every record it names).

Pages are keyset pages over several history tables at once: each table gives at most one page of
rows after the cursor through its history_date index, and the rows are merged in Python — a
page costs the same on the last page of a year as on the first (OFFSET would read every row
before it; docs/benchmarks.md). The cursor orders rows by (history_date desc, kind, history_id
desc), so rows of two tables written in the same microsecond are neither repeated nor skipped.
"""

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from backlog.models import Campaign, Inventory
from documents.models import Document
from dossiers.models import ArchiveBatch, Dossier, FilePlan, RetentionList
from recordsportal.exports import Export, export_builder
from recordsportal.journal import Entry, describe
from recordsportal.models import Agency, Department, User

from .models import DeductionRule, Violation


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    model: type
    url_name: str | None = None


KINDS = [
    Kind("document", _("Văn bản"), Document, "documents:detail"),
    Kind("dossier", _("Hồ sơ"), Dossier, "dossiers:detail"),
    Kind("file_plan", _("Danh mục hồ sơ"), FilePlan, "dossiers:plan_detail"),
    Kind("archive_batch", _("Nộp lưu"), ArchiveBatch, "dossiers:batch_detail"),
    Kind("retention", _("Giữ lại hồ sơ"), RetentionList, "dossiers:retention_detail"),
    Kind("campaign", _("Đợt kiểm kê"), Campaign, "backlog:campaign"),
    Kind("inventory", _("Bản kiểm kê"), Inventory, "backlog:inventory"),
    Kind("violation", _("Vi phạm"), Violation, None),
    Kind("deduction", _("Mức trừ điểm thi đua"), DeductionRule, None),
    Kind("agency", _("Thông tin cơ quan"), Agency, None),
    Kind("department", _("Phòng, đơn vị"), Department, None),
    Kind("user", _("Người dùng"), User, None),
]
BY_CODE = {kind.code: kind for kind in KINDS}
ORDER = {kind.model: index for index, kind in enumerate(KINDS)}
PAGE_SIZE = 50


@dataclass
class Row:
    entry: Entry
    kind: Kind
    label: str
    url: str | None
    cursor: str


def _cursor(row, index: int) -> str:
    return f"{row.history_date.isoformat()}~{index}~{row.history_id}"


def parse_cursor(value: str | None):
    """(datetime, kind index, history_id), or None for the first page or a cursor that does not
    parse (a tampered link shows the first page, it does not fail)."""
    try:
        when, index, history_id = (value or "").split("~")
        when = parse_datetime(when)
        return (when, int(index), int(history_id)) if when is not None else None
    except ValueError:
        return None


def journal_page(*, person: int | None = None, kind: str | None = None, since: datetime.date | None = None,
                 until: datetime.date | None = None, after: str | None = None, size: int = PAGE_SIZE):
    """One page of rows and the cursor of the next page (None on the last)."""
    cursor = parse_cursor(after)
    candidates = []
    for index, item in enumerate(KINDS):
        if kind and item.code != kind:
            continue
        rows = item.model.history.model.objects.select_related("history_user")
        if person:
            rows = rows.filter(history_user_id=person)
        if since:
            rows = rows.filter(history_date__gte=_start_of(since))
        if until:
            rows = rows.filter(history_date__lt=_start_of(until + datetime.timedelta(days=1)))
        if cursor:
            when, at_index, history_id = cursor
            if index < at_index:
                rows = rows.filter(history_date__lt=when)
            elif index == at_index:
                rows = rows.filter(history_date__lt=when) | rows.filter(history_date=when, history_id__lt=history_id)
            else:
                rows = rows.filter(history_date__lte=when)
        candidates += [(row, index) for row in rows.order_by("-history_date", "-history_id")[:size + 1]]
    candidates.sort(key=lambda pair: (pair[0].history_date, -pair[1], pair[0].history_id), reverse=True)
    page, more = candidates[:size], len(candidates) > size
    entries = describe([row for row, _index in page])
    labels = _labels(page)
    result = []
    for (row, index), entry in zip(page, entries):
        item = KINDS[index]
        result.append(Row(entry=entry, kind=item, label=labels.get((item.model, row.id), f"#{row.id}"),
                          url=_url(item, row.id), cursor=_cursor(row, index)))
    return result, (result[-1].cursor if more and result else None)


def journal_rows(**filters):
    """Every row matching the filters, page after page (the export)."""
    after = None
    while True:
        rows, after = journal_page(after=after, size=500, **filters)
        yield from rows
        if after is None:
            return


def _history_rows(item: Kind, *, person=None, kind=None, since=None, until=None):
    rows = item.model.history.model.objects.all()
    if person:
        rows = rows.filter(history_user_id=person)
    if since:
        rows = rows.filter(history_date__gte=_start_of(since))
    if until:
        rows = rows.filter(history_date__lt=_start_of(until + datetime.timedelta(days=1)))
    return rows


def journal_count(limit: int | None = None, **filters) -> int:
    """How many rows match, counted up to `limit` per table (one LIMITed COUNT per kind)."""
    total = 0
    for item in KINDS:
        if filters.get("kind") and item.code != filters["kind"]:
            continue
        rows = _history_rows(item, **filters).order_by()
        total += rows[:limit].count() if limit is not None else rows.count()
        if limit is not None and total >= limit:
            return limit
    return total


# The export holds at most the newest EXPORT_CAP rows (above EXPORT_TASK_THRESHOLD, written by
# a Celery task: recordsportal/exports.py).
EXPORT_CAP = 20000


def _journal_lines(filters):
    from django.utils.text import capfirst

    for count, row in enumerate(journal_rows(**filters)):
        if count >= EXPORT_CAP:
            return
        entry = row.entry
        yield [timezone.localtime(entry.when).strftime("%d/%m/%Y %H:%M"), entry.who_name, str(row.kind.label),
               row.label, entry.action, "\n".join(f"{capfirst(c.label)}: {c.before} → {c.after}" for c in entry.changes),
               entry.reason]


@export_builder
def journal_export(user, params) -> Export:
    """The agency journal as filtered on its page (`reports:journal_xlsx`), newest first, at most
    EXPORT_CAP rows. The page's roles see the whole journal (agency-wide), so `user` only owns it."""
    from django.utils.translation import gettext

    from .forms import JournalFilterForm

    filters = JournalFilterForm(params or None).filters()
    headers = [gettext("Thời điểm"), gettext("Người thực hiện"), gettext("Loại"), gettext("Hồ sơ, dữ liệu"),
               gettext("Thao tác"), gettext("Thay đổi (trước → sau)"), gettext("Ghi chú")]
    cap = f"{EXPORT_CAP:,}".replace(",", ".")
    return Export(
        filename="nhat-ky-thay-doi.xlsx", title=gettext("Nhật ký thay đổi"), headers=headers,
        rows=_journal_lines(filters),
        count=lambda limit: min(EXPORT_CAP, journal_count(limit, **filters)),
        sheet_title=gettext("Nhật ký"), widths=[17, 24, 18, 40, 8, 70, 40],
        title_rows=[gettext("Nhật ký thay đổi (tối đa %(cap)s dòng mới nhất)") % {"cap": cap}])


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _labels(page) -> dict:
    """The records' names as they are now (one query per kind on the page); a record removed
    since keeps its number."""
    ids = {}
    for row, index in page:
        ids.setdefault(KINDS[index].model, set()).add(row.id)
    labels = {}
    for model, pks in ids.items():
        manager = getattr(model, "all_objects", model._base_manager)
        # select_related(): a name may read a foreign key (a violation names its department).
        labels.update({(model, pk): str(obj) for pk, obj in manager.select_related().in_bulk(pks).items()})
    return labels


def _url(kind: Kind, pk: int) -> str | None:
    if kind.url_name is None:
        return None
    try:
        return reverse(kind.url_name, args=[pk])
    except NoReverseMatch:
        return None
