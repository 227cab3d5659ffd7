"""Excel in and out, the safe way, for every app.

Out: openpyxl's write-only mode (flat memory for 100,000 rows) and every user-supplied text
written as text, never as a formula (`=HYPERLINK(...)` typed into a summary must not run).
In: size, zip-bomb and row limits checked, and DTDs refused, before anything is parsed; then a
streaming reader of the sheet's XML (`stream_rows`, lxml with entities and the network off) gives
the values openpyxl's read-only mode would, without trusting the size a file declares (it may say
A1:A1 and hold 300,000 rows). Errors carry a Vietnamese message naming the problem.
"""

import datetime
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from defusedxml import ElementTree
from django.http import FileResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_ROWS = 200_000


class XlsxError(Exception):
    """The uploaded file cannot be read as the expected workbook; the message says why."""


# --- writing -----------------------------------------------------------------------------------


def text_cell(ws, value):
    """A cell whose value is shown as the user typed it, never evaluated."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


# openpyxl turns a str starting with "=" into a formula; these first characters start formulas
# or DDE payloads in spreadsheet programs, so such texts are written as plain text cells.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(ws, value, *, bold=False):
    # Most values need no cell object: numbers, empty cells and ordinary text are written as
    # they are (a cell object per value is what makes large exports slow).
    if not bold and (value is None or isinstance(value, (int, float)) or
                     (isinstance(value, str) and not value.startswith(FORMULA_STARTS))):
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; values are local already
    cell = text_cell(ws, value)
    if isinstance(value, datetime.datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    if bold:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def write_workbook(
    path,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence], Sequence[int] | None]],
    *,
    title_rows: Sequence[str] = (),
) -> None:
    """Write sheets of (title, headers, rows, column widths) to `path` in write-only mode."""
    workbook = Workbook(write_only=True)
    for sheet_title, headers, rows, widths in sheets:
        ws = workbook.create_sheet(title=sheet_title[:31])
        for index, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for line in title_rows:
            ws.append([_cell(ws, line, bold=True)])
        ws.append([_cell(ws, header, bold=True) for header in headers])
        for row in rows:
            ws.append([_cell(ws, value) for value in row])
    workbook.save(path)


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "Sheet1",
                  widths: Sequence[int] | None = None, title_rows: Sequence[str] = ()) -> FileResponse:
    """Stream a one-sheet workbook. Rows are consumed lazily (pass `.iterator()` querysets)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_workbook(handle, [(sheet_title, headers, rows, widths)], title_rows=title_rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    headers: list[str]
    rows: Iterator[tuple[int, tuple]]  # (Excel row number, values)
    header_row: int = 1  # where the headers were found (a register may open with title rows)


def check_upload(upload, *, max_bytes=DEFAULT_MAX_BYTES, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED,
                 max_ratio=DEFAULT_MAX_RATIO) -> None:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise XlsxError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise XlsxError(_("Tệp không phải là bảng tính Excel .xlsx hợp lệ (có thể bị hỏng hoặc là định dạng khác)."))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            total = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos) or 1
    except zipfile.BadZipFile as exc:
        raise XlsxError(_("Tệp Excel bị hỏng, không đọc được.")) from exc
    if "xl/workbook.xml" not in names:
        raise XlsxError(_("Tệp không phải là bảng tính Excel .xlsx hợp lệ (có thể bị hỏng hoặc là định dạng khác)."))
    # A zip bomb: a small file that unpacks to gigabytes.
    if total > max_uncompressed or total / packed > max_ratio:
        raise XlsxError(_("Tệp Excel có dung lượng giải nén bất thường; hệ thống từ chối để bảo vệ máy chủ."))
    upload.seek(0)
    _refuse_dtds(upload, [info for info in infos if info.filename.endswith((".xml", ".rels"))])
    upload.seek(0)


def _refuse_dtds(upload, parts) -> None:
    """No part of a workbook may declare a DTD (entity expansion, external entities). openpyxl
    refuses them through defusedxml only when lxml is absent; with lxml (which pyHanko brings) it
    parses with entities left unexpanded and goes on. A DTD comes before the root element, so each
    part is read only up to its first start tag."""
    from defusedxml import DefusedXmlException

    try:
        with zipfile.ZipFile(upload) as archive:
            for info in parts:
                with archive.open(info) as part:
                    for _event in ElementTree.iterparse(part, events=("start",), forbid_dtd=True):
                        break
    except (DefusedXmlException, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _damaged() from exc


# What openpyxl and the XML/zip layers raise for a damaged workbook once it is parsed: the zip
# check passes a container whose sheet XML is truncated, and that only shows while reading rows.
DAMAGED = (ElementTree.ParseError, etree.LxmlError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError,
           IndexError, AttributeError, OSError)


def _damaged() -> XlsxError:
    return XlsxError(_("Tệp Excel bị hỏng, không đọc được."))


def open_sheet(upload, **options) -> Sheet:
    """Open the first (or the named) sheet of an uploaded .xlsx and return its header row and a
    lazy iterator over the data rows, each with its Excel row number. Blank rows are skipped.
    Anything unreadable, at any point, is an XlsxError with a Vietnamese message."""
    try:
        sheet = _open_sheet(upload, **options)
    except DAMAGED as exc:
        raise _damaged() from exc

    def guarded(rows):
        while True:
            try:
                item = next(rows)
            except StopIteration:
                return
            except DAMAGED as exc:
                raise _damaged() from exc
            yield item

    return Sheet(headers=sheet.headers, rows=guarded(sheet.rows), header_row=sheet.header_row)


# --- the streaming reader (issue 16) -----------------------------------------------------------
# openpyxl's read-only mode builds a dict and a cell per value and loads the whole shared-strings
# table when the workbook is opened (seconds for a 100,000-row register, before the first row).
# This reader walks the sheet's XML with lxml's iterparse, one <row> at a time (each row's
# elements dropped once read: flat memory), and reads the shared strings only as far as the
# rows reached so far need them (the header of a register needs the first few dozen). Values are
# the ones openpyxl gives in read-only, data-only mode: shared and inline strings, numbers as int
# or float, dates for numbers in a date style (the workbook's epoch), booleans, the cached result
# of a formula, the error text ("#N/A") of an error cell.

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _C, _V, _IS, _T, _R, _SI = (_MAIN + name for name in ("row", "c", "v", "is", "t", "r", "si"))


def _parse(part):
    return etree.parse(part, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _iterparse(part, tag):
    return etree.iterparse(part, events=("end",), tag=tag, resolve_entities=False, no_network=True)


def _text(element) -> str:
    """The text of a string item (<si> or <is>): its plain <t> and its rich-text runs' <t>,
    phonetic runs left out, as openpyxl's `Text.content`."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            for grandchild in child:
                if grandchild.tag == _T:
                    parts.append(grandchild.text or "")
    return "".join(parts)


class _SharedStrings:
    """The shared-strings table, parsed forward only as far as an index asked for."""

    def __init__(self, archive, name):
        self.strings: list[str] = []
        self._part = archive.open(name) if name else None
        self._events = _iterparse(self._part, _SI) if name else iter(())

    def __getitem__(self, index: int) -> str:
        strings = self.strings
        while index >= len(strings):
            try:
                _event, element = next(self._events)
            except StopIteration:
                raise IndexError(index) from None
            if len(element) == 1 and element[0].tag == _T:  # plain text, the common case
                text = element[0].text or ""
            else:
                text = _text(element)
            strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        return strings[index]

    def close(self):
        if self._part is not None:
            self._part.close()


def _resolve(base: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _date_styles(archive, name) -> tuple[set[int], set[int]]:
    """The cell styles (indexes of cellXfs) whose number format is a date, and those of a
    duration, by openpyxl's own tests of a format."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    dates: set[int] = set()
    durations: set[int] = set()
    if not name:
        return dates, durations
    with archive.open(name) as part:
        root = _parse(part)
    custom = {int(f.get("numFmtId")): f.get("formatCode") or ""
              for f in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")}
    for index, xf in enumerate(root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")):
        number = int(xf.get("numFmtId", 0))
        code = custom.get(number, BUILTIN_FORMATS.get(number))
        if code is None:
            continue
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def stream_rows(upload, sheet_name: str | None = None) -> Iterator[tuple]:
    """Every row of the first (or the named) worksheet, as openpyxl's `iter_rows(values_only=True)`
    gives them in read-only mode: a tuple up to the row's last cell, an empty tuple for a row
    missing from the XML. The upload passed `check_upload`."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

    upload.seek(0)
    archive = zipfile.ZipFile(upload)
    strings = None
    try:
        with archive.open("xl/workbook.xml") as part:
            workbook = _parse(part)
        properties = workbook.find(f"{_MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        relations = {}
        if "xl/_rels/workbook.xml.rels" in archive.namelist():
            with archive.open("xl/_rels/workbook.xml.rels") as part:
                for relation in _parse(part).iter(f"{_RELS}Relationship"):
                    relations[relation.get("Id")] = (relation.get("Type", "").rsplit("/", 1)[-1],
                                                     _resolve("xl/workbook.xml", relation.get("Target", "")))
        by_type = {kind: target for kind, target in relations.values()}
        sheets = [(sheet.get("name"), relations.get(sheet.get(_R_ID))) for sheet in workbook.iter(f"{_MAIN}sheet")]
        worksheets = [(name, relation[1]) for name, relation in sheets if relation and relation[0] == "worksheet"]
        if sheet_name is not None:
            worksheets = [(name, target) for name, target in worksheets if name == sheet_name]
        if not worksheets:
            raise KeyError(sheet_name or "worksheet")
        target = worksheets[0][1]
        names = set(archive.namelist())
        dates, durations = _date_styles(archive, by_type.get("styles") if by_type.get("styles") in names else None)
        strings = _SharedStrings(archive, by_type.get("sharedStrings") if by_type.get("sharedStrings") in names else None)
    except BaseException:
        archive.close()
        raise
    return _rows(archive, target, strings, dates, durations, epoch, from_excel, from_ISO8601)


def _rows(archive, target, strings, dates, durations, epoch, from_excel, from_ISO8601):
    expected = 0  # the number of the last row given
    table = strings.strings  # the strings read so far (the table reads further when asked)
    columns = _COLUMNS
    try:
        with archive.open(target) as part:
            for _event, row in _iterparse(part, _ROW):
                number = row.get("r")
                number = int(number) if number else expected + 1
                while expected + 1 < number:
                    expected += 1
                    yield ()
                if number <= expected:  # a row out of order: openpyxl passes over it too
                    row.clear()
                    continue
                expected = number
                # The values in a list as the cells come (in column order, as writers put them;
                # a cell out of order overwrites its place); trimmed or padded to the row's last
                # cell at the end, as openpyxl does.
                values: list = []
                column = 0
                # The cells and their values in document order (row.iter in C: a proxy per
                # element and no path lookups, twice as fast as cell.find per cell).
                for element in row.iter(_C, _V, _IS):
                    tag = element.tag
                    if tag == _C:
                        where = element.get("r")
                        if where:
                            letters = where.rstrip("0123456789")
                            column = columns.get(letters) or _column(letters)
                        else:
                            column += 1
                        kind, style = element.get("t", "n"), element.get("s")
                        size = len(values)
                        if column > size:
                            if column > size + 1:
                                values.extend([None] * (column - size - 1))
                            values.append(None)
                        else:
                            values[column - 1] = None
                    elif tag == _V:
                        value = element.text
                        if not value:
                            if kind != "inlineStr":
                                values[column - 1] = None
                            continue
                        if kind == "s":
                            value = int(value)
                            value = table[value] if value < len(table) else strings[value]
                        elif kind == "n":
                            value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                            if style and int(style) in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=int(style) in durations)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "inlineStr":
                            continue
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                        values[column - 1] = value
                    elif kind == "inlineStr":
                        values[column - 1] = _text(element)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                if not values:
                    yield ()
                    continue
                if column < len(values):
                    del values[column:]
                yield tuple(values)
    finally:
        strings.close()
        archive.close()


# How far down a header is looked for when the caller scores candidate rows (`header_score`): an
# export from another system often opens with the agency's name, the register's title and a date.
HEADER_SCAN_ROWS = 10


def _open_sheet(upload, *, sheet_name: str | None = None, header_row: int = 1, max_rows=DEFAULT_MAX_ROWS,
                header_score=None, **limits) -> Sheet:
    """`header_score(values) -> int`, when given, picks the header among the first
    HEADER_SCAN_ROWS rows: the row scoring highest (the first on a tie; row `header_row` when
    none scores above 0). The rows above it are titles and are not read as data."""
    check_upload(upload, **limits)
    try:
        rows = stream_rows(upload, sheet_name)
    except KeyError:
        if sheet_name:
            raise XlsxError(_("Không tìm thấy trang tính “%(name)s” trong tệp.") % {"name": sheet_name}) from None
        raise _damaged() from None
    except Exception as exc:  # a damaged workbook raises many kinds
        raise _damaged() from exc
    if header_score is not None:
        rows, header_row = _find_header(rows, header_score, header_row)
    headers: list[str] = []
    seen = 0
    for number, values in enumerate(rows, start=1):
        seen = number
        if number == header_row:
            headers = [clean_header(value) for value in values]
            while headers and not headers[-1]:
                headers.pop()
            break
    if not headers:
        # Say which of the three it is: an empty sheet, a sheet too short to reach the header
        # row, or a blank header row.
        if seen == 0:
            raise XlsxError(_("Trang tính trống: tệp không có dòng nào."))
        if seen < header_row:
            raise XlsxError(_("Không thấy dòng tiêu đề cột: mẫu cần tiêu đề ở dòng %(row)s nhưng trang tính chỉ có "
                              "%(count)s dòng.") % {"row": header_row, "count": seen})
        raise XlsxError(_("Dòng tiêu đề cột (dòng %(row)s) để trống.") % {"row": header_row})

    def data_rows():
        for number, values in enumerate(rows, start=header_row + 1):
            if number - header_row > max_rows:
                raise XlsxError(_("Tệp có quá nhiều dòng; tối đa %(limit)s dòng mỗi lần.") % {
                    "limit": number_format(max_rows, force_grouping=True)})
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield number, tuple(values[: len(headers)]) + (None,) * (len(headers) - len(values))

    return Sheet(headers=headers, rows=data_rows(), header_row=header_row)


def _find_header(rows, score, default: int):
    """Read the first HEADER_SCAN_ROWS rows, choose the header, and give back an iterator that
    yields every row again from the top (the caller skips down to the header)."""
    import itertools

    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    best, best_score = default, 0
    for number, values in enumerate(head, start=1):
        points = score(values or ())
        if points > best_score:
            best, best_score = number, points
    return itertools.chain(head, rows), best


def clean_header(value) -> str:
    from .text import normalize_text

    return normalize_text(str(value)) if value is not None else ""


def column_letter(index: int) -> str:
    """1-based column index to its Excel letter, for error messages (cột C)."""
    return get_column_letter(index)


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    # Vietnamese writing: 1.234,5 ; also accept 1234.5
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return Decimal(text)
