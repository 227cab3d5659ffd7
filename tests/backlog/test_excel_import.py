"""The Excel template: round trip, and every kind of bad upload refused by row and column with
nothing saved."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from backlog import services
from backlog.excel import DATA_SHEET, META_SHEET, build_template
from backlog.models import InventoryLine

from .conftest import LINES_A, as_rows, fill_template, upload_file

pytestmark = pytest.mark.django_db

EXISTING = [{"description": "Dòng có sẵn", "from_year": 2010, "to_year": 2011, "shelf_metres": Decimal("1"),
             "boxes": 5, "estimated_dossiers": 20, "condition": "good", "location": "", "notes": ""}]


def figures(inventory):
    return [
        (line.description, line.from_year, line.to_year, line.shelf_metres, line.boxes, line.estimated_dossiers, line.condition, line.location, line.notes)
        for line in inventory.lines.order_by("order")
    ]


def expected(lines):
    return [(line["description"], line["from_year"], line["to_year"], Decimal(line["shelf_metres"]).quantize(Decimal("0.01")), line["boxes"],
             line["estimated_dossiers"], line["condition"], line["location"], line["notes"]) for line in lines]


def reject(inventory, head, content, name="kiem-ke.xlsx"):
    """Upload and expect a refusal; the draft's existing line must be untouched."""
    services.inventory_save_lines(acting_user=head, inventory=inventory, lines=EXISTING)
    inventory.refresh_from_db()
    with pytest.raises(services.DomainError) as caught:
        services.inventory_import_xlsx(acting_user=head, inventory=inventory, upload=upload_file(content, name))
    assert figures(inventory) == expected(EXISTING), "nothing may be half-saved"
    error = caught.value
    return getattr(error, "errors", None) or [error.message]


def test_it_round_trips_the_template(agency, inventory_a, template_a):
    # The template opens in Excel with the headers, a hidden marker sheet and a dropdown.
    workbook = load_workbook(io.BytesIO(template_a))
    assert workbook.sheetnames == [DATA_SHEET, META_SHEET]
    assert workbook[META_SHEET].sheet_state == "hidden"
    assert [c.value for c in workbook[DATA_SHEET][3]][:5] == ["STT", "Tên nhóm tài liệu", "Từ năm", "Đến năm", "Mét giá"]

    content = fill_template(template_a, as_rows(LINES_A))
    services.inventory_import_xlsx(acting_user=agency.head_a, inventory=inventory_a, upload=upload_file(content))
    assert figures(inventory_a) == expected(LINES_A)

    # Download again (pre-filled with the saved lines), upload unchanged: the same figures.
    inventory_a.refresh_from_db()
    again = build_template(inventory_a)
    services.inventory_import_xlsx(acting_user=agency.head_a, inventory=inventory_a, upload=upload_file(again))
    assert figures(inventory_a) == expected(LINES_A)


def test_it_reads_vietnamese_number_text_and_condition_without_accents(agency, inventory_a, template_a):
    rows = [[1, "Hồ sơ\u0301 cũ", "2001", "2003", "2,5", "12", 40.0, "hu hong", "Kho", "Bìa mềm"]]
    services.inventory_import_xlsx(acting_user=agency.head_a, inventory=inventory_a, upload=upload_file(fill_template(template_a, rows)))
    line = inventory_a.lines.get()
    assert (line.from_year, line.to_year, line.shelf_metres, line.boxes, line.estimated_dossiers) == (2001, 2003, Decimal("2.50"), 12, 40)
    assert line.condition == InventoryLine.Condition.DAMAGED
    assert line.description == "Hồ sớ cũ"  # typed decomposed (NFD), stored composed (NFC)


def test_it_writes_user_text_into_the_template_as_text_not_formula(agency, inventory_a):
    line = dict(EXISTING[0], notes='=HYPERLINK("http://x","y")')
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=[line])
    cell = load_workbook(io.BytesIO(build_template(inventory_a)))[DATA_SHEET]["J4"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'


def test_it_names_row_and_column_of_every_bad_cell(agency, inventory_a, template_a):
    rows = [
        [1, "Nhóm đúng", 2001, 2003, 2, 10, 40, "Tốt", "", ""],                 # row 4: fine
        [2, "Chữ trong ô số", 2001, 2003, "hai mét", "mười", 40, "Tốt", "", ""],  # row 5
        [3, "Số âm", 2001, 2003, -1, -5, -2, "Tốt", "", ""],                    # row 6
        [4, "Bất thường", 2001, 2003, 5000, 10, 900000, "Tốt", "", ""],          # row 7
        [5, "Ngoài phạm vi", 2014, 2018, 1, 1, 1, "Tốt", "", ""],                # row 8
        [6, "Năm ngược", 2012, 2010, 1, 1, 1, "Rất tốt", "", ""],                # row 9
        [7, "", "năm 2001", 2003.5, 1, 1.5, 1, "Tốt", "", ""],                   # row 10
    ]
    errors = reject(inventory_a, agency.head_a, fill_template(template_a, rows))
    assert "Dòng 5, cột E (Mét giá): phải là số không âm" in errors
    assert "Dòng 5, cột F (Số hộp/cặp): phải là số nguyên không âm" in errors
    assert "Dòng 6, cột E (Mét giá): phải là số không âm" in errors
    assert "Dòng 6, cột F (Số hộp/cặp): phải là số nguyên không âm" in errors
    assert "Dòng 6, cột G (Số hồ sơ ước tính): phải là số nguyên không âm" in errors
    assert any(e.startswith("Dòng 7, cột E (Mét giá): số liệu bất thường") for e in errors)
    assert any(e.startswith("Dòng 7, cột G (Số hồ sơ ước tính): số liệu bất thường") for e in errors)
    assert "Dòng 8, cột D (Đến năm): năm 2018 ngoài phạm vi đợt kiểm kê (tài liệu hình thành đến năm 2015)" in errors
    assert "Dòng 9, cột D (Đến năm): đến năm (2010) phải bằng hoặc sau từ năm (2012)" in errors
    assert any(e.startswith("Dòng 9, cột H (Tình trạng vật lý): chọn một trong: Tốt, Trung bình") for e in errors)
    assert "Dòng 10, cột B (Tên nhóm tài liệu): chưa nhập tên nhóm tài liệu" in errors
    assert "Dòng 10, cột C (Từ năm): phải là năm, viết bằng số (ví dụ 2012)" in errors
    assert "Dòng 10, cột D (Đến năm): phải là năm, viết bằng số (ví dụ 2012)" in errors
    assert "Dòng 10, cột F (Số hộp/cặp): phải là số nguyên không âm" in errors
    assert not any(e.startswith("Dòng 4,") for e in errors)


def test_it_refuses_a_file_that_is_not_the_template(agency, inventory_a):
    workbook = Workbook()
    workbook.active.append(["STT", "Tên nhóm tài liệu"])
    out = io.BytesIO()
    workbook.save(out)
    errors = reject(inventory_a, agency.head_a, out.getvalue())
    assert errors == [
        "Tệp không phải là mẫu kiểm kê của đợt này. Hãy tải mẫu Excel của bản kiểm kê (nút “Tải mẫu Excel”), "
        "điền số liệu vào mẫu đó rồi tải lên."
    ]


def _set_meta(index, value):
    def edit(workbook):
        workbook[META_SHEET].cell(row=1, column=index, value=value)
    return edit


def test_it_refuses_an_old_template_version(agency, inventory_a, template_a):
    errors = reject(inventory_a, agency.head_a, fill_template(template_a, as_rows(LINES_A), edit=_set_meta(4, "1")))
    assert errors == ["Mẫu đã cũ (phiên bản 1; hiện dùng phiên bản 2). Hãy tải mẫu mới và chép số liệu sang."]


def test_it_refuses_another_campaigns_template(agency, inventory_a, template_a):
    errors = reject(inventory_a, agency.head_a, fill_template(template_a, as_rows(LINES_A), edit=_set_meta(2, "999")))
    assert errors[0].startswith("Mẫu này thuộc một đợt kiểm kê khác (mẫu số 999")


def test_it_refuses_another_departments_template(agency, inventory_a, inventory_b):
    content = fill_template(build_template(inventory_b), as_rows(LINES_A))
    errors = reject(inventory_a, agency.head_a, content)
    assert errors[0].startswith("Mẫu này được tải cho một phòng, đơn vị khác.")


def test_it_refuses_extra_and_missing_columns(agency, inventory_a, template_a):
    def extra(workbook):
        workbook[DATA_SHEET].cell(row=3, column=11, value="Người kiểm kê")
    errors = reject(inventory_a, agency.head_a, fill_template(template_a, as_rows(LINES_A), edit=extra))
    assert errors == ["Cột K (“Người kiểm kê”) là cột thừa, không có trong mẫu."]

    def missing(workbook):
        workbook[DATA_SHEET].delete_cols(5)  # Mét giá removed: every later column shifts left
    errors = reject(inventory_a, agency.head_a, fill_template(template_a, as_rows(LINES_A), edit=missing))
    assert errors[0] == ("Cột E ở dòng tiêu đề 3 là “Số hộp/cặp”, mẫu yêu cầu “Mét giá” "
                         "(có thể đã thêm, xóa hoặc đổi chỗ cột).")
    assert "Thiếu cột J (Ghi chú) ở dòng tiêu đề 3." in errors


def test_it_refuses_an_empty_template(agency, inventory_a, template_a):
    errors = reject(inventory_a, agency.head_a, template_a)
    assert errors == ["Tệp không có dòng số liệu nào (số liệu nhập từ dòng 4)."]


def test_it_refuses_a_corrupted_or_non_xlsx_file(agency, inventory_a, template_a):
    not_excel = "STT;Tên nhóm tài liệu\n1;Hồ sơ\n".encode()
    errors = reject(inventory_a, agency.head_a, not_excel, name="kiem-ke.csv")
    assert errors == ["Tệp không phải là bảng tính Excel .xlsx hợp lệ (có thể bị hỏng hoặc là định dạng khác)."]
    truncated = template_a[: len(template_a) // 2]
    errors = reject(inventory_a, agency.head_a, truncated)
    assert errors[0].startswith("Tệp")  # not a zip any more, or a damaged one
    assert "xlsx" in errors[0] or "hỏng" in errors[0]


def test_it_refuses_a_file_over_the_size_limit(agency, inventory_a):
    errors = reject(inventory_a, agency.head_a, b"PK" + b"\0" * (6 * 1024 * 1024))
    assert errors == ["Tệp quá lớn (6.0 MB); giới hạn là 5 MB."]


def test_it_refuses_a_decompression_bomb(agency, inventory_a, template_a):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template_a)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))  # ~60 KB packed, 60 MB unpacked
    assert len(out.getvalue()) < 1024 * 1024
    errors = reject(inventory_a, agency.head_a, out.getvalue())
    assert errors == ["Tệp Excel có dung lượng giải nén bất thường; hệ thống từ chối để bảo vệ máy chủ."]


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
def test_it_refuses_xml_entity_attacks(agency, inventory_a, template_a, part):
    content = fill_template(template_a, as_rows(LINES_A))
    out = io.BytesIO()
    entities = '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as evil:
        assert part in source.namelist()
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                text = data.decode()
                start = text.index("?>") + 2 if text.startswith("<?xml") else 0
                data = (text[:start] + entities + text[start:]).encode()
            evil.writestr(item, data)
    errors = reject(inventory_a, agency.head_a, out.getvalue())
    assert errors == ["Tệp Excel bị hỏng, không đọc được."]


def test_it_refuses_an_upload_once_submitted(agency, inventory_a, template_a):
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a)
    with pytest.raises(services.DomainError, match="đã nộp"):
        services.inventory_import_xlsx(
            acting_user=agency.head_a, inventory=inventory_a, upload=upload_file(fill_template(template_a, as_rows(EXISTING)))
        )
    assert inventory_a.lines.count() == 3
