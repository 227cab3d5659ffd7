"""Importing the organisation directory from Excel (.xlsx): all rows or none.

Columns, found by their header (accents and case ignored): "Mã định danh" and "Tên cơ quan"
(required), "Ghi chú" (optional). A row with a code updates the organisation with that code (or
adds it); a row without one updates the organisation of the same name (or adds it, on paper).
Every error names its row and column, in Vietnamese; one error and nothing is saved.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key
from recordsportal.xlsx import XlsxError, column_letter, open_sheet

from .models import CODE_VALIDATOR, Organisation

COLUMNS = {
    "code": ("ma dinh danh", "ma"),
    "name": ("ten co quan", "ten co quan, to chuc", "ten don vi", "ten"),
    "notes": ("ghi chu",),
}
MAX_ROWS = 20_000


@dataclass
class DirectoryImport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


class DirectoryImportError(DomainError):
    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors[:20]), field="file")
        self.errors = errors


def _columns(headers: list[str]) -> dict[str, int]:
    found = {}
    for index, header in enumerate(headers):
        key = search_key(header)
        for name, labels in COLUMNS.items():
            if key in labels and name not in found:
                found[name] = index
    return found


@transaction.atomic
def organisations_import(*, acting_user, upload) -> DirectoryImport:
    if not acting_user.has_role(Role.ADMIN):
        raise DomainError(_("Chỉ quản trị hệ thống được sửa danh bạ liên thông."))
    try:
        sheet = open_sheet(upload, max_rows=MAX_ROWS)
    except XlsxError as error:
        raise DirectoryImportError([str(error)]) from error
    columns = _columns(sheet.headers)
    missing = [label for name, label in (("code", _("Mã định danh")), ("name", _("Tên cơ quan")))
               if name not in columns]
    if missing:
        raise DirectoryImportError([_("Dòng 1: thiếu cột “%(column)s”.") % {"column": label} for label in missing])
    result = DirectoryImport()
    rows = []
    seen_codes: dict[str, int] = {}
    try:
        for number, values in sheet.rows:
            code = normalize_text(str(values[columns["code"]] or "")).upper()
            name = normalize_text(str(values[columns["name"]] or ""))
            notes = normalize_text(str(values[columns["notes"]] or "")) if "notes" in columns else ""
            where = _("Dòng %(row)d, cột %(column)s") % {"row": number, "column": column_letter(columns["name"] + 1)}
            code_where = _("Dòng %(row)d, cột %(column)s") % {"row": number,
                                                              "column": column_letter(columns["code"] + 1)}
            if not name:
                result.errors.append(_("%(where)s (Tên cơ quan): chưa có tên.") % {"where": where})
            if len(name) > 255:
                result.errors.append(_("%(where)s (Tên cơ quan): dài quá 255 ký tự.") % {"where": where})
            if code:
                try:
                    CODE_VALIDATOR(code)
                except ValidationError:
                    result.errors.append(_("%(where)s (Mã định danh): “%(code)s” không đúng dạng 000.00.31.H09 "
                                           "(13 ký tự).") % {"where": code_where, "code": code[:40]})
                if code in seen_codes:
                    result.errors.append(_("%(where)s (Mã định danh): “%(code)s” trùng với dòng %(first)d.")
                                         % {"where": code_where, "code": code, "first": seen_codes[code]})
                seen_codes.setdefault(code, number)
            rows.append((code, name, notes[:255]))
    except XlsxError as error:
        raise DirectoryImportError([str(error)]) from error
    if result.errors:
        raise DirectoryImportError(result.errors)
    if not rows:
        raise DirectoryImportError([_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")])
    by_code = Organisation.objects.by_code([code for code, _name, _notes in rows])
    by_name = {o.name_key: o for o in Organisation.objects.filter(code="", name_key__in=[search_key(n) for _c, n, _x in rows])}
    for code, name, notes in rows:
        organisation = by_code.get(code) if code else by_name.get(search_key(name))
        if organisation is None:
            organisation = Organisation(code=code, name=name, notes=notes)
            result.created += 1
        else:
            if (organisation.name, organisation.notes) == (name, notes or organisation.notes):
                continue
            organisation.name, organisation.notes = name, notes or organisation.notes
            result.updated += 1
        audit.save(organisation, acting_user=acting_user)
        if code:
            by_code[code] = organisation
        else:
            by_name[search_key(name)] = organisation
    return result
