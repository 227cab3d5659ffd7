"""The streaming reader of uploaded sheets (recordsportal.xlsx.stream_rows, issue 16) gives the
values openpyxl's read-only mode gives, and reads the shared strings only as far as needed."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from recordsportal import xlsx


def openpyxl_rows(data: bytes, sheet_name=None) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
    ws.reset_dimensions()
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]  # a missing row is [] there, () here
    workbook.close()
    return rows


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_it_reads_every_kind_of_value_as_openpyxl_does():
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Sổ"
    ws.append(["BAN QUẢN LÝ"])
    ws.append([])
    ws.append(["Số đến", "Ngày đến", "Tác giả", "Số", "Tỷ lệ", "Có", "Công thức", "Giờ"])
    ws.append([1, datetime.datetime(2026, 3, 5), "Sở <Tài> & chính", 12, 0.25, True, "=1+1",
               datetime.time(8, 15)])
    ws.append([None, "05/03/2026", "  khoảng trắng  ", -3, 1e20, False, None, None])
    ws["C9"] = "xa bên dưới"
    ws["J9"] = "cột J"
    other = workbook.create_sheet("Khác")
    other.append(["ở trang khác"])
    data = saved(workbook)

    assert list(xlsx.stream_rows(io.BytesIO(data))) == openpyxl_rows(data)
    assert list(xlsx.stream_rows(io.BytesIO(data), "Khác")) == openpyxl_rows(data, "Khác") == [("ở trang khác",)]
    rows = list(xlsx.stream_rows(io.BytesIO(data)))
    assert rows[3][:2] == (1, datetime.datetime(2026, 3, 5))  # a date cell is a date (its style says so)
    assert rows[5:8] == [(), (), ()]  # rows missing from the XML are empty rows, as in openpyxl


def test_it_reads_shared_strings_rich_text_and_a_1904_workbook_as_openpyxl_does():
    """Excel writes text in a shared-strings table (openpyxl's writer puts it inline); a run of
    rich text and a phonetic guide; a Mac workbook counts dates from 1904."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><workbookPr date1904="1"/>'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/></cellXfs>'
            '</styleSheet>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="3" uniqueCount="3">'
            '<si><t>Ngày đến</t></si>'
            '<si><r><rPr><b/></rPr><t>Công </t></r><r><t xml:space="preserve">văn  </t></r>'
            '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>'
            '<si><t>A&amp;B x005F_x000D_</t></si></sst>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><dimension ref="A1:A1"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2" s="2"><v>45000.5</v></c><c r="C2" t="s"><v>2</v></c>'
            '<c r="D2" t="inlineStr"><is><t>trực tiếp</t></is></c><c r="E2" t="e"><v>#N/A</v></c>'
            '<c r="F2" t="str"><f>A1</f><v>Ngày đến</v></c><c r="G2" t="b"><v>1</v></c></row>'
            '<row><c><v>7</v></c><c><v>8.5</v></c></row>'
            '</sheetData></worksheet>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    data = out.getvalue()

    rows = list(xlsx.stream_rows(io.BytesIO(data)))
    assert rows == openpyxl_rows(data)
    assert rows[0] == ("Ngày đến", None, "Công văn  ")
    assert rows[1][0] == datetime.datetime(2027, 3, 16)  # 45000 days after 1 January 1904
    assert rows[1][2:] == ("A&B x000D_", "trực tiếp", "#N/A", "Ngày đến", True)
    assert rows[2] == (7, 8.5)


def test_the_header_of_a_register_is_found_without_reading_the_whole_shared_strings_table(monkeypatch):
    """The upload request finds the header below the title rows: it must not parse the
    strings of a hundred thousand rows to do so (issue 16: the request returns at once)."""
    read = []
    original = xlsx._SharedStrings.__getitem__

    def counting(self, index):
        value = original(self, index)
        read.append(len(self.strings))
        return value

    monkeypatch.setattr(xlsx._SharedStrings, "__getitem__", counting)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>']
    rows += [f'<row r="{n}"><c r="A{n}" t="s"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>' for n in range(3, 3000)]
    strings = "".join(f"<si><t>{text}</t></si>" for text in ["SỔ", "Số đến", "Trích yếu"] + [
        f"dòng {n}" for n in range(3, 3000)])
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<worksheet xmlns="{main}"><sheetData>{"".join(rows)}</sheetData></worksheet>')

    def score(values):
        return sum(1 for value in values if value in ("Số đến", "Trích yếu"))

    sheet = xlsx.open_sheet(data, header_score=score)
    assert sheet.header_row == 2 and sheet.headers == ["Số đến", "Trích yếu"]
    assert next(sheet.rows) == (3, ("dòng 3", 3))
    assert max(read) < 50  # of 3,000 strings
    assert sum(1 for _ in sheet.rows) == 2996  # and the rest are read as the rows need them


@pytest.mark.parametrize("damage", ["truncated", "bad index"])
def test_a_damaged_sheet_is_refused_with_a_message(damage):
    workbook = Workbook()
    workbook.active.append(["Số đến", "Trích yếu"])
    workbook.active.append([1, "x"])
    data = saved(workbook)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2 + 20] if damage == "truncated" else content.replace(
                    b'<c r="A2" t="n"><v>1</v>', b'<c r="A2" t="s"><v>99</v>')
            archive.writestr(info, content)
    with pytest.raises(xlsx.XlsxError, match="bị hỏng"):
        list(xlsx.open_sheet(io.BytesIO(out.getvalue())).rows)


def sheet_with_rows(rows_xml: str) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        archive.writestr("xl/sharedStrings.xml", (
            f'<sst xmlns="{main}"><si><t>một</t></si><si><t>hai x005F_x000D_</t></si>'
            '<si><r><t>ba </t></r><r><t>bốn</t></r></si><si/></sst>'))
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{rows_xml}</sheetData></worksheet>')
    return data.getvalue()


@pytest.mark.parametrize("rows_xml", [
    # gaps between cells, and a row ending in an empty cell
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="D1"><v>4</v></c><c r="F1"/></row>',
    # cells without a reference follow the one before them
    '<row r="1"><c><v>1</v></c><c r="C1" t="s"><v>1</v></c><c><v>2.5</v></c></row>',
    # cells out of order: the row ends at its last cell, as openpyxl reads it
    '<row r="1"><c r="C1"><v>3</v></c><c r="A1" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c><c r="B2" t="s"><v>3</v></c></row>',
    # empty values, an empty shared string, a row with no cells, a missing row
    '<row r="1"><c r="A1" t="s"><v></v></c><c r="B1" t="s"><v>3</v></c><c r="C1"><v/></c></row>'
    '<row r="2"/><row r="4"><c r="B4" t="b"><v>0</v></c></row>',
])
def test_rows_with_gaps_unreferenced_and_unordered_cells_read_as_openpyxl_does(rows_xml):
    """The reader puts each value straight into its row's list (no dict of cells per row, issue 16:
    a 100,000-row register's dry run): gaps, cells without a reference and out of order must
    still come out as openpyxl gives them."""
    data = sheet_with_rows(rows_xml)
    assert list(xlsx.stream_rows(io.BytesIO(data))) == openpyxl_rows(data)
