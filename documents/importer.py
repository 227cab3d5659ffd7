"""Import a register exported by the provincial e-office system (.xlsx, Vietnamese headers).

One reading of the file drives both steps (`run`), streamed in chunks of CHUNK rows so memory
stays flat whatever the size (recordsportal.xlsx's streaming reader; the rows read so far are not
kept). The dry run keeps the rows it parsed (`ParsedRows`), and the import that follows checks
those instead of reading the file again while nothing the parsing depends on has changed:

1. **Dry run** (`import_preview`, or the task with `confirm=False`): every row is read and
   checked; each problem is reported by row, column letter and header, in Vietnamese (“Dòng 5,
   cột B (Ngày đến): …”). Nothing is written.
2. **Import** (`register_import`, or the task with `confirm=True`): the rows are read and
   checked as in the dry run, the checked chunks staged in a temporary file; then, in one
   transaction with the register counters of the file's series and years locked, each chunk is
   checked again against the database and written (bulk inserts in chunks). Any error rolls
   everything back: every row goes in or none does, so a worker killed half-way leaves nothing.
   After a dry run whose rows were kept, the import skips the reading and the first checks:
   each chunk of those rows is checked once, inside that transaction, then written.

The header is the row, among the first rows, that matches most known headers (an export often
opens with the agency's name and the register's title).

Idempotence and changes: each row gets an `import_key`, a SHA-256 of its identity in the source
register (direction, year and number, symbol, issuer, dates, summary). A row met again — by its
key, by its number in the register (series, year, number) or by its symbol, issuer and date — is
compared with the document imported from it before: unchanged, it is skipped; changed, the dry
run shows the change (field: old → new) and the import applies it with a history row.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle  # nosec B403: only our own staging file, written and read by the same run
import re
import tempfile
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.datetime import from_excel

from recordsportal import audit
from recordsportal.dates import first_year
from recordsportal.models import Department, User
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key
from recordsportal.xlsx import Sheet, XlsxError, column_letter, open_sheet

from . import rules
from .choices import Confidentiality, Direction, Form, Kind, PaperReason, Status, Urgency, kind_from_label
from .models import Document, NumberCounter
from .services import raise_counter_to, series_for

# A province's register of a year is tens of thousands of rows; the task reads 100,000 in a few
# seconds with flat memory (bench/bench_import.py). The file-size and zip-bomb limits are checked
# by `open_sheet` first.
MAX_IMPORT_ROWS = 100_000
MAX_IMPORT_BYTES = 25 * 1024 * 1024
# The preview page lists this many rows, changes and notes; the counts always cover the whole file.
PREVIEW_LIMIT = 300
ERRORS_KEPT = 500  # error messages kept for the page; the count covers them all
CHUNK = 1000  # rows checked against the database, and written, at a time


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
    ImportField("form", gettext_lazy("Hình thức"), ("Hình thức", "Bản điện tử", "Hình thức văn bản", "Loại bản", "Hình thức xử lý")),
    ImportField("urgency", gettext_lazy("Độ khẩn"), ("Độ khẩn", "Mức độ khẩn")),
    ImportField("confidentiality", gettext_lazy("Độ mật"), ("Độ mật", "Mức độ mật")),
    ImportField("department", gettext_lazy("Đơn vị chủ trì"),
                ("Đơn vị chủ trì", "Đơn vị xử lý chính", "Đơn vị xử lý", "Phòng xử lý", "Đơn vị giải quyết")),
    ImportField("officer", gettext_lazy("Cán bộ xử lý"),
                ("Cán bộ xử lý", "Người xử lý", "Chuyên viên xử lý", "Cán bộ xử lý chính", "Người giải quyết")),
    ImportField("received_medium", gettext_lazy("Hình thức nhận"),
                ("Hình thức nhận", "Nhận qua", "Phương thức nhận", "Bản nhận")),
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
    ImportField("form", gettext_lazy("Hình thức"), ("Hình thức", "Bản điện tử", "Hình thức văn bản", "Loại bản", "Hình thức xử lý")),
    ImportField("urgency", gettext_lazy("Độ khẩn"), ("Độ khẩn", "Mức độ khẩn")),
    ImportField("confidentiality", gettext_lazy("Độ mật"), ("Độ mật", "Mức độ mật")),
    ImportField("department", gettext_lazy("Đơn vị soạn thảo"),
                ("Đơn vị soạn thảo", "Đơn vị chủ trì soạn thảo", "Đơn vị chủ trì", "Phòng soạn thảo")),
    ImportField("officer", gettext_lazy("Người soạn thảo"),
                ("Người soạn thảo", "Cán bộ soạn thảo", "Chuyên viên soạn thảo")),
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


def _known_headers(direction: str | None) -> frozenset[str]:
    directions = IMPORT_DIRECTIONS if direction is None else (direction,)
    return frozenset(header_key(s) for d in directions for f in fields_for(d) for s in f.synonyms)


def header_score(direction: str | None):
    """How many cells of a row are headers the import knows: the header is the row, among the
    first ten, that scores highest (at least two, and more than the first row), so title rows
    above it ("BAN QUẢN LÝ…", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026") are passed over."""
    known = _known_headers(direction)

    def score(values) -> int:
        return sum(1 for value in values if isinstance(value, str) and header_key(value) in known)

    first: list[int] = []

    def scored(values) -> int:
        points = score(values)
        if not first:
            first.append(points)
            return points
        return points if points >= 2 and points > first[0] else 0

    return scored


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
class RowChange:
    """A row imported before whose values in the file differ from the document: field by field."""

    row: int
    document_id: int
    number: str
    changes: list[tuple[str, str, str]]  # (field label, old, new), for the page

    def __str__(self):
        return _("Dòng %(row)s (số %(number)s): %(changes)s") % {
            "row": self.row, "number": self.number,
            "changes": "; ".join(f"{label}: {old or '—'} → {new or '—'}" for label, old, new in self.changes)}


@dataclass
class ImportPlan:
    """What a reading of the file found. The lists hold the first rows (PREVIEW_LIMIT, errors
    ERRORS_KEPT); the counts cover the whole file."""

    direction: str
    headers: list[str]
    mapping: dict[str, int]
    header_row: int = 1
    form_for_all: str = ""
    rows: list[PlannedRow] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    total_rows: int = 0
    new_count: int = 0
    change_count: int = 0
    skipped_count: int = 0
    error_count: int = 0
    warning_count: int = 0
    has_registered_duplicates: bool = False
    slots: set = field(default_factory=set)  # (series, year) the rows go into

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def missing(self) -> list[ImportField]:
        return missing_required(self.mapping, self.direction)

    @property
    def form_stated(self) -> bool:
        """The file has a form column or the clerk chose the form for every row."""
        return "form" in self.mapping or bool(self.form_for_all)

    def add_error(self, issue: RowIssue) -> None:
        self.error_count += 1
        if issue.code == "registered_duplicate":
            self.has_registered_duplicates = True
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(issue)

    def add_warning(self, issue: RowIssue) -> None:
        self.warning_count += 1
        if len(self.warnings) < PREVIEW_LIMIT:
            self.warnings.append(issue)

    def add_skipped(self, issue: RowIssue) -> None:
        self.skipped_count += 1
        if issue.code == "registered_duplicate":
            self.has_registered_duplicates = True
        if len(self.skipped) < PREVIEW_LIMIT:
            self.skipped.append(issue)

    def mapped(self) -> list[tuple[str, str, str]]:
        return [(str(f.label), self.headers[self.mapping[f.name]], column_letter(self.mapping[f.name] + 1))
                for f in fields_for(self.direction) if f.name in self.mapping]


class ImportRejected(DomainError):
    """The dry run found errors: nothing was imported. `plan.errors` lists them (the first
    ERRORS_KEPT), `plan.error_count` counts them all."""

    def __init__(self, plan: ImportPlan):
        super().__init__(
            _("Không nhập: tệp có %(count)s lỗi. Sửa tệp rồi tải lên lại.") % {"count": plan.error_count}
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
    if (len(text) == 10 and text[2] == text[5] == "/" and text[:2].isdecimal() and text[3:5].isdecimal()
            and text[6:].isdecimal()):
        # What the first pattern matches, as registers write it (dd/mm/yyyy), without a regex.
        try:
            return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            raise CellError(_("“%(value)s” không phải là ngày có thật") % {"value": text}) from None
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

    known: dict[str, str] = {}  # the texts met so far (a register repeats a handful): keyed once

    def parse(value):
        if isinstance(value, str) and value in known:
            return known[value]
        if value is None or not str(value).strip():
            return None
        key = search_key(str(value))
        if key in table:
            if isinstance(value, str) and len(known) < 1000:
                known[value] = table[key]
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


def _key_table() -> dict[int, str]:
    """What `search_key` makes of each character below U+3000 that it changes (letters with
    their marks, đ, the combining marks themselves): NFD, then the marks dropped, one character
    at a time, which is the same as for a whole text since the marks are all dropped."""
    table = {}
    for code in range(0x80, 0x3000):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char.replace("đ", "d").replace("Đ", "D"))
                       if not unicodedata.combining(c))
        if base != char:
            table[code] = base
    return table


_KEY_TABLE = _key_table()


def fast_key(text: str | None) -> str:
    """`search_key(text)`, several times faster (str.translate instead of a Unicode
    decomposition per text): a hundred thousand summaries are keyed twice per import."""
    if not text:
        return ""
    if not text.isascii():
        if max(text) >= "\u3000":
            return search_key(text)
        text = text.translate(_KEY_TABLE)
    return " ".join(text.lower().split())


# A register names the same few hundred issuers and kinds over and over: their keys are computed once.
_issuer_key = lru_cache(maxsize=8192)(fast_key)
_kind_from_label = lru_cache(maxsize=1024)(kind_from_label)


def make_import_key(values: dict) -> str:
    parts = [
        values["direction"],
        str(values["register_date"].year),
        str(values.get("number") or ""),
        fast_key(values.get("number_symbol")),
        _issuer_key(values.get("issuer")),
        values["document_date"].isoformat() if values.get("document_date") else "",
        values["register_date"].isoformat(),
        values["_summary_key"] if "_summary_key" in values else fast_key(values.get("summary")),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()



COPIES_MAX = 32_767  # the column's limit (a positive small integer)

parse_medium = _choice_parser(
    Form.choices,
    {"ban dien tu": Form.ELECTRONIC, "dien tu": Form.ELECTRONIC, "truc tuyen": Form.ELECTRONIC,
     "lien thong": Form.ELECTRONIC, "thu dien tu": Form.ELECTRONIC, "email": Form.ELECTRONIC,
     "ban giay": Form.PAPER, "buu dien": Form.PAPER, "buu chinh": Form.PAPER, "truc tiep": Form.PAPER},
    gettext_lazy("hình thức nhận"),
)


# --- people and departments named in the file --------------------------------------------------


class Directory:
    """The departments (by name or abbreviation) and people (by username or full name) a file
    may name, loaded once per run (a province has hundreds of departments, thousands of people)
    and matched without accents or case; each text is resolved once."""

    def __init__(self):
        self.departments: dict[int, tuple[str, str]] = {}
        self.department_keys: dict[str, list[int]] = defaultdict(list)
        for pk, name, abbreviation, path in Department.objects.values_list("pk", "name", "abbreviation", "path"):
            self.departments[pk] = (name, path)
            for key in {search_key(name), search_key(abbreviation)} - {""}:
                self.department_keys[key].append(pk)
        self.users: dict[int, tuple[str, int | None]] = {}
        self.logins: dict[str, int] = {}
        self.names: dict[str, list[int]] = defaultdict(list)
        for pk, username, full_name, department_id in User.objects.values_list("pk", "username", "full_name",
                                                                              "department_id"):
            self.users[pk] = (full_name or username, department_id)
            self.logins[username.lower()] = pk
            if full_name:
                self.names[search_key(full_name)].append(pk)
        self._cache: dict[tuple, int | CellError] = {}

    def department(self, raw) -> int | None:
        return self._resolve("department", raw, None)

    def officer(self, raw, department_id: int | None) -> int | None:
        return self._resolve("officer", raw, department_id)

    def _resolve(self, what, raw, department_id):
        found = self._cache.get((what, raw, department_id)) if isinstance(raw, str) else None
        if found is not None and not isinstance(found, CellError):
            return found  # the same text of a cell, met before
        text = normalize_text(str(raw)) if raw is not None else ""
        if not text:
            return None
        cache_key = (what, text, department_id)
        if cache_key not in self._cache:
            try:
                self._cache[cache_key] = (self._find_department(text) if what == "department"
                                          else self._find_officer(text, department_id))
            except CellError as error:
                self._cache[cache_key] = error
        found = self._cache[cache_key]
        if isinstance(found, CellError):
            raise found
        if isinstance(raw, str) and len(self._cache) < 100_000:
            self._cache[(what, raw, department_id)] = found
        return found

    def _find_department(self, text) -> int:
        found = sorted(set(self.department_keys.get(search_key(text), ())))
        if not found:
            raise CellError(_("không có phòng, đơn vị “%(value)s” trong hệ thống (ghi tên hoặc tên viết tắt)")
                            % {"value": text[:100]})
        if len(found) > 1:
            raise CellError(_("có %(count)s phòng, đơn vị cùng tên “%(value)s”; ghi tên viết tắt")
                            % {"count": len(found), "value": text[:100]})
        return found[0]

    def _find_officer(self, text, department_id) -> int:
        if text.lower() in self.logins:
            return self.logins[text.lower()]
        found = sorted(set(self.names.get(search_key(text), ())))
        if len(found) > 1 and department_id:
            path = self.departments[department_id][1]
            inside = [pk for pk in found if self._path_of(pk).startswith(path)]
            found = inside or found
        if not found:
            raise CellError(_("không có cán bộ “%(value)s” trong hệ thống (ghi họ và tên hoặc tên đăng nhập)")
                            % {"value": text[:100]})
        if len(found) > 1:
            raise CellError(_("có %(count)s người tên “%(value)s”; ghi tên đăng nhập để phân biệt")
                            % {"count": len(found), "value": text[:100]})
        return found[0]

    def _path_of(self, user_id) -> str:
        department_id = self.users[user_id][1]
        return self.departments[department_id][1] if department_id in self.departments else ""

    def officer_in(self, user_id, department_id) -> bool:
        return self._path_of(user_id).startswith(self.departments[department_id][1])

    def department_name(self, pk) -> str:
        return self.departments[pk][0] if pk in self.departments else ""

    def user_name(self, pk) -> str:
        return self.users[pk][0] if pk in self.users else ""


# --- reading one row ---------------------------------------------------------------------------

# The fields a row sets on its document that a changed row may change (the number and the
# register it is in are its identity; a change of confidentiality would move it to another
# register and is refused).
DIFF_FIELDS = ("register_date", "document_date", "issuer", "number_symbol", "kind", "summary", "recipients", "notes",
               "signer", "file_copy_keeper", "copies", "urgency", "confidentiality", "form", "paper_reason",
               "received_medium", "department_id", "officer_id")
LOOKUP_FIELDS = ("pk", "import_key", "is_deleted", "number") + DIFF_FIELDS


class Reading:
    """One pass over a file: the plan being filled, the people directory, and what the rows read
    so far hold (their keys, identities and numbers, as 64-bit digests: flat memory)."""

    def __init__(self, plan: ImportPlan, skip_registered_duplicates: bool):
        self.plan = plan
        self.skip_registered = skip_registered_duplicates
        self.fields = [f for f in fields_for(plan.direction) if f.name in plan.mapping]
        self.directory = Directory()
        # What the date rule accepts (recordsportal/dates.py), for the rows that need not ask it.
        self.earliest, self.today = datetime.date(first_year(), 1, 1), timezone.localdate()
        self.seen_key: dict[int, int] = {}
        self.seen_identity: dict[int, int] = {}
        self.seen_number: dict[int, int] = {}
        self.labels = {f.name: str(f.label) for f in fields_for(plan.direction)}
        self.labels.update({"department_id": self.labels["department"], "officer_id": self.labels["officer"],
                            "paper_reason": str(Document._meta.get_field("paper_reason").verbose_name),
                            "received_medium": str(Document._meta.get_field("received_medium").verbose_name),
                            "form": str(Document._meta.get_field("form").verbose_name)})

    # -- parsing

    def parse(self, number: int, cells: tuple) -> dict | None:
        """One row's values, or None after adding its errors to the plan."""
        plan, mapping, direction = self.plan, self.plan.mapping, self.plan.direction
        failed = False
        values: dict = {"direction": direction}

        def error(name, message):
            nonlocal failed
            failed = True
            index = mapping[name]
            plan.add_error(RowIssue(number, message, column_letter(index + 1), plan.headers[index]))

        for import_field in self.fields:
            name = import_field.name
            raw = cells[mapping[name]]
            try:
                if name in ("register_date", "document_date"):
                    value = parse_date(raw)
                elif name in ("number", "copies"):
                    value = parse_positive_int(raw)
                    if name == "copies" and value is not None and value > COPIES_MAX:
                        raise CellError(_("“%(value)s” bản là quá nhiều") % {"value": value})
                elif name == "form":
                    value = parse_form(raw)
                elif name == "received_medium":
                    value = parse_medium(raw)
                elif name == "urgency":
                    value = parse_urgency(raw)
                elif name == "confidentiality":
                    value = parse_confidentiality(raw)
                elif name == "department":
                    value = self.directory.department(raw)
                elif name == "officer":
                    continue  # below, once the department is known
                elif name == "kind":
                    text = normalize_text(str(raw)) if raw is not None else ""
                    value = _kind_from_label(text) if text else None
                    if text and value is None:
                        plan.add_warning(RowIssue(
                            number, _("tên loại “%(value)s” không có trong danh mục; ghi là “Loại khác”") % {"value": text},
                            column_letter(mapping[name] + 1), plan.headers[mapping[name]],
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

        department_id = values.pop("department", None)
        officer_id = None
        if "officer" in mapping:
            try:
                officer_id = self.directory.officer(cells[mapping["officer"]], department_id)
            except CellError as exc:
                error("officer", str(exc))
        if failed:
            return None

        compare = [name for name in values if name in DIFF_FIELDS and name not in ("form", "received_medium")]
        if "department" in mapping or "officer" in mapping:
            if officer_id and department_id and not self.directory.officer_in(officer_id, department_id):
                index = mapping["officer"]
                plan.add_warning(RowIssue(number, _(
                    "%(officer)s hiện không thuộc %(department)s; văn bản vẫn ghi cho đơn vị và cán bộ theo sổ")
                    % {"officer": self.directory.user_name(officer_id),
                       "department": self.directory.department_name(department_id)},
                    column_letter(index + 1), plan.headers[index]))
            if officer_id and not department_id and "department" not in mapping:
                department_id = self.directory.users[officer_id][1]  # the officer's own department
            values["department_id"], values["officer_id"] = department_id, officer_id
            compare += ["department_id", "officer_id"] if "officer" in mapping else ["department_id"]

        values.setdefault("number_symbol", "")
        values.setdefault("notes", "")
        values.setdefault("recipients", "")
        values["urgency"] = values.get("urgency") or Urgency.NORMAL
        values["confidentiality"] = confidentiality = values.get("confidentiality") or Confidentiality.NORMAL
        values["kind"] = (
            values.get("kind")
            or kind_from_summary(values["summary"])
            or kind_from_symbol(values["number_symbol"])
            or Kind.OFFICIAL_LETTER
        )

        # The form by the rules of documents/rules.py: an imported row brings no file, so its form
        # is the one the register (its form column) or the clerk (for every row, at the mapping
        # step: required without a form column, `import_form_problem`) states; a confidential
        # one is never electronic. Until stated, the dry run shows paper and nothing goes in.
        cell_form = values.get("form")
        stated = cell_form or (plan.form_for_all if confidentiality == Confidentiality.NORMAL else None) or None
        if direction == Direction.INCOMING:
            problem = rules.incoming_form_problem(form=cell_form, confidentiality=confidentiality, has_content=True)
            if problem:
                error("form", problem)
                return None
            values["form"] = rules.incoming_form(form=stated, confidentiality=confidentiality, has_content=False,
                                                 handled_in_portal=False)  # handled in the register it comes from
        else:
            if cell_form == Form.ELECTRONIC and confidentiality != Confidentiality.NORMAL:
                error("form", _("văn bản mật không được phát hành dưới dạng điện tử"))
                return None
            values["form"] = rules.issued_form(form=stated, confidentiality=confidentiality, signed=False)
        values["paper_reason"] = rules.paper_reason_for(form=values["form"], confidentiality=confidentiality,
                                                        reason=None)
        if stated:
            compare += ["form", "paper_reason"]

        if direction == Direction.INCOMING:
            # Received on paper and scanned on arrival is a paper medium and an electronic form.
            medium = values.get("received_medium")
            values["received_medium"] = medium or values["form"]
            if "received_medium" in mapping:
                compare.append("received_medium")
            # The same date rule as the registration form and the API (documents/rules.py),
            # asked only of the dates it could refuse: both between the first year and today, the
            # document's on or before its arrival, it has nothing to say (and its labels and
            # today's date cost more than the rest of the row).
            arrival, dated = values["register_date"], values.get("document_date")
            if self.earliest <= arrival <= self.today and (dated is None or self.earliest <= dated <= arrival):
                problems = {}
            else:
                problems = rules.incoming_date_problems(document_date=dated, arrival_date=arrival)
            for name, problem in problems.items():
                error("register_date" if name == "arrival_date" else name, problem)
            if problems:
                return None
        else:
            values.pop("received_medium", None)
            problem = (None if self.earliest <= values["register_date"] <= self.today
                       else rules.issue_date_problem(values["register_date"]))
            if problem:
                error("register_date", problem)
                return None
            values["document_date"] = values["register_date"]
            values["number"] = number_from_symbol(values["number_symbol"])
            if values["number"] is None:
                error("number_symbol", _("không đọc được số văn bản trong “%(value)s” (cần dạng 15/QĐ-BQL)") % {
                    "value": values["number_symbol"]})
                return None
        values["_compare"] = tuple(dict.fromkeys(compare))
        values["_summary_key"] = fast_key(values["summary"])
        return values

    # -- checking a chunk against the file and the database

    def check(self, rows: list[PlannedRow], plan: ImportPlan, *, in_file: bool) -> list[tuple]:
        """("create", row) or ("update", row, document id, {field: new value}) for each row that
        goes in; errors and skipped rows are added to `plan`. `in_file` also checks the rows
        against the rows read before (the first pass; the second, under the counter locks,
        checks the database only)."""
        if not rows:
            return []
        direction = plan.direction
        by_key = {d["import_key"]: d for d in _lookup([_any("import_key", [r.import_key for r in rows])])}
        numbers: dict[tuple, set] = defaultdict(set)
        for r in rows:
            if r.values.get("number"):
                numbers[(r.series, r.year)].add(r.values["number"])
        by_slot: dict[tuple, dict] = {}
        for (series, year), wanted in numbers.items():
            # The range bounds the index scan whatever the planner makes of the array (inside the
            # writing transaction it applied the array as a filter to every number of the year).
            for d in _lookup([("series = %s", [series]), ("register_year = %s", [year]),
                              ("number BETWEEN %s AND %s", [min(wanted), max(wanted)]),
                              _any("number", wanted, "integer[]")]):
                by_slot[(series, year, d["number"])] = d
        # Registered documents with the same symbol, issuer and date (issuer compared without
        # accents, as `find_duplicate` does).
        dates = {r.values["document_date"] for r in rows if r.values.get("document_date") and r.values["number_symbol"]}
        by_identity: dict[tuple, dict] = {}
        if dates:
            # Only the symbol and the date in the query, so that it can only be read through that
            # index (the writing transaction's planner, not knowing the rows it inserted, took the
            # direction's index and read every row of it); the direction and the trash below.
            where = [_any("document_date", dates, "date[]")]
            if connection.vendor == "postgresql":
                # Through the index on (UPPER(number_symbol), document_date): at province scale a
                # chunk's dates alone match tens of thousands of documents.
                where.append(_any("UPPER(number_symbol)", {r.values["number_symbol"].upper() for r in rows
                                                            if r.values["number_symbol"]}))
            else:
                where.append(_any("number_symbol", {v for r in rows if r.values["number_symbol"] for v in (
                    r.values["number_symbol"], r.values["number_symbol"].upper(), r.values["number_symbol"].lower())}))
            for d in _lookup(where, extra=("direction",)):
                if d["direction"] != direction or d["is_deleted"]:
                    continue
                by_identity.setdefault((d["number_symbol"].lower(), search_key(d["issuer"]), d["document_date"]), d)

        number_header = _located(plan, "number" if direction == Direction.INCOMING else "number_symbol")
        actions = []
        for r in rows:
            row, values, key = r.row, r.values, r.import_key
            previous = by_key.get(key)
            if previous is not None and previous["is_deleted"]:
                plan.add_skipped(RowIssue(row, _("đã nhập trước đây (văn bản đang trong thùng rác), bỏ qua")))
                continue
            identity = _identity(values)
            slot = (r.series, r.year, values["number"]) if values.get("number") else None
            if in_file:
                digest = _digest(key)
                if digest in self.seen_key:
                    plan.add_error(RowIssue(row, _("trùng hoàn toàn với dòng %(other)s trong tệp") % {
                        "other": self.seen_key[digest]}))
                    continue
                self.seen_key[digest] = row
                if identity:
                    digest = _digest(repr(identity))
                    if digest in self.seen_identity:
                        plan.add_error(RowIssue(row, _(
                            "trùng số, ký hiệu, tác giả và ngày văn bản với dòng %(other)s trong tệp") % {
                            "other": self.seen_identity[digest]}))
                        continue
                    self.seen_identity[digest] = row
            if previous is None and slot:
                candidate = by_slot.get(slot)
                if candidate and candidate["import_key"] and not candidate["is_deleted"]:
                    previous = candidate  # the same line of the register, imported before
            if previous is None and identity:
                candidate = by_identity.get(identity)
                if candidate and candidate["import_key"]:
                    previous = candidate
            registered = by_identity.get(identity) if identity else None
            if registered and (previous is None or registered["pk"] != previous["pk"]):
                message = _("văn bản %(symbol)s ngày %(date)s của %(issuer)s đã được đăng ký (số %(number)s)") % {
                    "symbol": values["number_symbol"], "date": values["document_date"].strftime("%d/%m/%Y"),
                    "issuer": values.get("issuer", ""), "number": _display(registered["number"]),
                }
                if self.skip_registered:
                    plan.add_skipped(RowIssue(row, message + _(", bỏ qua"), code="registered_duplicate"))
                else:
                    plan.add_error(RowIssue(row, message, code="registered_duplicate"))
                continue
            if slot:
                taken = by_slot.get(slot)
                if taken and (previous is None or taken["pk"] != previous["pk"]):
                    plan.add_error(RowIssue(row, _("số %(number)s năm %(year)s đã được dùng trong sổ") % {
                        "number": _display(slot[2]), "year": slot[1]}, *number_header))
                    continue
                if in_file:
                    digest = _digest(repr(slot))
                    if digest in self.seen_number:
                        plan.add_error(RowIssue(row, _("số %(number)s năm %(year)s trùng với dòng %(other)s") % {
                            "number": _display(slot[2]), "year": slot[1], "other": self.seen_number[digest]},
                            *number_header))
                        continue
                    self.seen_number[digest] = row
            plan.slots.add((r.series, r.year))
            if previous is None:
                actions.append(("create", r))
                continue
            if slot and previous["number"] != values["number"]:
                plan.add_error(RowIssue(row, _(
                    "văn bản này đã được nhập với số %(old)s; nhập lại không đổi số của văn bản") % {
                    "old": _display(previous["number"])}, *number_header))
                continue
            changes = {name: values[name] for name in values["_compare"] if previous[name] != values[name]}
            if "confidentiality" in changes:
                index = plan.mapping["confidentiality"]
                plan.add_error(RowIssue(row, _(
                    "độ mật khác lần nhập trước (%(old)s); văn bản không chuyển sang sổ khác khi nhập lại") % {
                    "old": Confidentiality(previous["confidentiality"]).label},
                    column_letter(index + 1), plan.headers[index]))
                continue
            if not changes and previous["import_key"] == key:
                plan.add_skipped(RowIssue(row, _("đã nhập trước đây, không có thay đổi, bỏ qua")))
                continue
            actions.append(("update", r, previous["pk"], changes, previous))
        return actions

    def describe(self, r: PlannedRow, previous: dict, changes: dict) -> RowChange:
        return RowChange(row=r.row, document_id=previous["pk"], number=_display(previous["number"]), changes=[
            (self.labels.get(name, name), self.show(name, previous[name]), self.show(name, new))
            for name, new in changes.items()])

    def show(self, name, value) -> str:
        return show_value(name, value, self.directory)


def show_value(name: str, value, directory: Directory | None = None) -> str:
    """A value of a row as the page shows it (a date as dd/mm/yyyy, a choice by its label, a
    department or person by name)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if name == "department_id":
        return directory.department_name(value) if directory else str(value)
    if name == "officer_id":
        return directory.user_name(value) if directory else str(value)
    choices = {"form": Form, "received_medium": Form, "urgency": Urgency, "confidentiality": Confidentiality,
               "kind": Kind, "paper_reason": PaperReason}
    if name in choices:
        return str(choices[name](value).label)
    return str(value)


def _any(column: str, values, array_type: str = "") -> tuple[str, list]:
    """`column = ANY(%s)`, one array parameter, on PostgreSQL; `column IN (%s, …)` elsewhere.
    (Django's `__in` prepares and quotes each of a chunk's thousand values one by one: a third
    of the checks' time, issue 16.) `array_type` casts the array to the column's type where
    psycopg would send another (small numbers as smallint[], which the index does not take)."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s{'::' + array_type if array_type else ''})", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


@lru_cache(maxsize=4)
def _lookup_select(names: tuple[str, ...]) -> str:
    columns = {f.attname: f.column for f in Document._meta.concrete_fields}
    columns["pk"] = Document._meta.pk.column
    quote = connection.ops.quote_name
    return f"SELECT {', '.join(quote(columns[name]) for name in names)} FROM {quote(Document._meta.db_table)}"


def _lookup(conditions: list[tuple[str, list]], extra: tuple[str, ...] = ()) -> list[dict]:
    """The LOOKUP_FIELDS (and `extra`) of the documents, trash included, meeting all
    `conditions`, as dicts."""
    names = LOOKUP_FIELDS + extra
    sql = f"{_lookup_select(names)} WHERE {' AND '.join(f'({sql})' for sql, _params in conditions)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _sql, params in conditions for p in params])  # nosec B608: our columns
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _digest(text: str) -> int:
    """What the rows read so far are remembered by (not their text): the string's own 64-bit
    hash (SipHash, keyed per process; the digests live only as long as the run's `Reading`),
    the chance of two different rows meeting as good as the 64 bits of a SHA-256 used before,
    at a tenth of the cost (three per row)."""
    return hash(text)


def _identity(values) -> tuple | None:
    """(number and symbol, issuer, document date): the duplicate rule of the Office."""
    if not values.get("number_symbol") or not values.get("document_date"):
        return None
    return (values["number_symbol"].lower(), _issuer_key(values.get("issuer")), values["document_date"])


def _located(plan: ImportPlan, name: str) -> tuple[str, str]:
    index = plan.mapping.get(name)
    return (column_letter(index + 1), plan.headers[index]) if index is not None else ("", "")


def _display(number) -> str:
    return f"{number:02d}" if number is not None else "—"


# --- one pass over the file, and the import --------------------------------------------------------


@dataclass
class ImportResult:
    created: int
    skipped: int
    numbers_allocated: int
    updated: int = 0


def _open(upload, direction: str | None = None) -> Sheet:
    return open_sheet(upload, max_rows=MAX_IMPORT_ROWS, max_bytes=MAX_IMPORT_BYTES,
                      header_score=header_score(direction))


def inspect_upload(upload, direction: str | None = None) -> tuple[list[str], int]:
    """The header row of an upload (the row among the first ten that matches most known headers)
    and its number of data rows, once the file has passed the checks that refuse a file as such
    (size, zip, damaged sheet, more than MAX_IMPORT_ROWS rows, no data row under the header);
    raises XlsxError. Run in the request, before the upload is stored, so a refused file leaves
    nothing behind: the rows are counted from the sheet's XML without parsing the cells
    (`count_rows`), a fraction of a second for 100,000 rows; the task reads them."""
    sheet = _open(upload, direction)
    if next(sheet.rows, None) is None:
        raise XlsxError(_("Tệp có dòng tiêu đề (dòng %(row)s) nhưng không có dòng dữ liệu nào bên dưới.")
                        % {"row": sheet.header_row})
    return sheet.headers, check_row_count(upload, sheet.header_row)


def read_headers(upload, direction: str | None = None) -> list[str]:
    return inspect_upload(upload, direction)[0]


def check_row_count(upload, header_row: int = 1) -> int:
    """The data rows of the first sheet (blank ones included), refused over MAX_IMPORT_ROWS."""
    count = max(0, count_rows(upload) - header_row)
    if count > MAX_IMPORT_ROWS:
        from django.utils.formats import number_format

        raise XlsxError(_("Tệp có quá nhiều dòng; tối đa %(limit)s dòng mỗi lần.") % {
            "limit": number_format(MAX_IMPORT_ROWS, force_grouping=True)})
    return count


def count_rows(upload) -> int:
    """How many <row> elements the first worksheet has, read as bytes from the zip (a tenth of a
    second for 100,000 rows, where parsing the cells takes seconds). The file passed
    `check_upload` before (no zip bomb, no DTD)."""
    import zipfile

    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        relation = re.search(r'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', workbook)
        target = "xl/worksheets/sheet1.xml"
        if relation:
            relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            found = re.search(r'<Relationship\b[^>]*?Id="%s"[^>]*?Target="([^"]+)"' % re.escape(relation.group(1)),
                              relations) or re.search(
                r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="%s"' % re.escape(relation.group(1)), relations)
            if found:
                path = found.group(1).lstrip("/")
                target = path if path.startswith("xl/") else f"xl/{path}"
        count, tail = 0, b""
        with archive.open(target) as part:
            while block := part.read(1 << 20):
                data = tail + block
                count += len(re.findall(rb"<(?:\w+:)?row[\s>/]", data))
                # A tag cut at the block's end is counted with the next block.
                cut = data.rfind(b"<")
                tail = data[cut:] if cut >= 0 and b">" not in data[cut:] else b""
                if tail:
                    count -= len(re.findall(rb"<(?:\w+:)?row[\s>/]", tail))
    upload.seek(0)
    return count


# --- the dry run's parsed rows, kept for the import that follows it (issue 16) ------------------
# Reading and parsing 100,000 rows is most of a run's time. The dry run keeps what it parsed (a
# file of zlib-compressed JSON chunks beside the upload, its SHA-256 and what it depends on in
# the import's row); the import that follows checks those rows again — against the file's other
# rows and the database, under the counter locks, exactly as a fresh reading would — instead of
# reading the file again, when nothing the parsing depends on has changed: the file, the columns
# chosen, the form chosen for every row, the departments and people the rows name, today's date
# (the date rule) and the first year of the records. Otherwise the import reads the file.

PARSED_FORMAT = 2  # raise when the parsing of a row changes: rows kept by older code are read again
_DATES = ("register_date", "document_date")


def directory_digest() -> str:
    """What the departments and people a file may name are now, as a digest."""
    digest = hashlib.sha256()
    for row in Department.objects.order_by("pk").values_list("pk", "name", "abbreviation", "path"):
        digest.update(repr(row).encode())
    for row in User.objects.order_by("pk").values_list("pk", "username", "full_name", "department_id"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def parsed_fingerprint(*, file_identity: str, direction: str, mapping: dict, form_for_all: str) -> str:
    """What the parsing of a file's rows depends on besides its code (PARSED_FORMAT)."""
    parts = [PARSED_FORMAT, file_identity, direction, sorted((str(k), int(v)) for k, v in (mapping or {}).items()),
             form_for_all, timezone.localdate().isoformat(), first_year(), directory_digest()]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class ParsedRows:
    """The rows a dry run parsed: blocks of (rows read so far, [row, import key, values]) and a
    last block with the counts, the header and the warnings, each a length-prefixed zlib block
    of JSON (no pickle: the file lies in the media storage)."""

    def __init__(self, data: bytes):
        self._blocks = []
        position = 0
        while position < len(data):
            size = int.from_bytes(data[position:position + 4], "big")
            self._blocks.append(data[position + 4:position + 4 + size])
            position += 4 + size
        end = json.loads(zlib.decompress(self._blocks.pop()))
        self.total_rows, self.header_row, self.headers = end["total_rows"], end["header_row"], end["headers"]
        self.warning_count = end["warning_count"]
        self.warnings = [RowIssue(*issue) for issue in end["warnings"]]
        self.slots = {(series, year) for series, year in end["slots"]}  # of every row kept

    def chunks(self):
        for block in self._blocks:
            total_rows, rows = json.loads(zlib.decompress(block))
            planned = []
            for row, key, values in rows:
                for name in _DATES:
                    if values.get(name):
                        values[name] = datetime.date.fromisoformat(values[name])
                values["_compare"] = tuple(values["_compare"])
                planned.append(PlannedRow(row=row, values=values, import_key=key))
            yield total_rows, planned

    @staticmethod
    def _block(handle, content) -> None:
        block = zlib.compress(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 1)
        handle.write(len(block).to_bytes(4, "big") + block)

    @classmethod
    def dump_chunk(cls, handle, total_rows: int, rows: list[PlannedRow]) -> None:
        plain = []
        for r in rows:
            values = dict(r.values)
            for name in _DATES:
                if values.get(name):
                    values[name] = values[name].isoformat()
            plain.append([r.row, r.import_key, values])
        cls._block(handle, [total_rows, plain])

    @classmethod
    def dump_end(cls, handle, plan: ImportPlan, slots: set) -> None:
        cls._block(handle, {"total_rows": plan.total_rows, "header_row": plan.header_row, "headers": plan.headers,
                            "slots": sorted(slots),
                            "warning_count": plan.warning_count,
                            "warnings": [[w.row, w.message, w.column, w.header, w.code] for w in plan.warnings]})


def run(upload, *, direction: str, mapping: dict | None, skip_registered_duplicates: bool = False,
        form_for_all: str = "", confirm: bool = False, acting_user=None, progress=None,
        on_saving=None, begin_write=None, end_write=None, keep_parsed=None,
        parsed: ParsedRows | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Read and check every row (the dry run); with `confirm`, then write them all in one
    transaction, or nothing (ImportRejected) when any row has an error — found while reading, or
    found again under the counter locks. `progress(rows_read, errors)` is called as rows are
    read; `on_saving()` once the reading is over and the writing starts; `begin_write()` and
    `end_write(result)` inside the writing transaction, first and last (the task locks and
    marks its own row there, so the import and its "done" are committed together).

    `keep_parsed` (a binary file): the dry run writes there the rows it parsed (`ParsedRows`);
    `parsed`: the rows a dry run of the same file parsed, checked again instead of reading
    the file (`upload` is then not read)."""
    fields_for(direction)
    if parsed is not None:
        headers, header_row = parsed.headers, parsed.header_row
    else:
        try:
            sheet = _open(upload, direction)
        except XlsxError as exc:
            raise DomainError(str(exc)) from exc
        headers, header_row = sheet.headers, sheet.header_row
    mapping = auto_mapping(headers, direction) if mapping is None else clean_mapping(mapping, headers, direction)
    plan = ImportPlan(direction=direction, headers=headers, mapping=mapping, header_row=header_row,
                      form_for_all=form_for_all if form_for_all in Form.values else "")
    if plan.missing:
        # Without the required columns no row can be read: the mapping step comes first.
        return plan, None
    if confirm:
        # Nothing goes in with a form nobody stated (the dry run shows the rows meanwhile).
        problem = rules.import_form_problem(form_column="form" in mapping, form_for_all=plan.form_for_all)
        if problem:
            raise DomainError(problem)

    reading = Reading(plan, skip_registered_duplicates)
    if parsed is not None and confirm:
        # The rows as the dry run parsed them (nothing they depend on has changed since:
        # `parsed_fingerprint`), checked once, as they are written: against the file's other
        # rows and the database, under the counter locks, so a row registered since the dry run
        # is found (the dry run's own checks are not run again before: what they found may have
        # changed since; what is found here is final). Any error rolls everything back.
        plan.warning_count, plan.warnings = parsed.warning_count, list(parsed.warnings)
        plan.total_rows = parsed.total_rows
        if progress is not None:
            progress(plan.total_rows, 0)
        if on_saving is not None:
            on_saving()
        return plan, _write((rows for _total, rows in parsed.chunks()), plan, reading, acting_user,
                            begin_write, end_write, slots=parsed.slots, unchecked=True)
    staging = tempfile.TemporaryFile(prefix="register-import-") if confirm else None
    try:
        chunk: list[PlannedRow] = []
        kept_slots: set[tuple[str, int]] = set()

        def flush():
            if keep_parsed is not None:
                ParsedRows.dump_chunk(keep_parsed, plan.total_rows, chunk)
                kept_slots.update({(r.series, r.year) for r in chunk})
            actions = reading.check(chunk, plan, in_file=True)
            _tally(plan, reading, actions)
            if staging is not None and plan.ok:
                pickle.dump([action[1] for action in actions], staging, protocol=pickle.HIGHEST_PROTOCOL)
            chunk.clear()

        if parsed is not None:
            # The rows as the dry run parsed them (nothing they depend on has changed since:
            # `parsed_fingerprint`), checked again against the file and the database, chunk by
            # chunk as the dry run checked them: the same plan, without reading the file.
            plan.warning_count, plan.warnings = parsed.warning_count, list(parsed.warnings)
            for total_rows, rows in parsed.chunks():
                plan.total_rows = total_rows
                chunk.extend(rows)
                flush()
                if progress is not None:
                    progress(plan.total_rows, plan.error_count)
            plan.total_rows = parsed.total_rows
        else:
            try:
                for number, cells in sheet.rows:
                    plan.total_rows += 1
                    values = reading.parse(number, cells)
                    if values is not None:
                        chunk.append(PlannedRow(row=number, values=values, import_key=make_import_key(values)))
                    if len(chunk) >= CHUNK:
                        flush()
                    if progress is not None:
                        progress(plan.total_rows, plan.error_count)
                flush()
            except XlsxError as exc:
                raise DomainError(str(exc)) from exc
            if keep_parsed is not None:
                ParsedRows.dump_end(keep_parsed, plan, kept_slots)
        if progress is not None:
            progress(plan.total_rows, plan.error_count)
        if not confirm:
            return plan, None
        if not plan.ok:
            raise ImportRejected(plan)
        if on_saving is not None:
            on_saving()
        return plan, _write(_staged(staging), plan, reading, acting_user, begin_write, end_write, slots=plan.slots)
    finally:
        if staging is not None:
            staging.close()


def _tally(plan: ImportPlan, reading: Reading, actions) -> None:
    for action in actions:
        if action[0] == "create":
            plan.new_count += 1
            if len(plan.rows) < PREVIEW_LIMIT:
                plan.rows.append(action[1])
        else:
            plan.change_count += 1
            if len(plan.changes) < PREVIEW_LIMIT:
                plan.changes.append(reading.describe(action[1], action[4], action[3]))


def _staged(staging):
    staging.seek(0)
    while True:
        try:
            yield pickle.load(staging)  # nosec B301: our own staging file
        except EOFError:
            return


def _write(chunks, plan: ImportPlan, reading: Reading, acting_user, begin=None, end=None, *, slots,
           unchecked: bool = False) -> ImportResult:
    """Write the rows of `chunks`, chunk by chunk, in one transaction with the counters of
    `slots` (every series and year the rows may go into) locked: rows carrying their number
    first (each counter then raised to the highest), numbers for the others after, in file
    order; changed rows updated with their history row. Each chunk is checked against the
    database again first (and, `unchecked`, against the file's rows before it, its actions
    counted in `plan`): any error found here rolls everything back."""
    now = timezone.now()
    recheck = plan if unchecked else ImportPlan(
        direction=plan.direction, headers=plan.headers, mapping=plan.mapping, header_row=plan.header_row,
        form_for_all=plan.form_for_all)
    status = Status.REGISTERED if plan.direction == Direction.INCOMING else Status.ISSUED
    created = updated = 0
    try:
        with transaction.atomic():
            if begin is not None:
                begin()
            for series, year in sorted(slots):
                raise_counter_to(series, year, 0)  # an upsert that leaves the value and locks the row
            _index_lookups(True)
            highest: dict[tuple[str, int], int] = {}
            numberless: dict[tuple[str, int], int] = defaultdict(int)
            for rows in chunks:
                actions = reading.check(rows, recheck, in_file=unchecked)
                if unchecked:
                    _tally(plan, reading, actions)
                if not recheck.ok:
                    continue  # keep checking, to list every error; nothing more is written
                new = [action[1] for action in actions if action[0] == "create"]
                for r in new:
                    if r.values.get("number"):
                        slot = (r.series, r.year)
                        highest[slot] = max(highest.get(slot, 0), r.values["number"])
                    else:
                        numberless[(r.series, r.year)] += 1
                _insert(new, plan.direction, status, acting_user, now)
                created += len(new)
                updated += _apply_changes([a for a in actions if a[0] == "update"], acting_user, now)
            _index_lookups(False)
            if not recheck.ok:
                raise ImportRejected(recheck)
            for (series, year), number in highest.items():
                raise_counter_to(series, year, number)
            allocated = sum(_number(series, year, count, acting_user, now)
                            for (series, year), count in sorted(numberless.items()))
            _history(acting_user, now)
            result = ImportResult(created=created, skipped=plan.skipped_count, numbers_allocated=allocated,
                                  updated=updated)
            if end is not None:
                end(result)
    except IntegrityError as exc:
        # Only a concurrent import of the same rows gets here; the whole file was rolled back.
        raise DomainError(_("Một lần nhập khác vừa ghi các dòng này; không có gì được nhập. Hãy xem lại rồi thử lại.")) from exc
    return result


def _index_lookups(on: bool) -> None:
    """On PostgreSQL, inside the writing transaction: the checks of each chunk read the table
    through its indexes (import key, number, symbol and date) and never scan it. The planner's
    statistics do not count the rows this transaction has inserted: on a register imported into
    an empty or small table it chose sequential scans, each chunk reading every row inserted
    before it (100,000 rows: 17 s of the import, bench/bench_import.py). Set back before the
    statements that do read the inserted rows as a whole (numbers, history)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL enable_seqscan = {'off' if on else 'on'}")


def _apply_changes(actions, acting_user, now) -> int:
    if not actions:
        return 0
    from .services import _normalise

    documents = Document.all_objects.in_bulk([action[2] for action in actions])
    changed_fields = {"import_key", "search_text", "updated_at"}
    for _kind, r, pk, changes, _previous in actions:
        document = documents[pk]
        for name, value in changes.items():
            setattr(document, name, value)
        changed_fields.update(changes)
        document.import_key = r.import_key
        document.updated_at = now
        _normalise(document)
    Document.all_objects.bulk_update(list(documents.values()), sorted(changed_fields), batch_size=CHUNK)
    audit.record(documents.values(), acting_user=acting_user, reason=_("Nhập lại sổ đăng ký: cập nhật theo tệp"))
    return len(documents)


# The inserts of an import bypass the ORM's per-value preparation (a hundred thousand rows of
# forty columns took a minute through bulk_create): rows are built as tuples of plain values from
# the parsed cells, sent by COPY (PostgreSQL) or executemany (SQLite); numbers for the rows that
# had none and the history rows are then written by one statement each, over the rows this run
# inserted (known by their `created_at`, the run's own timestamp, and `created_by`).


def _insert_plan():
    fields = [f for f in Document._meta.local_concrete_fields if not f.primary_key]
    template = []
    for f in fields:
        default = f.get_default()
        template.append(None if callable(default) else default)
    position = {f.attname: index for index, f in enumerate(fields)}
    dates = {f.attname for f in fields if f.get_internal_type() == "DateField"}
    return fields, template, position, dates


def _insert(rows: list[PlannedRow], direction: str, status: str, acting_user, now) -> None:
    if not rows:
        return
    fields, template, position, dates = _insert_plan()
    ops = connection.ops
    fixed = {"direction": direction, "status": status, "created_by_id": getattr(acting_user, "pk", None),
             "created_at": ops.adapt_datetimefield_value(now), "updated_at": ops.adapt_datetimefield_value(now),
             "is_deleted": False}
    tuples = []
    for r in rows:
        row = list(template)
        for name, value in r.values.items():
            index = position.get(name)
            if index is not None:
                row[index] = ops.adapt_datefield_value(value) if name in dates else value
        for name, value in fixed.items():
            row[position[name]] = value
        row[position["series"]] = r.series
        row[position["register_year"]] = r.year
        row[position["import_key"]] = r.import_key
        values = r.values
        # What services._normalise stores: search_key of symbol, summary and issuer together.
        row[position["search_text"]] = " ".join(
            f"{fast_key(values.get('number_symbol'))} {values['_summary_key']} {_issuer_key(values.get('issuer'))}"
            .split())
        tuples.append(row)
    table = connection.ops.quote_name(Document._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # nosec B608: our table
                for row in tuples:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", tuples)  # nosec B608


def _mine(acting_user, now) -> tuple[str, list]:
    """The WHERE clause of the rows this run inserted."""
    user = getattr(acting_user, "pk", None)
    if user is None:
        return "created_at = %s AND created_by_id IS NULL AND import_key IS NOT NULL", [
            connection.ops.adapt_datetimefield_value(now)]
    return "created_at = %s AND created_by_id = %s AND import_key IS NOT NULL", [
        connection.ops.adapt_datetimefield_value(now), user]


def _number(series: str, year: int, count: int, acting_user, now) -> int:
    """Numbers for the rows that came without one, after the highest number of the register,
    in the order of the file (the order they were inserted in): one counter update, one UPDATE."""
    table = NumberCounter._meta.db_table
    documents = Document._meta.db_table
    where, params = _mine(acting_user, now)
    with connection.cursor() as cursor:
        cursor.execute(
            # `table` is the model's own table name, not input; the values are parameters.
            f"INSERT INTO {table} (series, year, last_number) VALUES (%s, %s, %s) "  # nosec B608
            f"ON CONFLICT (series, year) DO UPDATE SET last_number = {table}.last_number + %s "
            "RETURNING last_number",
            [series, year, count, count],
        )
        first = cursor.fetchone()[0] - count + 1
        cursor.execute(
            f"UPDATE {documents} SET number = %s + numbered.position - 1 FROM ("  # nosec B608
            f"SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position FROM {documents} "
            f"WHERE {where} AND series = %s AND register_year = %s AND number IS NULL) AS numbered "
            f"WHERE {documents}.id = numbered.id",
            [first, *params, series, year],
        )
        if cursor.rowcount != count:
            raise RuntimeError(f"numbered {cursor.rowcount} rows of {series} {year}, expected {count}")
    return count


def _history(acting_user, now) -> None:
    """The "+" history row of every document this run inserted, as simple-history writes it
    (the same columns, the user, the reason "import"), in one INSERT … SELECT."""
    history = Document.history.model
    own = {f.column for f in Document._meta.local_concrete_fields}
    columns, expressions, params = [], [], []
    extra = {"history_change_reason": "import", "history_date": connection.ops.adapt_datetimefield_value(now),
             "history_type": "+", "history_user_id": getattr(acting_user, "pk", None)}
    for f in history._meta.local_concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in extra:
            expressions.append("%s")
            params.append(extra[f.attname])
        else:
            assert f.column in own, f.column
            expressions.append(connection.ops.quote_name(f.column))
    where, where_params = _mine(acting_user, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({', '.join(columns)}) "  # nosec B608: model tables
            f"SELECT {', '.join(expressions)} FROM {Document._meta.db_table} WHERE {where}",
            [*params, *where_params],
        )


# --- entry points ------------------------------------------------------------------------------


def import_preview(*, upload, direction: str, mapping: dict | None = None,
                   skip_registered_duplicates: bool = False, form_for_all: str = "", progress=None) -> ImportPlan:
    """The dry run: read and check every row, write nothing. Raises DomainError for an
    unreadable file."""
    plan, _result = run(upload, direction=direction, mapping=mapping,
                        skip_registered_duplicates=skip_registered_duplicates, form_for_all=form_for_all,
                        progress=progress)
    return plan


def register_import(*, acting_user, upload, mapping: dict | None, direction: str,
                    skip_registered_duplicates: bool = False, form_for_all: str = "", progress=None,
                    on_saving=None) -> ImportResult:
    """Import a register file: all rows in one transaction, or none when any row has an error
    (ImportRejected, with every error by row and column)."""
    if not acting_user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ văn thư được nhập sổ đăng ký văn bản."))
    plan, result = run(upload, direction=direction, mapping=mapping,
                       skip_registered_duplicates=skip_registered_duplicates, form_for_all=form_for_all,
                       confirm=True, acting_user=acting_user, progress=progress, on_saving=on_saving)
    if plan.missing:
        raise DomainError(_("Chưa chọn cột cho: %(fields)s.") % {"fields": ", ".join(str(f.label) for f in plan.missing)})
    return result
