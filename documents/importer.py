"""Import a register exported by the provincial e-office system (.xlsx, Vietnamese headers).

Two steps, both driven by `build_plan`:

1. **Dry run** (`import_preview`): every row is read and checked; each problem is reported by
   row, column letter and header, in Vietnamese (“Dòng 5, cột B (Ngày đến): …”). Nothing is
   written.
2. **Import** (`register_import`): the same checks run again inside one transaction, with the
   register counters locked, and only when there is no error are the rows inserted. Either every
   row goes in or none does.

Idempotence: each row gets an `import_key`, a SHA-256 of its identity in the source register
(direction, year and number, symbol, issuer, dates, summary). A row whose key is already in the
database is reported as "already imported" and skipped, so importing the same file twice
creates nothing new (the unique constraint on `import_key` backs this under concurrency).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history

from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key
from recordsportal.xlsx import Sheet, XlsxError, column_letter, open_sheet

from . import rules
from .choices import Confidentiality, Direction, Form, Kind, Status, Urgency, kind_from_label
from .models import Document
from .services import _normalise, allocate_number, raise_counter_to, series_for

# A year's register of a provincial board is a few thousand rows; the cap keeps one upload from
# tying up a worker (the file-size and zip-bomb limits are checked by `open_sheet` first).
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 10 * 1024 * 1024
# The preview page lists this many rows/errors; the counts always cover the whole file.
PREVIEW_LIMIT = 300


# --- the fields a register column can feed -----------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


def header_key(text) -> str:
    """`Số, ký hiệu` and `SO KY HIEU (*)` give the same key: no accents, case or punctuation."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", search_key(str(text or ""))).split())


INCOMING_FIELDS = (
    ImportField("number", gettext_lazy("Số đến"), ("Số đến", "Số TT đến", "Số thứ tự đến", "Số đến/ năm")),
    ImportField("register_date", gettext_lazy("Ngày đến"), ("Ngày đến", "Ngày nhận"), required=True),
    ImportField(
        "issuer", gettext_lazy("Tác giả (cơ quan ban hành)"),
        ("Tác giả", "Cơ quan ban hành", "Nơi gửi", "Nơi ban hành", "Đơn vị ban hành", "Cơ quan gửi"),
        required=True,
    ),
    ImportField("number_symbol", gettext_lazy("Số, ký hiệu"), ("Số, ký hiệu", "Số ký hiệu", "Số hiệu", "Số/ký hiệu", "Số ký hiệu văn bản")),
    ImportField("document_date", gettext_lazy("Ngày văn bản"), ("Ngày văn bản", "Ngày VB", "Ngày tháng văn bản", "Ngày ban hành", "Ngày ký")),
    ImportField("kind", gettext_lazy("Tên loại"), ("Tên loại", "Loại văn bản", "Loại VB")),
    ImportField(
        "summary", gettext_lazy("Trích yếu"),
        ("Trích yếu", "Trích yếu nội dung", "Tên loại và trích yếu", "Tên loại và trích yếu nội dung", "Nội dung"),
        required=True,
    ),
    ImportField("recipients", gettext_lazy("Đơn vị hoặc người nhận"), ("Đơn vị hoặc người nhận", "Đơn vị, người nhận", "Nơi nhận", "Người nhận", "Đơn vị nhận")),
    ImportField("notes", gettext_lazy("Ghi chú"), ("Ghi chú",)),
    ImportField("form", gettext_lazy("Hình thức"), ("Hình thức", "Bản điện tử", "Hình thức văn bản", "Loại bản")),
    ImportField("urgency", gettext_lazy("Độ khẩn"), ("Độ khẩn", "Mức độ khẩn")),
    ImportField("confidentiality", gettext_lazy("Độ mật"), ("Độ mật", "Mức độ mật")),
)

OUTGOING_FIELDS = (
    ImportField("number_symbol", gettext_lazy("Số, ký hiệu"), ("Số, ký hiệu", "Số ký hiệu", "Số ký hiệu văn bản", "Số hiệu"), required=True),
    ImportField("register_date", gettext_lazy("Ngày tháng văn bản"), ("Ngày tháng văn bản", "Ngày văn bản", "Ngày VB", "Ngày ban hành", "Ngày tháng"), required=True),
    ImportField("kind", gettext_lazy("Tên loại"), ("Tên loại", "Loại văn bản", "Loại VB")),
    ImportField(
        "summary", gettext_lazy("Trích yếu"),
        ("Trích yếu", "Trích yếu nội dung", "Tên loại và trích yếu", "Tên loại và trích yếu nội dung", "Nội dung"),
        required=True,
    ),
    ImportField("signer", gettext_lazy("Người ký"), ("Người ký",)),
    ImportField("recipients", gettext_lazy("Nơi nhận"), ("Nơi nhận", "Nơi nhận văn bản")),
    ImportField("file_copy_keeper", gettext_lazy("Đơn vị, người nhận bản lưu"), ("Đơn vị, người nhận bản lưu", "Bản lưu", "Đơn vị lưu", "Nơi lưu")),
    ImportField("copies", gettext_lazy("Số lượng bản"), ("Số lượng bản", "Số bản")),
    ImportField("notes", gettext_lazy("Ghi chú"), ("Ghi chú",)),
    ImportField("form", gettext_lazy("Hình thức"), ("Hình thức", "Bản điện tử", "Hình thức văn bản", "Loại bản")),
    ImportField("urgency", gettext_lazy("Độ khẩn"), ("Độ khẩn", "Mức độ khẩn")),
    ImportField("confidentiality", gettext_lazy("Độ mật"), ("Độ mật", "Mức độ mật")),
)

IMPORT_DIRECTIONS = (Direction.INCOMING, Direction.OUTGOING)


def fields_for(direction: str) -> tuple[ImportField, ...]:
    if direction == Direction.INCOMING:
        return INCOMING_FIELDS
    if direction == Direction.OUTGOING:
        return OUTGOING_FIELDS
    raise DomainError(_("Chỉ nhập được sổ văn bản đến hoặc văn bản đi."))


def auto_mapping(headers: list[str], direction: str) -> dict[str, int]:
    """Field name -> 0-based column index, for the headers the synonyms recognise."""
    keys = [header_key(h) for h in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for import_field in fields_for(direction):
        for synonym in import_field.synonyms:
            key = header_key(synonym)
            index = next((i for i, k in enumerate(keys) if k == key and i not in taken), None)
            if index is not None:
                mapping[import_field.name] = index
                taken.add(index)
                break
    return mapping


def clean_mapping(mapping: dict | None, headers: list[str], direction: str) -> dict[str, int]:
    """Keep only known fields pointing at existing columns (a stored mapping is user input)."""
    names = {f.name for f in fields_for(direction)}
    cleaned = {}
    for name, index in (mapping or {}).items():
        try:
            index = int(index)
        except (TypeError, ValueError):
            continue
        if name in names and 0 <= index < len(headers):
            cleaned[name] = index
    return cleaned


def missing_required(mapping: dict[str, int], direction: str) -> list[ImportField]:
    return [f for f in fields_for(direction) if f.required and f.name not in mapping]


# --- the dry run -------------------------------------------------------------------------------


@dataclass
class RowIssue:
    """One problem (or note) about one row, located like a spreadsheet user would look for it."""

    row: int
    message: str
    column: str = ""  # the Excel letter, "" for a whole-row problem
    header: str = ""
    code: str = ""  # "registered_duplicate" for a row the database already holds

    def __str__(self):
        if self.column:
            return _("Dòng %(row)s, cột %(column)s (%(header)s): %(message)s") % {
                "row": self.row, "column": self.column, "header": self.header, "message": self.message,
            }
        return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class PlannedRow:
    row: int
    values: dict
    import_key: str

    @property
    def series(self) -> str:
        return series_for(self.values["direction"], self.values["confidentiality"])

    @property
    def year(self) -> int:
        return self.values["register_date"].year


@dataclass
class ImportPlan:
    direction: str
    headers: list[str]
    mapping: dict[str, int]
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def missing(self) -> list[ImportField]:
        return missing_required(self.mapping, self.direction)


class ImportRejected(DomainError):
    """The dry run found errors: nothing was imported. `plan.errors` lists them all."""

    def __init__(self, plan: ImportPlan):
        super().__init__(
            _("Không nhập: tệp có %(count)s lỗi. Sửa tệp rồi tải lên lại.") % {"count": len(plan.errors)}
        )
        self.plan = plan


class CellError(ValueError):
    pass


DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def parse_date(value) -> datetime.date | None:
    """An Excel date, or text dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell without a date format arrives as its serial number.
        try:
            converted = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            converted = None
        if isinstance(converted, datetime.datetime) and 1945 <= converted.year <= 2100:
            return converted.date()
        raise CellError(_("ngày không hợp lệ “%(value)s”, cần dạng dd/mm/yyyy") % {"value": value})
    text = normalize_text(str(value)).split(" ")[0]  # "03/03/2026 08:15" -> the date
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                # Written as asked (dd/mm/yyyy), but no such day: say so, not "use dd/mm/yyyy".
                raise CellError(_("“%(value)s” không phải là ngày có thật") % {"value": text}) from None
    raise CellError(_("ngày không hợp lệ “%(value)s”, cần dạng dd/mm/yyyy") % {"value": normalize_text(str(value))})


def parse_positive_int(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("cần một số nguyên dương"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = normalize_text(str(value))
        # isdigit() also accepts "²" and 5,000-digit strings, which int() refuses with ValueError.
        if not text.isdigit() or len(text) > 12:
            raise CellError(_("“%(value)s” không phải số nguyên dương") % {"value": text[:50]})
        try:
            number = int(text)
        except ValueError:
            raise CellError(_("“%(value)s” không phải số nguyên dương") % {"value": text}) from None
    if number < 1 or number > 2_000_000_000:
        raise CellError(_("“%(value)s” không phải số nguyên dương") % {"value": value})
    return number


def _choice_parser(choices, extra: dict[str, str], what: str):
    table = {search_key(str(label)): value for value, label in choices}
    table.update({search_key(value): value for value, _label in choices})
    table.update(extra)

    def parse(value):
        if value is None or not str(value).strip():
            return None
        key = search_key(str(value))
        if key in table:
            return table[key]
        raise CellError(
            _("%(what)s “%(value)s” không hợp lệ; dùng một trong: %(choices)s")
            % {"what": what, "value": normalize_text(str(value)), "choices": ", ".join(str(label) for _v, label in choices)}
        )

    return parse


parse_form = _choice_parser(
    Form.choices,
    {"ban dien tu": Form.ELECTRONIC, "x": Form.ELECTRONIC, "co": Form.ELECTRONIC, "ban giay": Form.PAPER,
     "khong": Form.PAPER},
    gettext_lazy("hình thức"),
)
parse_urgency = _choice_parser(
    Urgency.choices, {"binh thuong": Urgency.NORMAL, "khong": Urgency.NORMAL}, gettext_lazy("độ khẩn")
)
parse_confidentiality = _choice_parser(
    Confidentiality.choices, {"binh thuong": Confidentiality.NORMAL, "khong": Confidentiality.NORMAL},
    gettext_lazy("độ mật"),
)

TEXT_LIMITS = {f.name: f.max_length for f in Document._meta.get_fields() if getattr(f, "max_length", None)}
# Longest label first, so "Quy định" is not read as "Quy..." of something shorter.
_KIND_PREFIXES = sorted(((search_key(str(label)), value) for value, label in Kind.choices), key=lambda p: -len(p[0]))
_KIND_ABBREVIATIONS = {value: value for value in Kind.values}


def kind_from_summary(summary: str) -> str | None:
    """“Tên loại và trích yếu” in one column: “Quyết định về việc …” -> QĐ."""
    key = search_key(summary)
    return next((value for prefix, value in _KIND_PREFIXES if key == prefix or key.startswith(prefix + " ")), None)


def kind_from_symbol(symbol: str) -> str | None:
    """`15/QĐ-UBND` -> QĐ; `125/UBND-KT` (an official letter has no type part) -> None."""
    if "/" not in symbol:
        return None
    first = symbol.split("/", 1)[1].split("-", 1)[0].strip()
    return _KIND_ABBREVIATIONS.get(first)


def number_from_symbol(symbol: str) -> int | None:
    match = re.match(r"^\s*0*(\d{1,9})\s*/", symbol or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def make_import_key(values: dict) -> str:
    parts = [
        values["direction"],
        str(values["register_date"].year),
        str(values.get("number") or ""),
        search_key(values.get("number_symbol")),
        search_key(values.get("issuer")),
        values["document_date"].isoformat() if values.get("document_date") else "",
        values["register_date"].isoformat(),
        search_key(values.get("summary")),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _parse_row(number: int, cells: tuple, mapping: dict[str, int], headers: list[str], direction: str,
               plan: ImportPlan) -> dict | None:
    """One row's values, or None after adding its errors to the plan."""
    errors_before = len(plan.errors)
    values: dict = {"direction": direction}

    def cell(name):
        index = mapping.get(name)
        return None if index is None else cells[index]

    def error(name, message):
        index = mapping[name]
        plan.errors.append(RowIssue(number, message, column_letter(index + 1), headers[index]))

    for import_field in fields_for(direction):
        name = import_field.name
        if name not in mapping:
            continue
        raw = cell(name)
        try:
            if name in ("register_date", "document_date"):
                value = parse_date(raw)
            elif name in ("number", "copies"):
                value = parse_positive_int(raw)
            elif name == "form":
                value = parse_form(raw)
            elif name == "urgency":
                value = parse_urgency(raw)
            elif name == "confidentiality":
                value = parse_confidentiality(raw)
            elif name == "kind":
                text = normalize_text(str(raw)) if raw is not None else ""
                value = kind_from_label(text) if text else None
                if text and value is None:
                    plan.warnings.append(RowIssue(
                        number, _("tên loại “%(value)s” không có trong danh mục; ghi là “Loại khác”") % {"value": text},
                        column_letter(mapping[name] + 1), headers[mapping[name]],
                    ))
                    value = Kind.OTHER
            else:
                if isinstance(raw, datetime.datetime):
                    raw = raw.strftime("%d/%m/%Y")
                value = normalize_text(str(raw)) if raw is not None else ""
                limit = TEXT_LIMITS.get(name)
                if limit and len(value) > limit:
                    raise CellError(_("dài quá %(limit)s ký tự") % {"limit": limit})
        except CellError as exc:
            error(name, str(exc))
            continue
        if import_field.required and value in (None, ""):
            error(name, _("không được để trống"))
            continue
        values[name] = value

    if len(plan.errors) > errors_before:
        return None

    values.setdefault("number_symbol", "")
    values.setdefault("notes", "")
    values.setdefault("recipients", "")
    values["form"] = values.get("form") or Form.ELECTRONIC
    values["urgency"] = values.get("urgency") or Urgency.NORMAL
    values["confidentiality"] = values.get("confidentiality") or Confidentiality.NORMAL
    # A paper row keeps its reason as the registration does (documents/rules.py): "confidential"
    # for a confidential one, else "unjustified" (a register has no reason column).
    values["paper_reason"] = rules.paper_reason_for(form=values["form"], confidentiality=values["confidentiality"],
                                                    reason=None)
    values["kind"] = (
        values.get("kind")
        or kind_from_summary(values["summary"])
        or kind_from_symbol(values["number_symbol"])
        or Kind.OFFICIAL_LETTER
    )
    if direction == Direction.INCOMING:
        values["received_medium"] = values["form"]
        # The same date rule as the registration form and the API (documents/rules.py).
        problems = rules.incoming_date_problems(document_date=values.get("document_date"),
                                                arrival_date=values["register_date"])
        for name, problem in problems.items():
            error("register_date" if name == "arrival_date" else name, problem)
        if problems:
            return None
    else:
        problem = rules.issue_date_problem(values["register_date"])
        if problem:
            error("register_date", problem)
            return None
        values["document_date"] = values["register_date"]
        values["number"] = number_from_symbol(values["number_symbol"])
        if values["number"] is None:
            error("number_symbol", _("không đọc được số văn bản trong “%(value)s” (cần dạng 15/QĐ-BQL)") % {
                "value": values["number_symbol"]})
            return None
        if values["form"] == Form.ELECTRONIC and values["confidentiality"] != Confidentiality.NORMAL:
            error("form", _("văn bản mật không được phát hành dưới dạng điện tử"))
            return None
    return values


def build_plan(sheet, *, direction: str, mapping: dict | None, skip_registered_duplicates: bool = False) -> ImportPlan:
    """Check every row of an opened sheet against the file itself and the database."""
    headers = sheet.headers
    mapping = auto_mapping(headers, direction) if mapping is None else clean_mapping(mapping, headers, direction)
    plan = ImportPlan(direction=direction, headers=headers, mapping=mapping)
    if plan.missing:
        # Without the required columns no row can be read: the mapping step comes first.
        return plan

    parsed: list[tuple[int, dict]] = []
    for number, cells in sheet.rows:
        plan.total_rows += 1
        values = _parse_row(number, cells, mapping, headers, direction, plan)
        if values is not None:
            parsed.append((number, values))

    _check_against_file_and_database(parsed, plan, skip_registered_duplicates)
    return plan


def _identity(values) -> tuple | None:
    """(number and symbol, issuer, document date): the duplicate rule of the Office."""
    if not values.get("number_symbol") or not values.get("document_date"):
        return None
    return (values["number_symbol"].lower(), search_key(values.get("issuer")), values["document_date"])


def _check_against_file_and_database(parsed, plan: ImportPlan, skip_registered_duplicates: bool) -> None:
    direction = plan.direction
    keys = {make_import_key(values): None for _n, values in parsed}
    # 1. Rows imported before (the trash included: the key stays taken).
    already = set(
        Document.all_objects.filter(import_key__in=list(keys)).values_list("import_key", flat=True)
    ) if keys else set()

    # 2. Registered documents with the same symbol, issuer and date: one query for the file's
    #    dates, matched here (issuer compared without accents, as `find_duplicate` does).
    dates = {values["document_date"] for _n, values in parsed if values.get("document_date")}
    registered: dict[tuple, tuple] = {}
    for pk, symbol, issuer, date, doc_number in Document.objects.filter(
        direction=direction, document_date__in=dates
    ).exclude(number_symbol="").values_list("pk", "number_symbol", "issuer", "document_date", "number").iterator():
        registered.setdefault((symbol.lower(), search_key(issuer), date), (pk, doc_number))

    # 3. Numbers already taken in the series and year.
    wanted = {(series_for(direction, v["confidentiality"]), v["register_date"].year)
              for _n, v in parsed if v.get("number")}
    numbers = {v["number"] for _n, v in parsed if v.get("number")}
    taken: set[tuple] = set()
    for series, year in wanted:
        taken.update(
            (series, year, n) for n in Document.all_objects.filter(
                series=series, register_year=year, number__in=numbers
            ).values_list("number", flat=True)
        )

    seen_identity: dict[tuple, int] = {}
    seen_number: dict[tuple, int] = {}
    seen_key: dict[str, int] = {}
    number_header = _located(plan, "number" if direction == Direction.INCOMING else "number_symbol")
    for row, values in parsed:
        key = make_import_key(values)
        if key in already:
            plan.skipped.append(RowIssue(row, _("đã nhập trước đây, bỏ qua")))
            continue
        if key in seen_key:
            plan.errors.append(RowIssue(row, _("trùng hoàn toàn với dòng %(other)s trong tệp") % {"other": seen_key[key]}))
            continue
        seen_key[key] = row
        identity = _identity(values)
        if identity and identity in seen_identity:
            plan.errors.append(RowIssue(row, _(
                "trùng số, ký hiệu, tác giả và ngày văn bản với dòng %(other)s trong tệp") % {"other": seen_identity[identity]}))
            continue
        if identity:
            seen_identity[identity] = row
        if identity and identity in registered:
            message = _("văn bản %(symbol)s ngày %(date)s của %(issuer)s đã được đăng ký (số %(number)s)") % {
                "symbol": values["number_symbol"], "date": values["document_date"].strftime("%d/%m/%Y"),
                "issuer": values.get("issuer", ""), "number": _display(registered[identity][1]),
            }
            if skip_registered_duplicates:
                plan.skipped.append(RowIssue(row, message + _(", bỏ qua"), code="registered_duplicate"))
            else:
                plan.errors.append(RowIssue(row, message, code="registered_duplicate"))
            continue
        if values.get("number"):
            slot = (series_for(direction, values["confidentiality"]), values["register_date"].year, values["number"])
            if slot in taken:
                plan.errors.append(RowIssue(row, _("số %(number)s năm %(year)s đã được dùng trong sổ") % {
                    "number": _display(slot[2]), "year": slot[1]}, *number_header))
                continue
            if slot in seen_number:
                plan.errors.append(RowIssue(row, _("số %(number)s năm %(year)s trùng với dòng %(other)s") % {
                    "number": _display(slot[2]), "year": slot[1], "other": seen_number[slot]}, *number_header))
                continue
            seen_number[slot] = row
        plan.rows.append(PlannedRow(row=row, values=values, import_key=key))


def _located(plan: ImportPlan, name: str) -> tuple[str, str]:
    index = plan.mapping.get(name)
    return (column_letter(index + 1), plan.headers[index]) if index is not None else ("", "")


def _display(number) -> str:
    return f"{number:02d}" if number is not None else "—"


# --- entry points ------------------------------------------------------------------------------


def _open(upload) -> Sheet:
    return open_sheet(upload, max_rows=MAX_IMPORT_ROWS, max_bytes=MAX_IMPORT_BYTES)


def read_headers(upload) -> list[str]:
    """The header row of an upload, once the whole file has passed the checks that refuse a file
    as such (size, zip, damaged sheet, more than MAX_IMPORT_ROWS rows, no data row under the
    header); raises XlsxError. Run before the upload is stored, so a refused file leaves nothing
    behind. Reading stops at the row cap, so it costs at most one pass over MAX_IMPORT_ROWS rows."""
    sheet = _open(upload)
    if next(sheet.rows, None) is None:
        raise XlsxError(_("Tệp có dòng tiêu đề (dòng 1) nhưng không có dòng dữ liệu nào bên dưới."))
    for _row in sheet.rows:
        pass
    return sheet.headers


def import_preview(*, upload, direction: str, mapping: dict | None = None,
                   skip_registered_duplicates: bool = False) -> ImportPlan:
    """The dry run: read and check every row, write nothing. Raises XlsxError for an unreadable
    file (as a DomainError, so views show its message)."""
    fields_for(direction)
    try:
        sheet = _open(upload)
        return build_plan(sheet, direction=direction, mapping=mapping,
                          skip_registered_duplicates=skip_registered_duplicates)
    except XlsxError as exc:
        raise DomainError(str(exc)) from exc


@dataclass
class ImportResult:
    created: int
    skipped: int
    numbers_allocated: int
    documents: list[Document]


def register_import(*, acting_user, upload, mapping: dict | None, direction: str,
                    skip_registered_duplicates: bool = False) -> ImportResult:
    """Import a register file: all rows in one transaction, or none when any row has an error.

    1. Lock the counter rows of the series and years the file touches (concurrent registrations
       wait; they would otherwise take a number the file is about to bring in).
    2. Run the dry run again under that lock; any error rolls everything back (ImportRejected).
    3. Insert rows that carry their own number; raise each counter to the highest imported
       number; then allocate numbers for the rows that had none, in file order.
    """
    if not acting_user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ văn thư được nhập sổ đăng ký văn bản."))
    first = import_preview(upload=upload, direction=direction, mapping=mapping,
                           skip_registered_duplicates=skip_registered_duplicates)
    if first.missing:
        raise DomainError(_("Chưa chọn cột cho: %(fields)s.") % {"fields": ", ".join(str(f.label) for f in first.missing)})
    if not first.ok:
        raise ImportRejected(first)
    try:
        with transaction.atomic():
            for series, year in sorted({(r.series, r.year) for r in first.rows}):
                raise_counter_to(series, year, 0)  # an upsert that leaves the value and locks the row
            plan = import_preview(upload=upload, direction=direction, mapping=mapping,
                                  skip_registered_duplicates=skip_registered_duplicates)
            if not plan.ok:
                raise ImportRejected(plan)
            return _insert(plan, acting_user)
    except IntegrityError as exc:
        # Only a concurrent import of the same rows gets here; the whole file was rolled back.
        raise DomainError(_("Một lần nhập khác vừa ghi các dòng này; không có gì được nhập. Hãy xem lại rồi thử lại.")) from exc


def _insert(plan: ImportPlan, acting_user) -> ImportResult:
    now = timezone.now()
    documents: list[Document] = []
    highest: dict[tuple[str, int], int] = {}
    for planned in plan.rows:
        values = dict(planned.values)
        document = Document(
            series=planned.series,
            register_year=planned.year,
            status=Status.REGISTERED if plan.direction == Direction.INCOMING else Status.ISSUED,
            import_key=planned.import_key,
            created_by=acting_user,
            created_at=now,
            **{k: v for k, v in values.items() if k != "direction"},
            direction=plan.direction,
        )
        if document.number:
            slot = (document.series, document.register_year)
            highest[slot] = max(highest.get(slot, 0), document.number)
        documents.append(document)

    for (series, year), number in highest.items():
        raise_counter_to(series, year, number)
    allocated = 0
    for document in documents:
        if document.number is None:
            document.number = allocate_number(document.series, document.register_year)
            allocated += 1
        _normalise(document)
        # Unique checks are the plan's job (and the database's): skip the per-row queries.
        document.full_clean(exclude=["series"], validate_unique=False, validate_constraints=False)

    created = bulk_create_with_history(documents, Document, batch_size=500, default_user=acting_user,
                                       default_change_reason="import")
    return ImportResult(created=len(created), skipped=len(plan.skipped), numbers_allocated=allocated,
                        documents=created)
