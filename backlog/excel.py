"""The campaign's Excel template: written for one department's inventory, read back on upload.

Layout of the template (sheet "Kiểm kê"): row 1 the title, row 2 the campaign and department,
row 3 the column headers, data from row 4. A hidden sheet "_mau" holds the marker: the template
kind, the campaign id, the department id and the template version. A file without it, from
another campaign or department, or of an older version is refused before any cell is read, so
figures never land in the wrong inventory.

Reading goes through `recordsportal.xlsx.open_sheet` (size, zip-bomb and row checks, read-only
mode with reset_dimensions, defusedxml), once for the marker and once for the data.
"""

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from recordsportal.text import normalize_text, search_key
from recordsportal.xlsx import XlsxError, as_decimal, column_letter, open_sheet

from .models import InventoryLine
from .rules import line_problems

MARKER = "recordsportal:backlog-inventory"
TEMPLATE_VERSION = "2"
META_SHEET = "_mau"
DATA_SHEET = "Kiểm kê"
HEADER_ROW = 3
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_LINES = 2_000
MAX_ERRORS_SHOWN = 200

# (field, header, width, kind)
COLUMNS = [
    ("order", "STT", 6, "ignore"),
    ("description", "Tên nhóm tài liệu", 45, "text"),
    ("from_year", "Từ năm", 9, "year"),
    ("to_year", "Đến năm", 9, "year"),
    ("shelf_metres", "Mét giá", 10, "decimal"),
    ("boxes", "Số hộp/cặp", 11, "int"),
    ("estimated_dossiers", "Số hồ sơ ước tính", 14, "int"),
    ("condition", "Tình trạng vật lý", 22, "condition"),
    ("location", "Nơi bảo quản", 25, "text"),
    ("notes", "Ghi chú", 30, "text"),
]
HEADERS = [header for _field, header, _width, _kind in COLUMNS]
TEXT_LIMITS = {"description": 500, "location": 255, "notes": 500}


def template_name(inventory) -> str:
    return f"kiem-ke-ton-dong-dot{inventory.campaign_id}-{inventory.department.abbreviation}.xlsx"


def build_template(inventory) -> bytes:
    """The template for `inventory`, pre-filled with its current lines (so a department can
    continue in Excel what it started in the browser). Small: the normal (not write-only)
    workbook is fine and allows a dropdown, styles and a hidden sheet."""
    campaign = inventory.campaign
    workbook = Workbook()
    ws = workbook.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    ws["A1"] = _("BẢNG KIỂM KÊ TÀI LIỆU TỒN ĐỌNG (hình thành đến năm %(year)s)") % {"year": campaign.scope_until_year}
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = _("Đợt: %(title)s · Phòng, đơn vị: %(department)s · Hạn nộp: %(deadline)s · Mẫu số %(campaign)s, phiên bản %(version)s") % {
        "title": campaign.title,
        "department": inventory.department.name,
        "deadline": campaign.deadline.strftime("%d/%m/%Y"),
        "campaign": campaign.pk,
        "version": TEMPLATE_VERSION,
    }
    ws["A2"].font = Font(italic=True)
    for index, (_field, header, width, _kind) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    labels = [str(label) for label in InventoryLine.Condition.labels]
    condition_column = column_letter(HEADERS.index("Tình trạng vật lý") + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    validation.error = _("Chọn một tình trạng trong danh sách.")
    ws.add_data_validation(validation)
    validation.add(f"{condition_column}{HEADER_ROW + 1}:{condition_column}{HEADER_ROW + MAX_LINES}")

    for number, line in enumerate(inventory.lines.all(), start=1):
        values = {
            "order": number,
            "description": line.description,
            "from_year": line.from_year,
            "to_year": line.to_year,
            "shelf_metres": line.shelf_metres,
            "boxes": line.boxes,
            "estimated_dossiers": line.estimated_dossiers,
            "condition": line.get_condition_display(),
            "location": line.location,
            "notes": line.notes,
        }
        for index, (field, _header, _width, _kind) in enumerate(COLUMNS, start=1):
            value = values[field]
            cell = ws.cell(row=HEADER_ROW + number, column=index, value=float(value) if isinstance(value, Decimal) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # user text stays text: never a formula

    meta = workbook.create_sheet(META_SHEET)
    for index, value in enumerate([MARKER, str(campaign.pk), str(inventory.department_id), TEMPLATE_VERSION], start=1):
        meta.cell(row=1, column=index, value=value).data_type = "s"
    meta.sheet_state = "hidden"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------------------------


@dataclass
class CellError:
    row: int | None
    column: int | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        header = HEADERS[self.column - 1]
        return _("Dòng %(row)s, cột %(col)s (%(header)s): %(message)s") % {
            "row": self.row,
            "col": column_letter(self.column),
            "header": header,
            "message": self.message,
        }


# Far above every limit of rules.line_problems, which then refuses the figure as implausible.
# Bounding first matters: a cell "1e999999" is a valid Decimal whose int() takes minutes (a
# worker tied up by one upload), and quantize() fails on anything past 28 digits.
_HUGE = Decimal(10) ** 15


def _bounded(number: Decimal) -> Decimal:
    # adjusted() (the exponent of the leading digit) needs no arithmetic: abs() of 1E+1000000
    # already overflows the decimal context.
    return _HUGE.copy_sign(number) if number.is_finite() and number.adjusted() > 15 else number


def _as_int(value, *, year=False):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = as_decimal(value)  # ValueError / InvalidOperation on text
    if not number.is_finite():
        raise ValueError
    number = _bounded(number)
    if number != number.to_integral_value():
        raise ValueError
    return int(number)


def _convert(kind, value):
    """(converted, error message or None) for one cell."""
    if kind == "text":
        return normalize_text(str(value)) if value is not None else "", None
    if kind == "year":
        try:
            return _as_int(value), None
        except (ValueError, InvalidOperation, TypeError):
            return None, _("phải là năm, viết bằng số (ví dụ 2012)")
    if kind == "int":
        try:
            return _as_int(value), None
        except (ValueError, InvalidOperation, TypeError):
            return None, _("phải là số nguyên không âm")
    if kind == "decimal":
        try:
            number = as_decimal(value)
        except (ValueError, InvalidOperation, TypeError):
            return None, _("phải là số không âm")
        if number is not None and not number.is_finite():
            return None, _("phải là số không âm")
        number = _bounded(number) if number is not None else None
        return (number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if number is not None else None), None
    if kind == "condition":
        key = search_key(str(value)) if value is not None else ""
        for code, label in InventoryLine.Condition.choices:
            label_key = search_key(str(label))
            if key and (key == code or key == label_key or label_key.startswith(key)):
                return code, None
        return None, None  # line_problems names the choices
    return None, None


def _check_marker(upload, inventory) -> list[CellError]:
    wrong = _(
        "Tệp không phải là mẫu kiểm kê của đợt này. Hãy tải mẫu Excel của bản kiểm kê (nút “Tải mẫu Excel”), "
        "điền số liệu vào mẫu đó rồi tải lên."
    )
    try:
        meta = open_sheet(upload, sheet_name=META_SHEET, header_row=1, max_bytes=MAX_UPLOAD_BYTES)
    except XlsxError as error:
        if META_SHEET in str(error):
            return [CellError(None, None, wrong)]
        raise
    values = meta.headers + [""] * 4
    kind, campaign_id, department_id, version = values[:4]
    if kind != MARKER:
        return [CellError(None, None, wrong)]
    if campaign_id != str(inventory.campaign_id):
        return [CellError(None, None, _(
            "Mẫu này thuộc một đợt kiểm kê khác (mẫu số %(found)s, đợt này là số %(expected)s). Hãy tải mẫu mới của đợt này."
        ) % {"found": campaign_id, "expected": inventory.campaign_id})]
    if department_id != str(inventory.department_id):
        return [CellError(None, None, _(
            "Mẫu này được tải cho một phòng, đơn vị khác. Hãy tải mẫu của bản kiểm kê của %(department)s."
        ) % {"department": inventory.department.name})]
    if version != TEMPLATE_VERSION:
        return [CellError(None, None, _(
            "Mẫu đã cũ (phiên bản %(found)s; hiện dùng phiên bản %(expected)s). Hãy tải mẫu mới và chép số liệu sang."
        ) % {"found": version or "?", "expected": TEMPLATE_VERSION})]
    return []


def _check_headers(headers: list[str]) -> list[CellError]:
    errors = []
    for index, expected in enumerate(HEADERS, start=1):
        if index > len(headers) or not headers[index - 1]:
            errors.append(CellError(None, None, _("Thiếu cột %(col)s (%(header)s) ở dòng tiêu đề %(row)s.") % {
                "col": column_letter(index), "header": expected, "row": HEADER_ROW}))
        elif search_key(headers[index - 1]) != search_key(expected):
            errors.append(CellError(None, None, _(
                "Cột %(col)s ở dòng tiêu đề %(row)s là “%(found)s”, mẫu yêu cầu “%(header)s” (có thể đã thêm, xóa hoặc đổi chỗ cột)."
            ) % {"col": column_letter(index), "row": HEADER_ROW, "found": headers[index - 1], "header": expected}))
    for index in range(len(HEADERS) + 1, len(headers) + 1):
        if headers[index - 1]:
            errors.append(CellError(None, None, _("Cột %(col)s (“%(found)s”) là cột thừa, không có trong mẫu.") % {
                "col": column_letter(index), "found": headers[index - 1]}))
    return errors


def check_inventory_upload(upload, inventory) -> tuple[int, list[str]]:
    """Refuse a file as a whole before it is stored or queued (not a workbook, too big, not this
    inventory's template, headers changed, damaged, more than MAX_LINES rows): (its number of
    non-blank data rows, []) or (0, the problems). Reading stops at the cap, so this is quick."""
    try:
        errors = _check_marker(upload, inventory)
        if errors:
            return 0, [str(e) for e in errors]
        sheet = open_sheet(upload, sheet_name=DATA_SHEET, header_row=HEADER_ROW, max_rows=MAX_LINES, max_bytes=MAX_UPLOAD_BYTES)
        errors = _check_headers(sheet.headers)
        if errors:
            return 0, [str(e) for e in errors]
        return sum(1 for _row in sheet.rows), []
    except XlsxError as error:
        return 0, [str(error)]
    except Exception:  # noqa: BLE001 - a damaged or hostile sheet part fails while rows are read
        return 0, [_("Tệp Excel bị hỏng, không đọc được.")]


def parse_inventory_upload(upload, inventory, progress=None) -> tuple[list[dict], list[str]]:
    """Read the whole file; return (lines, []) when every row is right, or ([], errors) with a
    Vietnamese message per problem, naming the row and column. Nothing is written here.
    `progress(rows_read, errors_so_far)` is called after each row (see recordsportal.progress)."""
    try:
        errors = _check_marker(upload, inventory)
        if errors:
            return [], [str(e) for e in errors]
        sheet = open_sheet(upload, sheet_name=DATA_SHEET, header_row=HEADER_ROW, max_rows=MAX_LINES, max_bytes=MAX_UPLOAD_BYTES)
        errors = _check_headers(sheet.headers)
        if errors:
            return [], [str(e) for e in errors]
        column_of = {field: index for index, (field, *_rest) in enumerate(COLUMNS, start=1)}
        lines = []
        read = 0
        for row_number, values in sheet.rows:
            read += 1
            if progress is not None:
                progress(read, len(errors))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[1:]):
                continue  # only the STT column filled in: a numbered but empty row
            line, row_errors = {}, []
            for index, (field, _header, _width, kind) in enumerate(COLUMNS, start=1):
                if kind == "ignore":
                    continue
                converted, message = _convert(kind, values[index - 1])
                if message:
                    row_errors.append(CellError(row_number, index, message))
                line[field] = converted
            for field, limit in TEXT_LIMITS.items():
                if len(line[field]) > limit:
                    row_errors.append(CellError(row_number, column_of[field], _("dài quá %(n)s ký tự") % {"n": limit}))
            already = {e.column for e in row_errors}
            for field, message in line_problems(line, inventory.campaign).items():
                if column_of[field] not in already:
                    row_errors.append(CellError(row_number, column_of[field], message))
            if row_errors:
                errors.extend(row_errors)
            else:
                lines.append(line)
        if progress is not None:
            progress(read, len(errors))
    except XlsxError as error:
        return [], [str(error)]
    except Exception:  # noqa: BLE001 - a damaged or hostile sheet part fails while rows are read
        return [], [_("Tệp Excel bị hỏng, không đọc được.")]
    if not errors and not lines:
        errors.append(CellError(None, None, _("Tệp không có dòng số liệu nào (số liệu nhập từ dòng %(row)s).") % {"row": HEADER_ROW + 1}))
    if errors:
        messages = [str(e) for e in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            messages.append(_("… và %(n)s lỗi khác.") % {"n": len(errors) - MAX_ERRORS_SHOWN})
        return [], messages
    return lines, []
