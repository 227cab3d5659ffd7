"""Excel in and out, the safe way, for every app.

Out: openpyxl's write-only mode (flat memory for 100,000 rows) and every user-supplied text
written as text, never as a formula (`=HYPERLINK(...)` typed into a summary must not run).
In: size, zip-bomb and row limits checked before openpyxl parses anything; read-only mode with
`reset_dimensions()` (a file may declare A1:A1 and hold 300,000 rows); defusedxml installed so
XML entity attacks are refused. Errors carry a Vietnamese message naming the problem.
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
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# Every sheet read here is opened read-only and `reset_dimensions()`-ed: the size a file declares
# is never used. openpyxl looks for it when it opens the sheet and, in a file without one (any
# streamed export), parses every row to find out: seconds for 100,000 rows, before the first row.
ReadOnlyWorksheet._get_size = lambda self: None

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
DAMAGED = (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError,
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
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _damaged() from exc
    if sheet_name:
        if sheet_name not in workbook.sheetnames:
            raise XlsxError(_("Không tìm thấy trang tính “%(name)s” trong tệp.") % {"name": sheet_name})
        ws = workbook[sheet_name]
    else:
        ws = workbook.worksheets[0]
    ws.reset_dimensions()  # the declared dimension may lie
    rows = ws.iter_rows(values_only=True)
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
        workbook.close()

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
