"""The file plan in Excel: export in the usual layout (headings I, II… and 1, 2…, then the
dossiers, a footer with the totals) and import of the same layout, checked row by row.

Layout, one row per line of the plan:
  A Số và ký hiệu hồ sơ | B Tên đề mục và tiêu đề hồ sơ | C Thời hạn bảo quản |
  D Đơn vị/người lập hồ sơ | E Ghi chú | F Ký hiệu đề mục
A major heading has A empty, B "I. Tổ chức, cán bộ" and its abbreviation in F; a minor one
has A empty and B "1. Tuyển dụng"; a dossier has its number and symbol in A ("01.TCCB").
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from recordsportal.models import User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key
from recordsportal.xlsx import XlsxError, column_letter, open_sheet, xlsx_response

from .choices import PERMANENT
from .models import retention_label

HEADERS = ["Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời hạn bảo quản", "Đơn vị/người lập hồ sơ",
           "Ghi chú", "Ký hiệu đề mục"]
WIDTHS = [16, 70, 16, 28, 24, 14]
TITLE_ROWS = 2
MAJOR_RE = re.compile(r"^([IVXLC]+)\s*[.)]\s*(.+)$")
MINOR_RE = re.compile(r"^(\d+)\s*[.)]\s*(.+)$")
SYMBOL_RE = re.compile(r"^(\d{1,4})\.([0-9A-ZĐ-]{1,20})$")
# The model's field lengths: checked here so a long cell is reported by row and column, not as
# a bare validation error from the database layer (found by tests/properties).
HEADING_MAX, ABBREVIATION_MAX, TITLE_MAX, NOTES_MAX = 255, 20, 500, 500
# A department's yearly plan is tens to a few hundred lines; the cap keeps one upload from holding
# a worker (100,000 rows used to hold a web worker for 180 s). Stated on the upload form.
MAX_PLAN_ROWS = 2_000
MAX_PLAN_BYTES = 5 * 1024 * 1024


class FilePlanImportError(DomainError):
    """Rows that cannot be imported, each message naming its row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors), field="file")
        self.errors = errors


@dataclass
class ParsedRow:
    row: int
    kind: str  # "major", "minor", "entry"
    title: str
    abbreviation: str = ""
    number: int | None = None
    retention_years: int | None = None
    responsible: User | None = None
    notes: str = ""


def plan_rows(plan):
    """The plan as sheet rows (headings, then their dossiers), with the footer."""
    headings = list(plan.headings.order_by("position", "id"))
    majors = [h for h in headings if h.parent_id is None]
    minors: dict[int, list] = {}
    for h in headings:
        if h.parent_id:
            minors.setdefault(h.parent_id, []).append(h)
    entries: dict[int, list] = {}
    for entry in plan.entries.select_related("responsible").order_by("number", "id"):
        entries.setdefault(entry.heading_id, []).append(entry)

    def entry_row(e):
        return [e.number_symbol, e.title, retention_label(e.retention_years),
                e.responsible.username if e.responsible else "", e.notes, ""]

    for major in majors:
        yield ["", f"{major.label}. {major.title}", "", "", "", major.abbreviation]
        for e in entries.get(major.pk, []):
            yield entry_row(e)
        for minor in minors.get(major.pk, []):
            yield ["", f"{minor.label}. {minor.title}", "", "", "", ""]
            for e in entries.get(minor.pk, []):
                yield entry_row(e)
    all_entries = [e for group in entries.values() for e in group]
    permanent = sum(1 for e in all_entries if e.retention_years == PERMANENT)
    yield []
    yield ["", _("Tổng số: %(n)s hồ sơ, trong đó %(p)s hồ sơ bảo quản vĩnh viễn, %(t)s hồ sơ có thời hạn.")
           % {"n": len(all_entries), "p": permanent, "t": len(all_entries) - permanent}, "", "", "", ""]


def file_plan_xlsx(plan):
    title = [_("DANH MỤC HỒ SƠ NĂM %(year)s") % {"year": plan.year}, str(plan.department)]
    return xlsx_response(f"danh-muc-ho-so-{plan.year}-{search_key(plan.department.abbreviation)}.xlsx", HEADERS,
                         plan_rows(plan), sheet_title=_("Danh mục hồ sơ"), widths=WIDTHS, title_rows=title)


def parse_retention(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        years = int(value)
    else:
        key = search_key(str(value))
        if key in ("vinh vien", "vv"):
            return PERMANENT
        match = re.fullmatch(r"(\d{1,3})\s*(nam)?", key)
        if not match:
            raise ValueError
        years = int(match.group(1))
    if not 1 <= years <= 100:
        raise ValueError
    return years


def _open(upload) -> tuple:
    """(the sheet, its header row): the export's layout (two title rows, headers on row 3) or a
    plain sheet with the headers on row 1."""
    limits = {"max_rows": MAX_PLAN_ROWS, "max_bytes": MAX_PLAN_BYTES}
    header_row = TITLE_ROWS + 1
    try:
        sheet = open_sheet(upload, header_row=header_row, **limits)
    except XlsxError:
        sheet = None  # e.g. a sheet of two rows has no row 3: the headers may still be on row 1
    if sheet is None or search_key(sheet.headers[0] if sheet.headers else "") != search_key(HEADERS[0]):
        header_row = 1
        sheet = open_sheet(upload, header_row=header_row, **limits)
    wanted = [search_key(h) for h in HEADERS[:3]]
    if [search_key(h) for h in sheet.headers[:3]] != wanted:
        raise XlsxError(_("Tệp không đúng mẫu danh mục hồ sơ: cần các cột %(cols)s.") % {"cols": ", ".join(HEADERS)})
    return sheet, header_row


def _no_data(header_row: int) -> str:
    return _("Tệp có dòng tiêu đề cột (dòng %(row)s) nhưng không có dòng nào bên dưới: chưa có đề mục hay hồ sơ "
             "nào để nhập.") % {"row": header_row}


def check_plan_upload(upload) -> int:
    """Refuse a file as a whole before it is stored or queued (not a workbook, too big, not the
    plan's layout, damaged, more than MAX_PLAN_ROWS rows, nothing under the headers); the number
    of its non-blank rows otherwise. Reading stops at the cap, so this is quick."""
    try:
        sheet, header_row = _open(upload)
        count = sum(1 for _row in sheet.rows)
    except XlsxError as error:
        raise FilePlanImportError([str(error)]) from error
    if not count:
        raise FilePlanImportError([_no_data(header_row)])
    return count


def parse_file_plan(upload, *, plan, progress=None) -> list[ParsedRow]:
    """Every row of the file, checked; a FilePlanImportError lists every bad row and column.
    `progress(rows_read, errors_so_far)` is called after each row (see recordsportal.progress)."""
    try:
        sheet, header_row = _open(upload)
    except XlsxError as error:
        raise FilePlanImportError([str(error)]) from error
    read = 0
    people = {}
    for user in User.objects.filter(is_active=True, department__path__startswith=plan.department.path):
        people[search_key(user.username)] = user
        people.setdefault(search_key(user.full_name), user)
    rows: list[ParsedRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    major = None

    def error(row, col, message):
        errors.append(_("Dòng %(row)s, cột %(col)s: %(message)s") % {"row": row, "col": column_letter(col),
                                                                         "message": message})

    try:
        for number, values in sheet.rows:
            read += 1
            if progress is not None:
                progress(read, len(errors))
            values = list(values) + [None] * (6 - len(values))
            symbol, text, retention, person, notes, abbreviation = (
                normalize_text(str(v)) if v is not None and not isinstance(v, (int, float)) else v for v in values[:6])
            text = normalize_text(str(text)) if text is not None else ""
            symbol = normalize_text(str(symbol)) if symbol is not None else ""
            if not symbol and not text:
                continue
            if not symbol and search_key(text).startswith("tong so"):
                continue  # the footer
            if not symbol:
                if match := MAJOR_RE.match(text):
                    abbreviation = normalize_text(str(abbreviation or "")).upper().replace(" ", "")
                    if not abbreviation:
                        error(number, 6, _("đề mục lớn phải có ký hiệu viết tắt (ví dụ TCCB)."))
                    elif len(abbreviation) > ABBREVIATION_MAX:
                        error(number, 6, _("ký hiệu đề mục dài quá %(n)s ký tự.") % {"n": ABBREVIATION_MAX})
                    if len(match.group(2)) > HEADING_MAX:
                        error(number, 2, _("tên đề mục dài quá %(n)s ký tự.") % {"n": HEADING_MAX})
                    major = abbreviation
                    rows.append(ParsedRow(number, "major", match.group(2), abbreviation=abbreviation))
                elif match := MINOR_RE.match(text):
                    if major is None:
                        error(number, 2, _("đề mục nhỏ phải nằm sau một đề mục lớn (I, II…)."))
                    if len(match.group(2)) > HEADING_MAX:
                        error(number, 2, _("tên đề mục dài quá %(n)s ký tự.") % {"n": HEADING_MAX})
                    rows.append(ParsedRow(number, "minor", match.group(2)))
                else:
                    error(number, 1, _("thiếu số và ký hiệu hồ sơ (hoặc cột B không phải đề mục “I.”, “1.”)."))
                continue
            match = SYMBOL_RE.match(symbol.upper().replace(" ", ""))
            if major is None:
                error(number, 1, _("hồ sơ phải nằm sau một đề mục lớn (I, II…)."))
                continue
            if not match:
                error(number, 1, _("số và ký hiệu “%(s)s” không đúng dạng 01.%(a)s.") % {"s": symbol, "a": major})
                continue
            if match.group(2) != major:
                error(number, 1, _("ký hiệu “%(s)s” không khớp ký hiệu đề mục %(a)s.") % {"s": symbol, "a": major})
                continue
            if symbol in seen:
                error(number, 1, _("số và ký hiệu “%(s)s” bị trùng trong tệp.") % {"s": symbol})
                continue
            seen.add(symbol)
            if not text:
                error(number, 2, _("thiếu tiêu đề hồ sơ."))
                continue
            if len(text) > TITLE_MAX:
                error(number, 2, _("tiêu đề hồ sơ dài quá %(n)s ký tự.") % {"n": TITLE_MAX})
                continue
            if len(str(notes or "")) > NOTES_MAX:
                error(number, 5, _("ghi chú dài quá %(n)s ký tự.") % {"n": NOTES_MAX})
                continue
            try:
                years = parse_retention(retention)
            except ValueError:
                error(number, 3, _("thời hạn bảo quản “%(v)s” không hợp lệ (ghi “Vĩnh viễn” hoặc số năm, ví dụ 10 năm).")
                      % {"v": retention if retention is not None else ""})
                continue
            responsible = None
            if person:
                responsible = people.get(search_key(str(person)))
                if responsible is None:
                    error(number, 4, _("không tìm thấy cán bộ “%(p)s” trong đơn vị.") % {"p": person})
                    continue
            rows.append(ParsedRow(number, "entry", text, number=int(match.group(1)), retention_years=years,
                                  responsible=responsible, notes=str(notes or "")))
    except XlsxError as exc:
        errors.append(str(exc))
    if progress is not None:
        progress(read, len(errors))
    if errors:
        raise FilePlanImportError(errors)
    if not read:
        raise FilePlanImportError([_no_data(header_row)])
    if not any(r.kind == "entry" for r in rows):
        raise FilePlanImportError([_("Tệp có đề mục nhưng không có hồ sơ nào (dòng có số và ký hiệu hồ sơ ở cột A, "
                                     "ví dụ 01.TCCB).")])
    return rows
