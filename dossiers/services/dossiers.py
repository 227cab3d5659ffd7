"""Dossiers: opening, particulars, items, closing, hand-over, trash, due dates."""

import datetime
import re

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.attachments import check_size, detect_type, sha256_of
from documents.models import Document
from recordsportal import audit
from recordsportal.dates import date_problem, sentence
from recordsportal.models import Agency, Department, User
from recordsportal.roles import Role
from recordsportal.services import DomainError, EditConflict, edit_conflict_message
from recordsportal.text import normalize_text, search_key

from .. import rules
from ..choices import (
    BatchStatus, Form, ItemKind, LineOutcome, Status,
)
from ..models import (
    ArchiveBatchLine, Dossier, DossierItem, FilePlanEntry,
)
from ..querysets import dossier_items_for
from ._common import NUMBER_SYMBOL_RE, _refuse, _save


def _dossier_code(year: int, number_symbol: str) -> str:
    return f"{Agency.load().identifier_code}.{year}.{number_symbol}"


def _ad_hoc_symbol(department: Department, year: int) -> str:
    """An ad hoc dossier (not in the plan): `PS01.QLĐT`, `PS02.QLĐT`… (phát sinh)."""
    prefix = "PS"
    used = Dossier.all_objects.filter(department=department, year=year, plan_entry__isnull=True,
                                      number_symbol__startswith=prefix).values_list("number_symbol", flat=True)
    numbers = [int(m.group(1)) for s in used if (m := re.match(r"PS(\d+)\.", s))]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:02d}.{department.abbreviation}"


def _index(dossier: Dossier) -> None:
    dossier.title = normalize_text(dossier.title)
    dossier.notes = normalize_text(dossier.notes)
    dossier.search_text = search_key(f"{dossier.code} {dossier.title}")


@transaction.atomic
def dossier_open(*, acting_user: User, plan_entry: FilePlanEntry | None = None, title: str = "",
                 retention_years: int | None = None, number_symbol: str = "", opened_on: datetime.date | None = None,
                 officer: User | None = None, kept_in_portal: bool = True, notes: str = "") -> Dossier:
    """An officer opens a dossier, from an entry of their department's file plan or ad hoc.
    The forming department is fixed now and never changes (the H ratio counts by it)."""
    officer = officer or acting_user
    opened_on = opened_on or timezone.localdate()
    if officer != acting_user and not (officer.department and rules.heads_department(acting_user, officer.department)):
        raise DomainError(_("Chỉ trưởng đơn vị được mở hồ sơ cho cán bộ khác trong đơn vị."), field="officer")
    # Not in the future, not before RECORDS_FIRST_YEAR: the year is part of the dossier's code.
    problem = date_problem(opened_on, label=_("ngày mở hồ sơ"))
    if problem:
        raise DomainError(sentence(problem), field="opened_on")
    if plan_entry is not None:
        plan = plan_entry.plan
        department = plan.department
        if not (officer.department_id and officer.department.path.startswith(department.path)):
            raise DomainError(_("Hồ sơ trong danh mục của %(department)s chỉ do cán bộ của đơn vị đó lập.")
                              % {"department": department}, field="plan_entry")
        if opened_on.year != plan.year:
            raise DomainError(_("Hồ sơ theo danh mục năm %(year)s phải được mở trong năm %(year)s.")
                              % {"year": plan.year}, field="opened_on")
        if Dossier.all_objects.filter(plan_entry=plan_entry).exists():
            raise DomainError(_("Hồ sơ %(symbol)s của danh mục đã được mở.") % {"symbol": plan_entry.number_symbol},
                              field="plan_entry")
        title = title or plan_entry.title
        retention_years = plan_entry.retention_years if retention_years is None else retention_years
        number_symbol = plan_entry.number_symbol
    else:
        department = officer.department
        if department is None:
            raise DomainError(_("Cán bộ chưa thuộc phòng, đơn vị nào: không thể mở hồ sơ."))
        number_symbol = normalize_text(number_symbol).upper().replace(" ", "")
        if number_symbol and not NUMBER_SYMBOL_RE.match(number_symbol):
            raise DomainError(_("Số và ký hiệu hồ sơ có dạng số thứ tự, dấu chấm và ký hiệu, ví dụ 05.TCCB."),
                              field="number_symbol")
        if number_symbol:
            # Before any look-up by code: another department's code gets the one message
            # whether it exists or not (rules.ad_hoc_symbol_problems).
            _refuse(rules.ad_hoc_symbol_problems(department=department, year=opened_on.year,
                                                 number_symbol=number_symbol), field="number_symbol")
        number_symbol = number_symbol or _ad_hoc_symbol(department, opened_on.year)
    if not normalize_text(title):
        raise DomainError(_("Nhập tiêu đề hồ sơ."), field="title")
    code = _dossier_code(opened_on.year, number_symbol)
    if Dossier.all_objects.filter(code=code).exists():
        raise DomainError(_("Mã hồ sơ %(code)s đã được dùng.") % {"code": code}, field="number_symbol")
    dossier = Dossier(
        plan_entry=plan_entry, department=department, officer=officer, year=opened_on.year,
        number_symbol=number_symbol, code=code, title=title, retention_years=retention_years, opened_on=opened_on,
        kept_in_portal=kept_in_portal, form=Form.ELECTRONIC if kept_in_portal else Form.PAPER, notes=notes,
        created_by=acting_user,
    )
    _index(dossier)
    return _save(dossier, acting_user)


@transaction.atomic
def dossier_update(*, acting_user: User, dossier: Dossier, expected_version: int | None = None, **fields) -> Dossier:
    """Change the title, retention, notes or whether it is kept in the portal while it is open.
    `expected_version` is the version the user's form was loaded with (None: no check, e.g. a command)."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    _refuse_stale(dossier, expected_version)
    allowed = {"title", "retention_years", "notes", "kept_in_portal"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Không sửa được trường: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(dossier, name, value)
    if not normalize_text(dossier.title):
        raise DomainError(_("Nhập tiêu đề hồ sơ."), field="title")
    _index(dossier)
    dossier.version += 1
    _save(dossier, acting_user)
    return dossier_refresh_form(dossier=dossier, acting_user=acting_user)


def _locked(dossier: Dossier) -> Dossier:
    """The current row, locked until the transaction ends: concurrent actions queue up."""
    return Dossier.all_objects.select_for_update().select_related("department", "officer").get(pk=dossier.pk)


def _refuse_stale(locked: Dossier, expected_version: int | None) -> None:
    """The row is locked, so comparing versions here cannot race with another save."""
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(edit_conflict_message(_("Hồ sơ %(code)s") % {"code": locked.number_symbol},
                                                 locked.history.select_related("history_user").first()))


def derive_form(dossier: Dossier) -> str:
    """Electronic when kept in the portal and no item is paper (one EXISTS query)."""
    if not dossier.kept_in_portal:
        return Form.PAPER
    paper = DossierItem.objects.filter(dossier=dossier).filter(
        Q(kind=ItemKind.PAPER) | Q(kind=ItemKind.DOCUMENT, document__form=Form.PAPER))
    return Form.PAPER if paper.exists() else Form.ELECTRONIC


def dossier_refresh_form(*, dossier: Dossier, acting_user: User | None = None) -> Dossier:
    """Store the derived form (the reports aggregate the stored column). Writes an audit row
    only when it changes."""
    form = derive_form(dossier)
    if form != dossier.form:
        dossier.form = form
        audit.save(dossier, acting_user=acting_user, update_fields=["form", "updated_at"])
    return dossier


# --- dossiers: items -----------------------------------------------------------------------------


def _next_position(dossier: Dossier) -> int:
    return (dossier.items.aggregate(m=Max("position"))["m"] or 0) + 1


def _add_item(acting_user: User, dossier: Dossier, **fields) -> DossierItem:
    item = DossierItem(dossier=dossier, position=_next_position(dossier), added_by=acting_user, **fields)
    item.full_clean(exclude=["file"])
    audit.save(item, acting_user=acting_user)
    dossier_refresh_form(dossier=dossier, acting_user=acting_user)
    return item


@transaction.atomic
def dossier_add_document(*, acting_user: User, dossier: Dossier, document: Document) -> DossierItem:
    """Add a registered document, by reference: the same document may sit in several officers'
    dossiers. An officer adds only documents they may see."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    if not Document.objects.visible_to(acting_user).filter(pk=document.pk).exists():
        raise DomainError(_("Không tìm thấy văn bản trong các sổ bạn được xem."), field="document")
    if dossier.items.filter(document=document).exists():
        raise DomainError(_("Văn bản %(symbol)s đã có trong hồ sơ.")
                          % {"symbol": document.number_symbol or document.display_number}, field="document")
    return _add_item(acting_user, dossier, kind=ItemKind.DOCUMENT, document=document)


@transaction.atomic
def dossier_add_file(*, acting_user: User, dossier: Dossier, upload, title: str = "") -> DossierItem:
    """Upload another file (a draft, a map, a scan): size and type checked by content, stored
    under a generated name with its SHA-256, as document attachments are."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    check_size(upload)
    file_type = detect_type(upload)
    item = DossierItem(
        dossier=dossier, position=_next_position(dossier), kind=ItemKind.FILE, added_by=acting_user,
        title=normalize_text(title)[:500], original_name=normalize_text(upload.name)[:255],
        extension=file_type.extension, content_type=file_type.content_type, size=upload.size,
        sha256=sha256_of(upload),
    )
    item.full_clean(exclude=["file"])
    item.file.save(upload.name, upload, save=False)
    audit.save(item, acting_user=acting_user)
    dossier_refresh_form(dossier=dossier, acting_user=acting_user)
    return item


@transaction.atomic
def dossier_add_paper_item(*, acting_user: User, dossier: Dossier, title: str) -> DossierItem:
    """List a record that exists only on paper; the dossier becomes paper."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    title = normalize_text(title)
    if not title:
        raise DomainError(_("Nhập tên tài liệu giấy."), field="title")
    return _add_item(acting_user, dossier, kind=ItemKind.PAPER, title=title)


@transaction.atomic
def dossier_remove_item(*, acting_user: User, item: DossierItem) -> None:
    dossier = _locked(item.dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    audit.delete(item, acting_user=acting_user)  # the document itself stays in its register; an uploaded file stays on disk (audit)
    dossier_refresh_form(dossier=dossier, acting_user=acting_user)


@transaction.atomic
def dossier_reorder(*, acting_user: User, dossier: Dossier, item_ids: list[int]) -> None:
    """Put the items in the given order (every item of the dossier, each once)."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    items = {item.pk: item for item in dossier.items.all()}
    if sorted(item_ids) != sorted(items):
        raise DomainError(_("Danh sách sắp xếp không khớp với các tài liệu của hồ sơ; tải lại trang và thử lại."))
    changed = []
    for position, pk in enumerate(item_ids, start=1):
        if items[pk].position != position:
            items[pk].position = position
            changed.append(items[pk])
    DossierItem.objects.bulk_update(changed, ["position"])
    audit.record(changed, acting_user=acting_user)


def dossier_move_item(*, acting_user: User, item: DossierItem, offset: int) -> None:
    """Move one item up (-1) or down (+1)."""
    ids = list(item.dossier.items.values_list("pk", flat=True))
    index = ids.index(item.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    dossier_reorder(acting_user=acting_user, dossier=item.dossier, item_ids=ids)


# --- dossiers: closing, reopening, hand-over, trash ----------------------------------------------


@transaction.atomic
def dossier_close(*, acting_user: User, dossier: Dossier, ended_on: datetime.date | None, sheets: int | None = None,
                  pages: int | None = None, closing_note: str = "", expected_version: int | None = None) -> Dossier:
    """Close the dossier when the work ends: end date, sheets/pages, closing note. Its due date
    for the archive follows from the end date and the agency's rule."""
    dossier = _locked(dossier)
    items = dossier_items_for(acting_user, dossier)
    _refuse(rules.close_problems(acting_user, dossier, items=items, ended_on=ended_on, sheets=sheets, pages=pages))
    _refuse_stale(dossier, expected_version)
    form = derive_form(dossier)
    due_on = rules.due_date(ended_on, dossier.retention_years)
    if not audit.claim(dossier, expected={"status": Status.OPEN}, acting_user=acting_user, changes=dict(
            status=Status.CLOSED, ended_on=ended_on, sheets=sheets, pages=pages, form=form, due_on=due_on,
            closing_note=normalize_text(closing_note), return_reason="", due_notice_sent_on=None,
            version=F("version") + 1, updated_at=timezone.now())):
        raise DomainError(_("Hồ sơ đã được kết thúc."))
    return dossier


@transaction.atomic
def dossier_reopen(*, acting_user: User, dossier: Dossier) -> Dossier:
    """Back to open (a returned dossier to complete, an item forgotten)."""
    dossier = _locked(dossier)
    _refuse(rules.reopen_problems(acting_user, dossier))
    if not audit.claim(dossier, expected={"status": Status.CLOSED}, acting_user=acting_user, changes=dict(
            status=Status.OPEN, ended_on=None, due_on=None, version=F("version") + 1, updated_at=timezone.now())):
        raise DomainError(_("Chỉ mở lại được hồ sơ đã kết thúc và chưa nộp lưu."))
    return dossier


@transaction.atomic
def dossiers_hand_over(*, acting_user: User, from_officer: User, to_officer: User) -> int:
    """An officer who leaves or moves hands over all their dossiers not yet archived; the
    dossiers stay in the department that formed them."""
    _refuse(rules.hand_over_problems(acting_user, from_officer.department))
    if from_officer == to_officer:
        raise DomainError(_("Chọn người nhận bàn giao khác người bàn giao."), field="to_officer")
    dossiers = list(Dossier.objects.select_for_update().filter(officer=from_officer).exclude(status=Status.ARCHIVED))
    for dossier in dossiers:
        dossier.officer = to_officer
    Dossier.objects.bulk_update(dossiers, ["officer"])
    audit.record(dossiers, acting_user=acting_user)
    return len(dossiers)


@transaction.atomic
def dossier_delete(*, acting_user: User, dossier: Dossier) -> None:
    """Into the trash. The Office may trash any dossier not archived; the keeper or head only an
    open one. The code stays taken, and the Office can restore it."""
    dossier = _locked(dossier)
    _refuse(rules.delete_problems(acting_user, dossier))
    if not audit.claim(dossier, expected={"is_deleted": False}, queryset=Dossier.all_objects.all(),
                       changes={"is_deleted": True, "deleted_at": timezone.now(), "deleted_by": acting_user},
                       acting_user=acting_user):
        raise DomainError(_("Hồ sơ đã ở trong thùng rác."))
    # A trashed dossier leaves any batch draft and retention list it was in.
    ArchiveBatchLine.objects.filter(dossier=dossier, outcome=LineOutcome.PENDING,
                                    batch__status=BatchStatus.DRAFT).delete()


@transaction.atomic
def dossier_restore(*, acting_user: User, dossier: Dossier) -> None:
    if not acting_user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ Văn phòng được khôi phục hồ sơ."))
    if not audit.claim(dossier, expected={"is_deleted": True}, queryset=Dossier.all_objects.all(),
                       changes={"is_deleted": False, "deleted_at": None, "deleted_by": None}, acting_user=acting_user):
        raise DomainError(_("Hồ sơ không ở trong thùng rác."))


@transaction.atomic
def due_dates_recompute(*, acting_user: User | None = None) -> int:
    """After the agency switches the due rule: recompute the due date of closed dossiers."""
    rule = Agency.load().archive_due_rule
    changed = []
    for dossier in Dossier.all_objects.filter(status=Status.CLOSED).only("pk", "ended_on", "retention_years",
                                                                          "due_on").iterator(chunk_size=2000):
        due_on = rules.due_date(dossier.ended_on, dossier.retention_years, rule)
        if due_on != dossier.due_on:
            dossier.due_on = due_on
            changed.append(dossier)
    Dossier.all_objects.bulk_update(changed, ["due_on"], batch_size=1000)
    # The rows were read with .only(): their history rows are written from a fresh read.
    audit.record_ids(Dossier, [dossier.pk for dossier in changed], acting_user=acting_user,
                     reason=_("Tính lại hạn nộp lưu theo quy định mới của cơ quan"))
    return len(changed)
