"""File plans (danh mục hồ sơ)."""


from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from recordsportal.models import Agency, Department, User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from .. import rules
from ..models import (
    FilePlan, FilePlanEntry, FilePlanHeading,
)
from ._common import _save


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
    from ..excel import FilePlanImportError, parse_file_plan

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
