"""Write rules for file plans, dossiers, archive submission and retention: one function per
business action, keyword-only, in one transaction, refusing with a Vietnamese DomainError.

State changes are conditional UPDATEs (`filter(pk=…, status=OPEN).update(…)` and a check that
one row changed), so two people clicking at once cannot both close, submit or receive. Every
change writes an audit row (django-simple-history) naming `acting_user`.
"""

import datetime
import re

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.attachments import check_size, detect_type, sha256_of
from documents.models import Document
from recordsportal.models import Agency, Department, User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key

from . import rules
from .choices import (
    BatchStatus, Decision, Form, ItemKind, LineOutcome, RetentionStatus, Status,
)
from .models import (
    ArchiveBatch, ArchiveBatchLine, Dossier, DossierItem, FilePlan, FilePlanEntry, FilePlanHeading, RetentionLine,
    RetentionList,
)

NUMBER_SYMBOL_RE = re.compile(r"^\d{1,4}\.[0-9A-ZĐ-]{1,20}$")


def _refuse(problems: list[str], field: str | None = None):
    if problems:
        raise DomainError(" ".join(problems), field=field)


def _save(instance, acting_user, **kwargs):
    instance.full_clean(**kwargs)
    instance._history_user = acting_user
    instance.save()
    return instance


def _history(instances, acting_user):
    """Audit rows for rows changed by one UPDATE statement (batch submit/receive)."""
    if instances:
        type(instances[0]).history.bulk_history_create(instances, update=True, default_user=acting_user)


# --- file plans ----------------------------------------------------------------------------------


def _require_plan_editor(user, plan):
    if not rules.can_edit_plan(user, plan):
        raise DomainError(_("Chỉ trưởng đơn vị hoặc Văn phòng được sửa danh mục hồ sơ."))


@transaction.atomic
def file_plan_create(*, acting_user: User, department: Department, year: int, notes: str = "") -> FilePlan:
    plan = FilePlan(department=department, year=year, notes=normalize_text(notes), created_by=acting_user)
    _require_plan_editor(acting_user, plan)
    return _save(plan, acting_user)


@transaction.atomic
def file_plan_heading_add(*, acting_user: User, plan: FilePlan, title: str, abbreviation: str = "",
                          parent: FilePlanHeading | None = None) -> FilePlanHeading:
    _require_plan_editor(acting_user, plan)
    if parent is not None and (parent.plan_id != plan.pk or not parent.is_major):
        raise DomainError(_("Đề mục nhỏ phải nằm trong một đề mục lớn của cùng danh mục."), field="parent")
    siblings = plan.headings.filter(parent=parent)
    position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    abbreviation = normalize_text(abbreviation).upper().replace(" ", "")
    if parent is None and not abbreviation:
        raise DomainError(_("Đề mục lớn phải có ký hiệu viết tắt (ví dụ TCCB)."), field="abbreviation")
    heading = FilePlanHeading(plan=plan, parent=parent, position=position, title=normalize_text(title),
                              abbreviation=abbreviation if parent is None else "")
    heading.full_clean()
    heading.save()
    return heading


def _next_number(plan: FilePlan, major: FilePlanHeading) -> int:
    entries = plan.entries.all()
    if Agency.load().file_plan_numbering == Agency.FilePlanNumbering.PER_HEADING:
        entries = entries.filter(Q(heading=major) | Q(heading__parent=major))
    return (entries.aggregate(m=Max("number"))["m"] or 0) + 1


def _check_symbol_free(plan: FilePlan, number_symbol: str, exclude_pk=None) -> None:
    """Dossier codes are agency identifier + year + number/symbol: the number/symbol must be
    unique over all departments' plans of the year."""
    clash = (FilePlanEntry.objects.filter(plan__year=plan.year, number_symbol=number_symbol)
             .exclude(pk=exclude_pk).select_related("plan__department").first())
    if clash:
        raise DomainError(
            _("Số và ký hiệu %(symbol)s đã có trong danh mục năm %(year)s của %(department)s; dùng ký hiệu đề mục khác.")
            % {"symbol": number_symbol, "year": plan.year, "department": clash.plan.department},
            field="number_symbol",
        )


@transaction.atomic
def file_plan_entry_add(*, acting_user: User, plan: FilePlan, heading: FilePlanHeading, title: str,
                        retention_years: int | None, responsible: User | None = None, notes: str = "",
                        number: int | None = None) -> FilePlanEntry:
    """Add a dossier to the plan, numbered after the last one (over the plan, or inside the
    major heading: the agency's setting) with the major heading's abbreviation: `01.TCCB`."""
    _require_plan_editor(acting_user, plan)
    # Lock the plan: two editors adding at once must not take the same number.
    FilePlan.objects.select_for_update().filter(pk=plan.pk).first()
    if heading.plan_id != plan.pk:
        raise DomainError(_("Đề mục không thuộc danh mục này."), field="heading")
    major = heading.major
    number = number or _next_number(plan, major)
    number_symbol = f"{number:02d}.{major.abbreviation}"
    _check_symbol_free(plan, number_symbol)
    if responsible is not None and responsible.department_id and not responsible.department.path.startswith(
            plan.department.path):
        raise DomainError(_("Người lập hồ sơ phải thuộc đơn vị của danh mục."), field="responsible")
    entry = FilePlanEntry(plan=plan, heading=heading, number=number, number_symbol=number_symbol,
                          title=normalize_text(title), retention_years=retention_years, responsible=responsible,
                          notes=normalize_text(notes))
    return _save(entry, acting_user)


@transaction.atomic
def file_plan_copy(*, acting_user: User, source: FilePlan, year: int) -> FilePlan:
    """Next year's plan from this one: the same headings and dossiers (numbers and symbols
    kept), no dossiers opened yet. Usually year = source.year + 1."""
    if FilePlan.objects.filter(department=source.department, year=year).exists():
        raise DomainError(_("Phòng, đơn vị này đã có danh mục hồ sơ năm %(year)s.") % {"year": year}, field="year")
    plan = file_plan_create(acting_user=acting_user, department=source.department, year=year, notes=source.notes)
    mapping = {}
    for heading in source.headings.order_by("parent_id", "position").select_related("parent"):
        mapping[heading.pk] = FilePlanHeading.objects.create(
            plan=plan, parent=mapping.get(heading.parent_id), position=heading.position, title=heading.title,
            abbreviation=heading.abbreviation)
    for entry in source.entries.select_related("responsible"):
        responsible = entry.responsible if entry.responsible and entry.responsible.is_active else None
        _check_symbol_free(plan, entry.number_symbol)
        _save(FilePlanEntry(plan=plan, heading=mapping[entry.heading_id], number=entry.number,
                            number_symbol=entry.number_symbol, title=entry.title,
                            retention_years=entry.retention_years, responsible=responsible, notes=entry.notes),
              acting_user)
    return plan


@transaction.atomic
def file_plan_import(*, acting_user: User, plan: FilePlan, upload) -> int:
    """Fill an empty plan from an .xlsx in the export's layout. All rows or none: any bad row
    refuses the whole file with the row and column of each problem."""
    from .excel import FilePlanImportError, parse_file_plan

    _require_plan_editor(acting_user, plan)
    if plan.entries.exists() or plan.headings.exists():
        raise DomainError(_("Danh mục đã có nội dung: chỉ nhập từ Excel vào danh mục trống."))
    parsed = parse_file_plan(upload, plan=plan)
    majors: dict[str, FilePlanHeading] = {}
    current_major = current = None
    count = 0
    for row in parsed:
        if row.kind == "major":
            current_major = current = file_plan_heading_add(acting_user=acting_user, plan=plan, title=row.title,
                                                            abbreviation=row.abbreviation)
            majors[row.abbreviation] = current_major
        elif row.kind == "minor":
            current = file_plan_heading_add(acting_user=acting_user, plan=plan, title=row.title, parent=current_major)
        else:
            try:
                file_plan_entry_add(acting_user=acting_user, plan=plan, heading=current, title=row.title,
                                    retention_years=row.retention_years, responsible=row.responsible,
                                    notes=row.notes, number=row.number)
            except DomainError as error:
                raise FilePlanImportError([_("Dòng %(row)s: %(message)s") % {"row": row.row, "message": error.message}])
            count += 1
    return count


# --- dossiers: opening and particulars -----------------------------------------------------------


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
    if opened_on > timezone.localdate():
        raise DomainError(_("Ngày mở hồ sơ không thể sau ngày hôm nay."), field="opened_on")
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
def dossier_update(*, acting_user: User, dossier: Dossier, **fields) -> Dossier:
    """Change the title, retention, notes or whether it is kept in the portal while it is open."""
    dossier = _locked(dossier)
    _refuse(rules.edit_problems(acting_user, dossier))
    allowed = {"title", "retention_years", "notes", "kept_in_portal"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Không sửa được trường: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(dossier, name, value)
    if not normalize_text(dossier.title):
        raise DomainError(_("Nhập tiêu đề hồ sơ."), field="title")
    _index(dossier)
    _save(dossier, acting_user)
    return dossier_refresh_form(dossier=dossier, acting_user=acting_user)


def _locked(dossier: Dossier) -> Dossier:
    """The current row, locked until the transaction ends: concurrent actions queue up."""
    return Dossier.all_objects.select_for_update().select_related("department", "officer").get(pk=dossier.pk)


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
        dossier._history_user = acting_user
        dossier.save(update_fields=["form", "updated_at"])
    return dossier


# --- dossiers: items -----------------------------------------------------------------------------


def _next_position(dossier: Dossier) -> int:
    return (dossier.items.aggregate(m=Max("position"))["m"] or 0) + 1


def _add_item(acting_user: User, dossier: Dossier, **fields) -> DossierItem:
    item = DossierItem(dossier=dossier, position=_next_position(dossier), added_by=acting_user, **fields)
    item._history_user = acting_user
    item.full_clean(exclude=["file"])
    item.save()
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
    item._history_user = acting_user
    item.save()
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
    item._history_user = acting_user
    item.delete()  # the document itself stays in its register; an uploaded file stays on disk (audit)
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
            items[pk]._history_user = acting_user
            changed.append(items[pk])
    DossierItem.objects.bulk_update(changed, ["position"])
    _history(changed, acting_user)


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
                  pages: int | None = None, closing_note: str = "") -> Dossier:
    """Close the dossier when the work ends: end date, sheets/pages, closing note. Its due date
    for the archive follows from the end date and the agency's rule."""
    dossier = _locked(dossier)
    items = list(dossier.items.select_related("document"))
    _refuse(rules.close_problems(acting_user, dossier, items=items, ended_on=ended_on, sheets=sheets, pages=pages))
    form = derive_form(dossier)
    due_on = rules.due_date(ended_on, dossier.retention_years)
    claimed = Dossier.objects.filter(pk=dossier.pk, status=Status.OPEN).update(
        status=Status.CLOSED, ended_on=ended_on, sheets=sheets, pages=pages, form=form, due_on=due_on,
        closing_note=normalize_text(closing_note), return_reason="", due_notice_sent_on=None,
        updated_at=timezone.now())
    if claimed != 1:
        raise DomainError(_("Hồ sơ đã được kết thúc."))
    dossier.refresh_from_db()
    _history([dossier], acting_user)
    return dossier


@transaction.atomic
def dossier_reopen(*, acting_user: User, dossier: Dossier) -> Dossier:
    """Back to open (a returned dossier to complete, an item forgotten)."""
    dossier = _locked(dossier)
    _refuse(rules.reopen_problems(acting_user, dossier))
    if Dossier.objects.filter(pk=dossier.pk, status=Status.CLOSED).update(
            status=Status.OPEN, ended_on=None, due_on=None, updated_at=timezone.now()) != 1:
        raise DomainError(_("Chỉ mở lại được hồ sơ đã kết thúc và chưa nộp lưu."))
    dossier.refresh_from_db()
    _history([dossier], acting_user)
    return dossier


@transaction.atomic
def dossiers_hand_over(*, acting_user: User, from_officer: User, to_officer: User) -> int:
    """An officer who leaves or moves hands over all their dossiers not yet archived; the
    dossiers stay in the department that formed them."""
    department = from_officer.department
    if not (department and rules.heads_department(acting_user, department)) and not acting_user.has_role("office"):
        raise DomainError(_("Chỉ trưởng đơn vị hoặc Văn phòng được bàn giao hồ sơ."))
    if from_officer == to_officer:
        raise DomainError(_("Chọn người nhận bàn giao khác người bàn giao."), field="to_officer")
    dossiers = list(Dossier.objects.select_for_update().filter(officer=from_officer).exclude(status=Status.ARCHIVED))
    for dossier in dossiers:
        dossier.officer = to_officer
    Dossier.objects.bulk_update(dossiers, ["officer"])
    _history(dossiers, acting_user)
    return len(dossiers)


@transaction.atomic
def dossier_delete(*, acting_user: User, dossier: Dossier) -> None:
    """Into the trash. The Office may trash any dossier not archived; the keeper or head only an
    open one. The code stays taken, and the Office can restore it."""
    dossier = _locked(dossier)
    if dossier.status in (Status.ARCHIVED, Status.SUBMITTED):
        raise DomainError(_("Hồ sơ đã nộp lưu không thể xóa."))
    if not (acting_user.has_role("office") or (dossier.status == Status.OPEN
                                               and rules.is_keeper_or_head(acting_user, dossier))):
        raise DomainError(_("Bạn không được xóa hồ sơ này."))
    if Dossier.all_objects.filter(pk=dossier.pk, is_deleted=False).update(
            is_deleted=True, deleted_at=timezone.now(), deleted_by=acting_user) != 1:
        raise DomainError(_("Hồ sơ đã ở trong thùng rác."))
    # A trashed dossier leaves any batch draft and retention list it was in.
    ArchiveBatchLine.objects.filter(dossier=dossier, outcome=LineOutcome.PENDING,
                                    batch__status=BatchStatus.DRAFT).delete()
    dossier.refresh_from_db()
    _history([dossier], acting_user)


@transaction.atomic
def dossier_restore(*, acting_user: User, dossier: Dossier) -> None:
    if not acting_user.has_role("office"):
        raise DomainError(_("Chỉ Văn phòng được khôi phục hồ sơ."))
    if Dossier.all_objects.filter(pk=dossier.pk, is_deleted=True).update(
            is_deleted=False, deleted_at=None, deleted_by=None) != 1:
        raise DomainError(_("Hồ sơ không ở trong thùng rác."))
    dossier.refresh_from_db()
    _history([dossier], acting_user)


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
    return len(changed)


# --- archive submission --------------------------------------------------------------------------


@transaction.atomic
def archive_batch_create(*, acting_user: User, department: Department, notes: str = "",
                         dossiers=()) -> ArchiveBatch:
    """A head starts a submission of their department's closed dossiers to the archive."""
    if not rules.can_manage_batches_of(acting_user, department):
        raise DomainError(_("Chỉ trưởng đơn vị hoặc Văn phòng được lập hồ sơ nộp lưu của đơn vị."))
    batch = _save(ArchiveBatch(department=department, notes=normalize_text(notes), created_by=acting_user),
                  acting_user)
    if dossiers:
        archive_batch_add(acting_user=acting_user, batch=batch, dossiers=dossiers)
    return batch


@transaction.atomic
def archive_batch_add(*, acting_user: User, batch: ArchiveBatch, dossiers) -> list[ArchiveBatchLine]:
    batch = ArchiveBatch.objects.select_for_update().select_related("department").get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        raise DomainError(_("Lần nộp lưu đã được gửi: không thêm hồ sơ được nữa."))
    if not rules.can_manage_batches_of(acting_user, batch.department):
        raise DomainError(_("Chỉ trưởng đơn vị hoặc Văn phòng được lập hồ sơ nộp lưu của đơn vị."))
    problems = []
    for dossier in dossiers:
        problems.extend(rules.batch_line_problems(dossier, batch))
    _refuse(problems)
    position = (batch.lines.aggregate(m=Max("position"))["m"] or 0)
    lines = []
    for offset, dossier in enumerate(dossiers, start=1):
        if batch.lines.filter(dossier=dossier).exists():
            continue
        if ArchiveBatchLine.objects.filter(dossier=dossier, outcome=LineOutcome.PENDING).exists():
            raise DomainError(_("Hồ sơ %(code)s đã có trong một lần nộp lưu khác.") % {"code": dossier.code})
        lines.append(ArchiveBatchLine.objects.create(batch=batch, dossier=dossier, position=position + offset))
    return lines


@transaction.atomic
def archive_batch_remove(*, acting_user: User, batch: ArchiveBatch, dossier: Dossier) -> None:
    if batch.status != BatchStatus.DRAFT or not rules.can_manage_batches_of(acting_user, batch.department):
        raise DomainError(_("Chỉ bớt hồ sơ khỏi lần nộp lưu đang lập."))
    batch.lines.filter(dossier=dossier).delete()


@transaction.atomic
def archive_batch_submit(*, acting_user: User, batch: ArchiveBatch) -> ArchiveBatch:
    """Send the batch to the archive: every dossier in it must be closed and for the archive;
    they become read-only until the archive receives them."""
    batch = ArchiveBatch.objects.select_for_update().select_related("department").get(pk=batch.pk)
    dossiers = list(Dossier.all_objects.select_for_update().filter(batch_lines__batch=batch)
                    .select_related("department"))
    _refuse(rules.batch_submit_problems(acting_user, batch, dossiers))
    now = timezone.now()
    if ArchiveBatch.objects.filter(pk=batch.pk, status=BatchStatus.DRAFT).update(
            status=BatchStatus.SUBMITTED, submitted_by=acting_user, submitted_at=now) != 1:
        raise DomainError(_("Lần nộp lưu này đã được gửi."))
    moved = Dossier.objects.filter(pk__in=[d.pk for d in dossiers], status=Status.CLOSED).update(
        status=Status.SUBMITTED, return_reason="", updated_at=now)
    if moved != len(dossiers):
        raise DomainError(_("Một số hồ sơ vừa thay đổi trạng thái; tải lại trang và thử lại."))
    batch.refresh_from_db()
    _history([batch], acting_user)
    _history(list(Dossier.all_objects.filter(pk__in=[d.pk for d in dossiers])), acting_user)
    return batch


@transaction.atomic
def archive_batch_receive(*, acting_user: User, batch: ArchiveBatch, returns: dict[int, str] | None = None,
                          note: str = "") -> ArchiveBatch:
    """The archive (Office) receives a batch: each dossier accepted (archived, read-only from
    now on) or returned to its department with a reason. All returned: the batch is returned."""
    if not rules.can_receive(acting_user):
        raise DomainError(_("Chỉ lưu trữ (Văn phòng) được tiếp nhận hồ sơ nộp lưu."))
    batch = ArchiveBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.SUBMITTED:
        raise DomainError(_("Chỉ tiếp nhận lần nộp lưu đã gửi và chưa được tiếp nhận."))
    returns = {int(k): normalize_text(v) for k, v in (returns or {}).items()}
    lines = list(batch.lines.select_related("dossier"))
    known = {line.dossier_id for line in lines}
    problems = [_("Hồ sơ %(id)s không thuộc lần nộp lưu này.") % {"id": pk} for pk in returns if pk not in known]
    problems += [_("Nhập lý do trả lại hồ sơ %(code)s.") % {"code": line.dossier.code}
                 for line in lines if line.dossier_id in returns and not returns[line.dossier_id]]
    _refuse(problems, field="returns")
    all_returned = bool(lines) and all(line.dossier_id in returns for line in lines)
    now = timezone.now()
    status = BatchStatus.RETURNED if all_returned else BatchStatus.RECEIVED
    if ArchiveBatch.objects.filter(pk=batch.pk, status=BatchStatus.SUBMITTED).update(
            status=status, received_by=acting_user, received_at=now, receipt_note=normalize_text(note)) != 1:
        raise DomainError(_("Lần nộp lưu đã được tiếp nhận."))
    accepted = [line.dossier_id for line in lines if line.dossier_id not in returns]
    batch.lines.filter(dossier_id__in=accepted).update(outcome=LineOutcome.ACCEPTED)
    Dossier.all_objects.filter(pk__in=accepted, status=Status.SUBMITTED).update(
        status=Status.ARCHIVED, archived_on=timezone.localdate(), updated_at=now)
    for line in lines:
        if line.dossier_id in returns:
            reason = returns[line.dossier_id]
            ArchiveBatchLine.objects.filter(pk=line.pk).update(outcome=LineOutcome.RETURNED, reason=reason)
            Dossier.all_objects.filter(pk=line.dossier_id, status=Status.SUBMITTED).update(
                status=Status.CLOSED, return_reason=reason, updated_at=now)
    batch.refresh_from_db()
    _history([batch], acting_user)
    _history(list(Dossier.all_objects.filter(pk__in=known)), acting_user)
    return batch


def archive_batch_return(*, acting_user: User, batch: ArchiveBatch, reason: str) -> ArchiveBatch:
    """Return the whole batch with one reason."""
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do trả lại."), field="reason")
    ids = list(batch.lines.values_list("dossier_id", flat=True))
    return archive_batch_receive(acting_user=acting_user, batch=batch, returns={pk: reason for pk in ids},
                                 note=reason)


# --- retention lists -----------------------------------------------------------------------------


@transaction.atomic
def retention_list_create(*, acting_user: User, department: Department) -> RetentionList:
    if not rules.heads_department(acting_user, department):
        raise DomainError(_("Chỉ trưởng đơn vị được lập danh mục hồ sơ giữ lại."))
    return _save(RetentionList(department=department, created_by=acting_user), acting_user)


@transaction.atomic
def retention_line_add(*, acting_user: User, retention_list: RetentionList, dossier: Dossier, reason: str,
                       keep_until: datetime.date | None) -> RetentionLine:
    """List a due dossier to keep, with the reason and the date — at most two years after its
    due date (Decree 30, Art. 31.3.d); a later date is refused."""
    retention_list = RetentionList.objects.select_for_update().select_related("department").get(pk=retention_list.pk)
    if retention_list.status != RetentionStatus.DRAFT:
        raise DomainError(_("Danh mục đã gửi lãnh đạo: không thêm hồ sơ được nữa."))
    if not rules.heads_department(acting_user, retention_list.department):
        raise DomainError(_("Chỉ trưởng đơn vị được lập danh mục hồ sơ giữ lại."))
    if not dossier.department.path.startswith(retention_list.department.path):
        raise DomainError(_("Hồ sơ %(code)s không thuộc đơn vị.") % {"code": dossier.code}, field="dossier")
    _refuse(rules.keep_until_problems(dossier, keep_until), field="keep_until")
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do giữ lại."), field="reason")
    return _save(RetentionLine(retention_list=retention_list, dossier=dossier, reason=reason, keep_until=keep_until),
                 acting_user)


@transaction.atomic
def retention_line_remove(*, acting_user: User, line: RetentionLine) -> None:
    if line.retention_list.status != RetentionStatus.DRAFT or not rules.heads_department(
            acting_user, line.retention_list.department):
        raise DomainError(_("Chỉ bớt hồ sơ khỏi danh mục đang lập."))
    line._history_user = acting_user
    line.delete()


@transaction.atomic
def retention_list_submit(*, acting_user: User, retention_list: RetentionList) -> RetentionList:
    if not rules.heads_department(acting_user, retention_list.department):
        raise DomainError(_("Chỉ trưởng đơn vị được gửi danh mục hồ sơ giữ lại."))
    if not retention_list.lines.exists():
        raise DomainError(_("Danh mục chưa có hồ sơ nào."))
    if RetentionList.objects.filter(pk=retention_list.pk, status=RetentionStatus.DRAFT).update(
            status=RetentionStatus.SUBMITTED, submitted_at=timezone.now()) != 1:
        raise DomainError(_("Danh mục đã được gửi lãnh đạo."))
    retention_list.refresh_from_db()
    _history([retention_list], acting_user)
    return retention_list


@transaction.atomic
def retention_line_decide(*, acting_user: User, line: RetentionLine, approve: bool, note: str = "") -> RetentionLine:
    """Leadership approves or rejects one line. An approved line holds the dossier back (not
    overdue) until its date; when no line is left pending the list is decided."""
    if not rules.can_decide_retention(acting_user):
        raise DomainError(_("Chỉ lãnh đạo Ban được duyệt danh mục hồ sơ giữ lại."))
    line = RetentionLine.objects.select_for_update().select_related("retention_list", "dossier").get(pk=line.pk)
    if line.retention_list.status != RetentionStatus.SUBMITTED:
        raise DomainError(_("Danh mục chưa được gửi hoặc đã duyệt xong."))
    decision = Decision.APPROVED if approve else Decision.REJECTED
    if not approve and not normalize_text(note):
        raise DomainError(_("Nhập lý do không đồng ý."), field="note")
    if RetentionLine.objects.filter(pk=line.pk, decision=Decision.PENDING).update(
            decision=decision, decision_note=normalize_text(note)) != 1:
        raise DomainError(_("Hồ sơ này đã được duyệt."))
    line.refresh_from_db()
    _history([line], acting_user)
    if approve:
        Dossier.all_objects.filter(pk=line.dossier_id).update(retained_until=line.keep_until)
        _history([Dossier.all_objects.get(pk=line.dossier_id)], acting_user)
    retention_list = line.retention_list
    if not retention_list.lines.filter(decision=Decision.PENDING).exists():
        RetentionList.objects.filter(pk=retention_list.pk, status=RetentionStatus.SUBMITTED).update(
            status=RetentionStatus.DECIDED, decided_by=acting_user, decided_at=timezone.now())
        retention_list.refresh_from_db()
        _history([retention_list], acting_user)
    return line


# --- reminders -----------------------------------------------------------------------------------


def due_notices_send(*, today: datetime.date | None = None) -> int:
    """Tell each officer, once, of their dossiers falling due for the archive within 30 days (or
    overdue). One e-mail per officer; each dossier is marked so a second run sends nothing."""
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    pending = (Dossier.objects.due_soon(today).filter(due_notice_sent_on__isnull=True)
               .select_related("officer").order_by("officer_id", "due_on", "id"))
    by_officer: dict[int, list[Dossier]] = {}
    for dossier in pending:
        by_officer.setdefault(dossier.officer_id, []).append(dossier)
    sent = 0
    for dossiers in by_officer.values():
        officer = dossiers[0].officer
        with transaction.atomic():
            # Claim first: a concurrent run finds nothing left to send.
            claimed = Dossier.objects.filter(pk__in=[d.pk for d in dossiers], due_notice_sent_on__isnull=True).update(
                due_notice_sent_on=today)
            if not claimed or not officer.email:
                continue
            lines = [f"- {d.code}: {d.title} (hạn {d.due_on:%d/%m/%Y})" for d in dossiers]
            send_mail(
                _("Hồ sơ đến hạn nộp lưu vào lưu trữ cơ quan"),
                _("Kính gửi %(name)s,\n\nCác hồ sơ sau đến hạn nộp lưu trong 30 ngày tới hoặc đã quá hạn:\n%(lines)s\n")
                % {"name": officer.full_name, "lines": "\n".join(lines)},
                None, [officer.email],
            )
            sent += 1
    return sent
