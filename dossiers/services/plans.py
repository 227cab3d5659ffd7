"""File plans (danh mục hồ sơ)."""


import logging

from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from recordsportal import audit
from recordsportal.models import Agency, Department, User
from recordsportal.progress import MAX_ERRORS_KEPT
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from .. import rules
from ..models import (
    Dossier, FilePlan, FilePlanEntry, FilePlanHeading, PlanImport,
)
from ._common import _refuse, _save

logger = logging.getLogger(__name__)


def _require_plan_editor(user, plan):
    _refuse(rules.plan_edit_problems(user, plan))


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
    return audit.save(heading, acting_user=acting_user)


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
def file_plan_entry_update(*, acting_user: User, entry: FilePlanEntry, title: str, retention_years: int | None,
                           responsible: User | None = None, notes: str = "") -> FilePlanEntry:
    """Correct an entry (a title copied from last year's plan, a retention period, the person
    responsible); its number and symbol stay, so codes already given keep meaning. The history
    keeps what it said before."""
    _require_plan_editor(acting_user, entry.plan)
    if responsible is not None and responsible.department_id and not responsible.department.path.startswith(
            entry.plan.department.path):
        raise DomainError(_("Người lập hồ sơ phải thuộc đơn vị của danh mục."), field="responsible")
    entry.title, entry.retention_years = normalize_text(title), retention_years
    entry.responsible, entry.notes = responsible, normalize_text(notes)
    return _save(entry, acting_user)


def file_plan_entry_delete_problems(entry: FilePlanEntry) -> list[str]:
    used = Dossier.all_objects.filter(plan_entry=entry).count()
    if used:
        return [_("Đã có %(n)s hồ sơ mở theo mục %(symbol)s; không xóa được (sửa tiêu đề nếu cần).")
                % {"n": used, "symbol": entry.number_symbol}]
    return []


@transaction.atomic
def file_plan_entry_delete(*, acting_user: User, entry: FilePlanEntry) -> None:
    """Remove an entry nothing uses yet (no dossier opened from it, even one in the trash)."""
    _require_plan_editor(acting_user, entry.plan)
    _refuse(file_plan_entry_delete_problems(entry))
    audit.delete(entry, acting_user=acting_user)


@transaction.atomic
def file_plan_heading_update(*, acting_user: User, heading: FilePlanHeading, title: str) -> FilePlanHeading:
    """Correct a heading's title (its abbreviation is part of the entries' symbols and stays)."""
    _require_plan_editor(acting_user, heading.plan)
    heading.title = normalize_text(title)
    heading.full_clean()
    return audit.save(heading, acting_user=acting_user)


def file_plan_heading_delete_problems(heading: FilePlanHeading) -> list[str]:
    problems = []
    if heading.entries.exists() or FilePlanEntry.objects.filter(heading__parent=heading).exists():
        problems.append(_("Đề mục “%(title)s” còn hồ sơ trong danh mục; xóa hoặc chuyển các hồ sơ trước.")
                        % {"title": heading.title})
    elif heading.children.exists():
        problems.append(_("Đề mục “%(title)s” còn đề mục nhỏ; xóa các đề mục nhỏ trước.") % {"title": heading.title})
    return problems


@transaction.atomic
def file_plan_heading_delete(*, acting_user: User, heading: FilePlanHeading) -> None:
    _require_plan_editor(acting_user, heading.plan)
    _refuse(file_plan_heading_delete_problems(heading))
    audit.delete(heading, acting_user=acting_user)


@transaction.atomic
def file_plan_copy(*, acting_user: User, source: FilePlan, year: int) -> FilePlan:
    """Next year's plan from this one: the same headings and dossiers (numbers and symbols
    kept), no dossiers opened yet. Usually year = source.year + 1."""
    if FilePlan.objects.filter(department=source.department, year=year).exists():
        raise DomainError(_("Phòng, đơn vị này đã có danh mục hồ sơ năm %(year)s.") % {"year": year}, field="year")
    plan = file_plan_create(acting_user=acting_user, department=source.department, year=year, notes=source.notes)
    mapping = {}
    for heading in source.headings.order_by("parent_id", "position").select_related("parent"):
        mapping[heading.pk] = audit.save(FilePlanHeading(
            plan=plan, parent=mapping.get(heading.parent_id), position=heading.position, title=heading.title,
            abbreviation=heading.abbreviation), acting_user=acting_user)
    for entry in source.entries.select_related("responsible"):
        responsible = entry.responsible if entry.responsible and entry.responsible.is_active else None
        _check_symbol_free(plan, entry.number_symbol)
        _save(FilePlanEntry(plan=plan, heading=mapping[entry.heading_id], number=entry.number,
                            number_symbol=entry.number_symbol, title=entry.title,
                            retention_years=entry.retention_years, responsible=responsible, notes=entry.notes),
              acting_user)
    return plan


# --- import from Excel ------------------------------------------------------------------------
# The upload is checked as a file and stored in the request (`file_plan_import_start`); a Celery
# task (dossiers.tasks.import_file_plan_task) then reads and checks every row, writing its
# progress to the PlanImport row, and saves the whole plan in one transaction
# (`file_plan_import_run`). The embedded default runs the task at once, in the request.


@transaction.atomic
def file_plan_import_rows(*, acting_user: User, plan: FilePlan, rows) -> int:
    """Save the checked rows of a file (dossiers.excel.parse_file_plan) into the empty plan: all
    the headings and entries, or none. A few statements whatever the size (a per-entry service
    call took 6-12 s for 2,000 entries); the checks the per-entry path made are made here for
    the whole file, each refusal naming its row and column. Returns the number of entries."""
    from ..excel import FilePlanImportError

    _require_plan_editor(acting_user, plan)
    FilePlan.objects.select_for_update().filter(pk=plan.pk).first()  # one import (or edit) at a time
    if plan.entries.exists() or plan.headings.exists():
        raise DomainError(_("Danh mục đã có nội dung: chỉ nhập từ Excel vào danh mục trống."))

    # 1. Number and symbol of every entry (`01.TCCB`), unique in the file and over every plan of
    #    the year: the dossier code is agency + year + number and symbol.
    errors: list[tuple[int, str]] = []  # (row, message), listed in the file's order
    symbols: dict[str, int] = {}
    major = None
    for row in rows:
        if row.kind == "major":
            major = row.abbreviation
        elif row.kind == "entry":
            row.number_symbol = f"{row.number:02d}.{major}"
            if row.number_symbol in symbols:
                errors.append((row.row, _("Dòng %(row)s, cột A: số và ký hiệu %(symbol)s trùng với dòng %(other)s.")
                               % {"row": row.row, "symbol": row.number_symbol, "other": symbols[row.number_symbol]}))
            else:
                symbols[row.number_symbol] = row.row
    taken = dict(FilePlanEntry.objects.filter(plan__year=plan.year, number_symbol__in=list(symbols))
                 .values_list("number_symbol", "plan__department__name"))
    for symbol, department in taken.items():
        errors.append((symbols[symbol], _(
            "Dòng %(row)s, cột A: số và ký hiệu %(symbol)s đã có trong danh mục năm %(year)s của %(department)s; "
            "dùng ký hiệu đề mục khác.") % {"row": symbols[symbol], "symbol": symbol, "year": plan.year,
                                           "department": department}))
    if errors:
        raise FilePlanImportError([message for _row, message in sorted(errors, key=lambda error: error[0])])

    # 2. Headings: the major ones, then the minor ones (which need their parent's id); each entry
    #    goes under the heading it follows in the file.
    majors: list[FilePlanHeading] = []
    minors: list[FilePlanHeading] = []
    placed = []
    current = None
    for row in rows:
        if row.kind == "major":
            current = FilePlanHeading(plan=plan, position=len(majors) + 1, title=normalize_text(row.title),
                                      abbreviation=row.abbreviation)
            majors.append(current)
            minors_here = 0
        elif row.kind == "minor":
            minors_here += 1
            current = FilePlanHeading(plan=plan, parent=majors[-1], position=minors_here,
                                      title=normalize_text(row.title))
            minors.append(current)
        else:
            placed.append((row, current))
    for heading in majors + minors:
        heading.full_clean(exclude=["plan", "parent"], validate_unique=False, validate_constraints=False)
    FilePlanHeading.objects.bulk_create(majors)
    FilePlanHeading.objects.bulk_create(minors)  # parent_id is taken from the saved major
    audit.record(majors + minors, acting_user=acting_user, reason="import", created=True)

    # 3. Entries, with their audit rows.
    entries = []
    for row, heading in placed:
        entry = FilePlanEntry(plan=plan, heading=heading, number=row.number, number_symbol=row.number_symbol,
                              title=normalize_text(row.title), retention_years=row.retention_years,
                              responsible=row.responsible, notes=normalize_text(row.notes))
        entry.full_clean(exclude=["plan", "heading", "responsible"], validate_unique=False,
                         validate_constraints=False)
        entries.append(entry)
    bulk_create_with_history(entries, FilePlanEntry, batch_size=500, default_user=acting_user,
                             default_change_reason="import")
    return len(entries)


def file_plan_import(*, acting_user: User, plan: FilePlan, upload) -> int:
    """Fill an empty plan from an .xlsx in the export's layout, here and now (no task, no
    progress row). All rows or none: any bad row refuses the whole file with the row and column
    of each problem."""
    from ..excel import parse_file_plan

    _require_plan_editor(acting_user, plan)
    rows = parse_file_plan(upload, plan=plan)
    return file_plan_import_rows(acting_user=acting_user, plan=plan, rows=rows)


@transaction.atomic
def file_plan_import_start(*, acting_user: User, plan: FilePlan, upload) -> PlanImport:
    """Accept an upload for the task: refused here, before anything is stored, when the plan is
    not empty, another import of it is running, or the file as a whole is wrong (not a
    workbook, too large, not the plan's layout, more than MAX_PLAN_ROWS rows, no rows)."""
    from documents.attachments import sha256_of

    from ..excel import check_plan_upload

    _require_plan_editor(acting_user, plan)
    FilePlan.objects.select_for_update().filter(pk=plan.pk).first()  # two uploads at once: one goes on
    if plan.entries.exists() or plan.headings.exists():
        raise DomainError(_("Danh mục đã có nội dung: chỉ nhập từ Excel vào danh mục trống."))
    for running in plan.imports.exclude(state__in=PlanImport.FINISHED):
        if not running.stale:
            raise DomainError(_("Tệp “%(name)s” đang được nhập vào danh mục này; chờ lần nhập đó xong.")
                              % {"name": running.original_name})
        running.write(state=PlanImport.State.FAILED, finished_at=timezone.now(),
                      message=_("Bị gián đoạn, đã thay bằng một lần nhập tệp khác."))
    rows_total = check_plan_upload(upload)
    record = PlanImport(plan=plan, original_name=normalize_text(upload.name)[:255], size=upload.size,
                        sha256=sha256_of(upload), rows_total=rows_total, created_by=acting_user)
    record.file.save("upload.xlsx", upload, save=False)
    record.save()
    return record


def file_plan_import_run(*, plan_import_id: int) -> PlanImport | None:
    """The task's work, idempotent and resumable: a finished import is left as it is; an
    unfinished one (queued, or cut off by a killed worker) is read again from the start. The
    progress is written as the rows are read (outside any transaction, so the page sees it);
    the plan is saved in one transaction that also marks the import done, so a worker killed
    at any point leaves either nothing or everything, and a second run finds it done."""
    from ..excel import FilePlanImportError, parse_file_plan

    record = PlanImport.objects.select_related("plan__department", "created_by").filter(pk=plan_import_id).first()
    if record is None or record.finished:
        return record
    State = PlanImport.State
    record.write(state=State.READING, started_at=timezone.now(), attempts=record.attempts + 1, rows_read=0,
                 error_count=0, errors=[], message="")
    report = record.reporter()
    try:
        with record.file.open("rb") as handle:
            rows = parse_file_plan(handle, plan=record.plan, progress=report)
        report.flush()
        record.write(state=State.SAVING)
        with transaction.atomic():
            # The row lock orders two runs of the same import (a message delivered twice).
            state = PlanImport.objects.select_for_update().values_list("state", flat=True).get(pk=record.pk)
            if state in PlanImport.FINISHED:
                return PlanImport.objects.get(pk=record.pk)
            count = file_plan_import_rows(acting_user=record.created_by, plan=record.plan, rows=rows)
            record.write(state=State.DONE, result_count=count, finished_at=timezone.now())
    except FilePlanImportError as error:
        report.flush()
        _import_refused(record, error.errors)
    except DomainError as error:
        _import_refused(record, [error.message])
    except DatabaseError:
        raise  # the database is away: the task retries; the row stays unfinished (then stale)
    except Exception:  # a fault of ours: logged, shown as such, never a page stuck at "reading"
        logger.exception("File plan import %s failed", record.pk)
        record.write(state=State.FAILED, finished_at=timezone.now(), message=_(
            "Lỗi hệ thống khi nhập tệp (đã ghi nhật ký cho quản trị viên). Bấm “Chạy lại” để thử lại."))
    return record


def _import_refused(record: PlanImport, errors: list[str]) -> None:
    """Errors by row and column stay on the row for the page; the refused file is not kept."""
    if record.file:
        record.file.delete(save=False)
    record.write(state=PlanImport.State.REFUSED, errors=[str(e) for e in errors[:MAX_ERRORS_KEPT]],
                 error_count=len(errors), finished_at=timezone.now(), file="")


def file_plan_import_requeue(*, acting_user: User, record: PlanImport) -> PlanImport:
    """Run an import again whose worker died or whose message was lost (the page offers it once
    the row has not moved for a while), or that failed on a fault of ours."""
    _require_plan_editor(acting_user, record.plan)
    if record.state in (PlanImport.State.DONE, PlanImport.State.REFUSED):
        raise DomainError(_("Lần nhập này đã kết thúc; không chạy lại được."))
    if record.state != PlanImport.State.FAILED and not record.stale:
        raise DomainError(_("Lần nhập đang chạy; hãy chờ thêm."))
    record.write(state=PlanImport.State.QUEUED, finished_at=None, message="")
    return record
