"""The audit journal as people read it: who, when, and each field "before → after".

The history rows are written by recordsportal/audit.py (django-simple-history tables); this
module only reads them. `entries_for(record)` gives one record's journal (its page shows it to
whoever may open the page); `describe(rows)` turns any page of history rows — of one model or
several — into entries, comparing each row with the row before it of the same record in a
bounded number of queries (two per model and one per related model shown), never one per row.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# Labels for the fields that carry no verbose_name of their own (the models' Vietnamese names
# are used for every other field).
FIELD_LABELS = {
    "acknowledged_at": _lazy("thời điểm tiếp nhận"), "acknowledged_by": _lazy("người tiếp nhận"),
    "added_at": _lazy("thời điểm thêm"), "added_by": _lazy("người thêm"),
    "assigned_at": _lazy("thời điểm giao"), "assigned_by": _lazy("người giao"),
    "closed_by": _lazy("người chốt"), "completed_at": _lazy("thời điểm hoàn thành"),
    "content_type": _lazy("kiểu tệp"), "created_at": _lazy("thời điểm tạo"), "created_by": _lazy("người tạo"),
    "decided_at": _lazy("thời điểm quyết định"), "decided_by": _lazy("người quyết định"),
    "deleted_at": _lazy("thời điểm xóa"), "deleted_by": _lazy("người xóa"), "detected_at": _lazy("thời điểm phát hiện"),
    "dispatched_at": _lazy("thời điểm phân công"), "dispatched_by": _lazy("người phân công"),
    "document": _lazy("văn bản"), "dossier": _lazy("hồ sơ"), "duplicate_of_document": _lazy("trùng với văn bản"),
    "duplicate_of_package": _lazy("trùng với gói tin"), "extension": _lazy("đuôi tệp"), "file": _lazy("tệp"),
    "inventory": _lazy("bản kiểm kê"), "is_deleted": _lazy("trong thùng rác"), "month": _lazy("tháng"),
    "officer": _lazy("cán bộ"), "organisation": _lazy("cơ quan, tổ chức"), "plan": _lazy("danh mục hồ sơ"),
    "received_at": _lazy("thời điểm nhận"), "received_by": _lazy("người nhận"),
    "retention_list": _lazy("danh mục hồ sơ giữ lại"), "reviewed_at": _lazy("thời điểm xem xét"),
    "reviewed_by": _lazy("người xem xét"), "size": _lazy("dung lượng"), "submitted_at": _lazy("thời điểm gửi"),
    "submitted_by": _lazy("người gửi"),
}
# Bookkeeping columns that say nothing to a reader.
HIDDEN_FIELDS = {"id", "path", "updated_at", "version", "search_text", "import_key", "sha256", "name_key"}

ACTIONS = {"+": _lazy("Tạo"), "~": _lazy("Sửa"), "-": _lazy("Xóa")}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    when: datetime.datetime
    who: object  # a User, or None for the system
    action: str
    reason: str
    record_id: int
    model: type[models.Model]
    changes: list[Change] = field(default_factory=list)

    @property
    def who_name(self) -> str:
        return self.who.get_full_name() if self.who is not None else _("hệ thống")

    @property
    def record_kind(self) -> str:
        return str(self.model._meta.verbose_name)


def label_of(model_field) -> str:
    if model_field.name in FIELD_LABELS:
        return str(FIELD_LABELS[model_field.name])
    return str(model_field.verbose_name)


def shown_fields(history_model) -> list:
    return [f for f in history_model.tracked_fields if f.name not in HIDDEN_FIELDS]


def _plain(model_field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        target = related.get(model_field.related_model, {}).get(value)
        return str(target) if target is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or "—"
    return str(value)


def _previous_rows(rows) -> dict:
    """{(history model, history_id): the row before it of the same record}, two queries per
    history model (history ids are per table)."""
    previous = {}
    by_model = defaultdict(list)
    for row in rows:
        by_model[type(row)].append(row)
    for history_model, group in by_model.items():
        earlier = history_model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
            "-history_id").values("history_id")[:1]
        pairs = dict(history_model.objects.filter(history_id__in=[r.history_id for r in group])
                     .annotate(prev=Subquery(earlier)).values_list("history_id", "prev"))
        found = history_model.objects.in_bulk([p for p in pairs.values() if p], field_name="history_id")
        previous.update({(history_model, hid): found.get(prev) for hid, prev in pairs.items() if prev})
    return previous


def describe(rows, previous: dict | None = None) -> list[Entry]:
    """Entries for history rows (newest first, as given). `previous` maps (history model,
    history_id) to the row before it when the caller has it already (one record's rows, read one
    beyond the page)."""
    rows = list(rows)
    previous = previous if previous is not None else _previous_rows(rows)
    # Related values shown by name: one in_bulk per related model for the whole page.
    wanted = defaultdict(set)
    for row in rows + [p for p in previous.values() if p is not None]:
        for f in shown_fields(type(row)):
            if f.is_relation and getattr(row, f.attname) is not None:
                wanted[f.related_model].add(getattr(row, f.attname))
    related = {model: model._base_manager.select_related().in_bulk(ids) for model, ids in wanted.items()}
    entries = []
    for row in rows:
        before = previous.get((type(row), row.history_id))
        changes = []
        for f in shown_fields(type(row)):
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if row.history_type == "+" and new in (None, "", False):
                continue  # a new record: only the fields it was given
            if row.history_type != "+" and (before is None or old == new):
                continue
            changes.append(Change(label_of(f), _plain(f, old, related) if before is not None else "—",
                                  _plain(f, new, related)))
        entries.append(Entry(when=row.history_date, who=row.history_user, action=str(ACTIONS.get(row.history_type, "")),
                             reason=row.history_change_reason or "", record_id=row.id,
                             model=row.instance_type, changes=changes))
    return entries


def entries_for(record: models.Model, limit: int = 30) -> list[Entry]:
    """The journal of one record, newest first (its last `limit` changes)."""
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit + 1])
    # Each row's predecessor is the next one read (one row read beyond the page for the last).
    previous = {(type(row), row.history_id): rows[i + 1] for i, row in enumerate(rows[:-1])}
    return describe(rows[:limit], previous=previous)
