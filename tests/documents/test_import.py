"""Importing an e-office register (.xlsx): dry run, errors by row and column, all-or-nothing,
idempotence. Every workbook is a real .xlsx written by openpyxl."""

import datetime
import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from documents import importer
from documents.choices import Confidentiality, Direction, Form, Kind
from documents.importer import ImportRejected, import_preview, register_import
from documents.models import Document, NumberCounter, RegisterImport
from documents.services import incoming_register
from recordsportal.services import DomainError

HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu",
           "Đơn vị hoặc người nhận", "Ghi chú", "Hình thức", "Độ khẩn"]


def good_rows():
    return [
        [1, datetime.datetime(2026, 1, 5), "UBND tỉnh", "01/UBND-KT", datetime.datetime(2026, 1, 4), "Công văn",
         "Về việc triển khai kế hoạch năm 2026", "Phòng Quản lý Đầu tư", "", "Điện tử", "Thường"],
        [2, "06/01/2026", "Sở Tài chính", "15/QĐ-STC", "05/01/2026", "Quyết định",
         "Giao dự toán ngân sách năm 2026", "Văn phòng", "Bản gốc", "Giấy", "Khẩn"],
        [3, "7/1/2026", "Bộ Kế hoạch và Đầu tư", "123/BKHĐT-KTĐN", "", "Giấy mời",
         "Mời dự hội nghị xúc tiến đầu tư", "Lãnh đạo Ban", "", "điện tử", ""],
    ]


def xlsx_bytes(headers, rows, *, title=None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    if title:
        ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="so-den-2026.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def do_import(agency, data, mapping=None, **kwargs):
    return register_import(acting_user=agency.clerk, upload=upload(data), mapping=mapping,
                           direction=Direction.INCOMING, **kwargs)


# --- the service -------------------------------------------------------------------------------


def test_it_imports_a_good_file_keeping_the_numbers(agency):
    result = do_import(agency, xlsx_bytes(HEADERS, good_rows()))
    assert result.created == 3 and result.skipped == 0 and result.numbers_allocated == 0
    docs = {d.number: d for d in Document.objects.filter(direction=Direction.INCOMING)}
    assert set(docs) == {1, 2, 3}
    first, second, third = docs[1], docs[2], docs[3]
    assert first.register_date == datetime.date(2026, 1, 5) and first.document_date == datetime.date(2026, 1, 4)
    assert first.series == "incoming" and first.register_year == 2026 and first.kind == Kind.OFFICIAL_LETTER
    assert second.kind == Kind.DECISION and second.form == Form.PAPER and second.received_medium == Form.PAPER
    assert second.urgency == "urgent" and second.notes == "Bản gốc"
    assert third.kind == Kind.INVITATION and third.document_date is None and third.form == Form.ELECTRONIC
    assert first.import_key and first.created_by == agency.clerk
    assert first.history.count() == 1  # the audit trail has the import
    # Numbering continues after the imported register.
    assert NumberCounter.objects.get(series="incoming", year=2026).last_number == 3
    nxt = incoming_register(acting_user=agency.clerk, number_symbol="9/TB-X", issuer="X", summary="Sau nhập",
                            document_date=datetime.date(2026, 2, 1), arrival_date=datetime.date(2026, 2, 2))
    assert nxt.number == 4


def test_it_allocates_numbers_when_the_file_has_none(agency, incoming):
    incoming(arrival_date=datetime.date(2026, 1, 2), document_date=datetime.date(2026, 1, 1))  # takes 01
    headers = [h for h in HEADERS if h != "Số đến"]
    rows = [row[1:] for row in good_rows()]
    result = do_import(agency, xlsx_bytes(headers, rows))
    assert result.created == 3 and result.numbers_allocated == 3
    assert sorted(Document.objects.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_it_creates_nothing_new_when_the_same_file_is_imported_twice(agency):
    data = xlsx_bytes(HEADERS, good_rows())
    do_import(agency, data)
    plan = import_preview(upload=upload(data), direction=Direction.INCOMING)
    assert plan.ok and plan.rows == [] and len(plan.skipped) == 3
    assert "đã nhập trước đây" in str(plan.skipped[0])
    result = do_import(agency, data)
    assert result.created == 0 and result.skipped == 3
    assert Document.objects.count() == 3
    assert NumberCounter.objects.get(series="incoming", year=2026).last_number == 3


def test_it_normalises_text_to_nfc(agency):
    rows = good_rows()[:1]
    rows[0][6] = unicodedata.normalize("NFD", "Về việc   triển khai Quyết định")
    do_import(agency, xlsx_bytes(HEADERS, rows))
    doc = Document.objects.get()
    assert doc.summary == "Về việc triển khai Quyết định"
    assert unicodedata.is_normalized("NFC", doc.summary)


def test_it_recognises_headers_without_accents_or_case(agency):
    headers = ["SO DEN", "ngay den", "Cơ quan ban hành", "Số ký hiệu", "Ngày VB", "Loại văn bản",
               "TRÍCH YẾU NỘI DUNG", "Nơi nhận", "Ghi chú", "Bản điện tử", "Độ khẩn"]
    plan = import_preview(upload=upload(xlsx_bytes(headers, good_rows())), direction=Direction.INCOMING)
    assert plan.ok, [str(e) for e in plan.errors]
    # The columns added for issue 14 (lead department and officer, received medium) are not in this file.
    assert set(plan.mapping) == {f.name for f in importer.INCOMING_FIELDS} - {
        "confidentiality", "department", "officer", "received_medium"}
    assert len(plan.rows) == 3


def test_it_uses_the_users_mapping_when_headers_differ(agency):
    headers = ["STT", "Nhận ngày", "Đơn vị gửi", "Ký hiệu", "Ngày ký VB", "Nội dung tóm tắt"]
    rows = [[7, "05/01/2026", "UBND tỉnh", "01/UBND-KT", "04/01/2026", "Về việc A"],
            [8, "06/01/2026", "Sở Xây dựng", "02/SXD-QLXD", "05/01/2026", "Về việc B"]]
    data = xlsx_bytes(headers, rows)
    plan = import_preview(upload=upload(data), direction=Direction.INCOMING)
    assert {f.name for f in plan.missing} == {"register_date", "issuer", "summary"}
    with pytest.raises(DomainError, match="Chưa chọn cột"):
        do_import(agency, data)
    assert Document.objects.count() == 0

    mapping = {"number": 0, "register_date": 1, "issuer": 2, "number_symbol": 3, "document_date": 4, "summary": 5}
    result = do_import(agency, data, mapping=mapping, form_for_all=Form.PAPER)  # no form column: stated
    assert result.created == 2
    doc = Document.objects.get(number=8)
    assert (doc.issuer, doc.number_symbol, doc.summary) == ("Sở Xây dựng", "02/SXD-QLXD", "Về việc B")


def test_it_reports_a_missing_required_column(agency):
    headers = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu"]  # no summary
    plan = import_preview(upload=upload(xlsx_bytes(headers, [[1, "05/01/2026", "UBND", "1/UBND"]])),
                          direction=Direction.INCOMING)
    assert [f.name for f in plan.missing] == ["summary"]
    assert plan.rows == []


def test_it_reports_a_bad_date_by_row_and_column_and_imports_nothing(agency):
    rows = good_rows()
    rows[2][1] = "31/02/2026"  # Excel row 4 (row 1 is the header), column B
    data = xlsx_bytes(HEADERS, rows)
    plan = import_preview(upload=upload(data), direction=Direction.INCOMING)
    assert [str(e) for e in plan.errors] == [
        "Dòng 4, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật"
    ]
    with pytest.raises(ImportRejected) as caught:
        do_import(agency, data)
    assert len(caught.value.plan.errors) == 1
    # Nothing half-imported: the two good rows did not go in, numbering untouched.
    assert Document.all_objects.count() == 0
    assert not NumberCounter.objects.filter(last_number__gt=0).exists()


def test_it_collects_every_error_of_every_row(agency):
    rows = good_rows()
    rows[0][2] = ""           # issuer missing
    rows[1][4] = "ngày 5"     # document date
    rows[1][9] = "Fax"        # form
    rows[2][0] = "ba"         # number
    plan = import_preview(upload=upload(xlsx_bytes(HEADERS, rows)), direction=Direction.INCOMING)
    messages = [str(e) for e in plan.errors]
    assert messages[0] == "Dòng 2, cột C (Tác giả): không được để trống"
    assert any(m.startswith("Dòng 3, cột E (Ngày văn bản): ngày không hợp lệ “ngày 5”") for m in messages)
    assert any(m.startswith("Dòng 3, cột J (Hình thức): hình thức “Fax” không hợp lệ") for m in messages)
    assert any(m.startswith("Dòng 4, cột A (Số đến): “ba” không phải số nguyên dương") for m in messages)
    assert len(messages) == 4


def test_it_refuses_a_document_dated_after_its_arrival(agency):
    rows = good_rows()[:1]
    rows[0][4] = "10/01/2026"
    plan = import_preview(upload=upload(xlsx_bytes(HEADERS, rows)), direction=Direction.INCOMING)
    assert str(plan.errors[0]).startswith("Dòng 2, cột E (Ngày văn bản): ngày văn bản 10/01/2026 sau ngày đến")


def test_it_reports_a_duplicate_of_a_registered_document(agency, incoming):
    existing = incoming(number_symbol="15/QĐ-STC", issuer="Sở  Tài chính", document_date=datetime.date(2026, 1, 5),
                        arrival_date=datetime.date(2026, 1, 6), summary="Đã nhận trước")
    rows = [row[1:] for row in good_rows()]  # no numbers: the clash is the document, not the number
    headers = HEADERS[1:]
    data = xlsx_bytes(headers, rows)
    plan = import_preview(upload=upload(data), direction=Direction.INCOMING)
    assert [str(e) for e in plan.errors] == [
        f"Dòng 3: văn bản 15/QĐ-STC ngày 05/01/2026 của Sở Tài chính đã được đăng ký (số {existing.display_number})"
    ]
    with pytest.raises(ImportRejected):
        do_import(agency, data)
    assert Document.objects.count() == 1
    # The clerk may choose to skip such rows instead.
    result = do_import(agency, data, skip_registered_duplicates=True)
    assert result.created == 2 and result.skipped == 1
    assert Document.objects.filter(number_symbol="15/QĐ-STC").count() == 1


def test_it_reports_duplicates_within_the_file(agency):
    rows = good_rows()
    twin = list(rows[1])
    twin[0], twin[1], twin[6] = 4, "08/01/2026", "Bản gửi lại"
    rows.append(twin)
    plan = import_preview(upload=upload(xlsx_bytes(HEADERS, rows)), direction=Direction.INCOMING)
    assert [str(e) for e in plan.errors] == [
        "Dòng 5: trùng số, ký hiệu, tác giả và ngày văn bản với dòng 3 trong tệp"
    ]


def test_it_reports_an_arrival_number_already_used(agency, incoming):
    incoming(arrival_date=datetime.date(2026, 1, 2), document_date=datetime.date(2026, 1, 1))  # number 01 of 2026
    rows = good_rows()
    rows[2][0] = 2  # also repeated inside the file
    plan = import_preview(upload=upload(xlsx_bytes(HEADERS, rows)), direction=Direction.INCOMING)
    assert [str(e) for e in plan.errors] == [
        "Dòng 2, cột A (Số đến): số 01 năm 2026 đã được dùng trong sổ",
        "Dòng 4, cột A (Số đến): số 02 năm 2026 trùng với dòng 3",
    ]


def test_it_numbers_confidential_documents_in_their_own_series(agency):
    headers = HEADERS + ["Độ mật"]
    rows = [row + ["Thường"] for row in good_rows()]
    rows[1][-1] = "Mật"
    rows[1][0] = 1  # number 1 of the secret series: no clash with number 1 of the ordinary one
    do_import(agency, xlsx_bytes(headers, rows))
    secret = Document.objects.get(confidentiality=Confidentiality.SECRET)
    assert (secret.series, secret.number) == ("incoming-secret", 1)


def test_it_refuses_a_file_that_is_not_xlsx(agency):
    for data in (b"%PDF-1.7 not a workbook", b"Ngay den;Tac gia\n05/01/2026;UBND\n"):
        with pytest.raises(DomainError, match="không phải là bảng tính Excel"):
            do_import(agency, data)
    assert Document.objects.count() == 0


def test_it_refuses_a_corrupted_xlsx(agency):
    data = xlsx_bytes(HEADERS, good_rows())
    with pytest.raises(DomainError, match="hỏng"):
        do_import(agency, data[: len(data) // 2])
    # A zip that claims to be a workbook but whose sheet XML is broken.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content[:200]
            target.writestr(info, content)
    with pytest.raises(DomainError):
        do_import(agency, buffer.getvalue())
    assert Document.objects.count() == 0


def test_it_refuses_an_oversized_file(agency, monkeypatch):
    data = xlsx_bytes(HEADERS, good_rows())
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", len(data) - 1)
    with pytest.raises(DomainError, match="Tệp quá lớn"):
        do_import(agency, data)
    assert Document.objects.count() == 0


def test_it_refuses_a_zip_bomb(agency):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, good_rows()))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(DomainError, match="giải nén bất thường"):
        do_import(agency, buffer.getvalue())


def test_it_refuses_too_many_rows(agency, monkeypatch):
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(DomainError, match="quá nhiều dòng"):
        do_import(agency, xlsx_bytes(HEADERS, good_rows()))
    assert Document.objects.count() == 0


def test_it_is_for_the_office_only(agency):
    with pytest.raises(DomainError, match="Chỉ văn thư"):
        register_import(acting_user=agency.officer_a, upload=upload(xlsx_bytes(HEADERS, good_rows())),
                        mapping=None, direction=Direction.INCOMING)
    assert Document.objects.count() == 0


def test_it_imports_an_outgoing_register(agency):
    headers = ["Số, ký hiệu", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký", "Nơi nhận",
               "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ghi chú"]
    rows = [["15/QĐ-BQL", "10/02/2026", "Quyết định về việc thành lập tổ công tác", "Trần Lãnh Đạo",
             "Các phòng", "VP", 5, ""],
            ["07/BQL-VP", "11/02/2026", "V/v báo cáo tình hình", "Trần Lãnh Đạo", "UBND tỉnh", "VP", 2, ""]]
    result = register_import(acting_user=agency.clerk, upload=upload(xlsx_bytes(headers, rows)), mapping=None,
                             direction=Direction.OUTGOING, form_for_all=Form.PAPER)
    assert result.created == 2
    decision = Document.objects.get(number=15)
    assert (decision.direction, decision.kind, decision.series, decision.copies) == ("outgoing", Kind.DECISION, "outgoing", 5)
    assert Document.objects.get(number=7).kind == Kind.OFFICIAL_LETTER
    assert NumberCounter.objects.get(series="outgoing", year=2026).last_number == 15


# --- the pages ---------------------------------------------------------------------------------


def test_it_walks_the_clerk_through_upload_preview_and_confirm(agency, login):
    client = login(agency.clerk)
    data = xlsx_bytes(HEADERS, good_rows())
    response = client.post(reverse("documents:import_upload"),
                           {"direction": "incoming", "file": upload(data)})
    record = RegisterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:import_preview", args=[record.pk])
    assert record.sha256 and record.file.name.startswith("imports/") and "so-den" not in record.file.name

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Về việc triển khai kế hoạch năm 2026" in page.content.decode()
    assert Document.objects.count() == 0  # the preview writes nothing

    done = client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.IMPORTED and record.created_count == 3
    assert Document.objects.count() == 3
    # Confirming again does nothing more.
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert Document.objects.count() == 3


def test_it_shows_errors_and_offers_no_confirm_button(agency, login):
    client = login(agency.clerk)
    rows = good_rows()
    rows[2][1] = "31/02/2026"
    client.post(reverse("documents:import_upload"), {"direction": "incoming", "file": upload(xlsx_bytes(HEADERS, rows))})
    record = RegisterImport.objects.get()
    page = client.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    assert "Dòng 4, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật" in page
    assert reverse("documents:import_confirm", args=[record.pk]) not in page
    response = client.post(reverse("documents:import_confirm", args=[record.pk]), follow=True)
    assert Document.objects.count() == 0
    assert "lỗi" in response.content.decode()


def test_it_asks_for_a_mapping_when_headers_differ(agency, login):
    client = login(agency.clerk)
    headers = ["STT", "Nhận ngày", "Đơn vị gửi", "Nội dung tóm tắt"]
    data = xlsx_bytes(headers, [[1, "05/01/2026", "UBND tỉnh", "Về việc A"]])
    response = client.post(reverse("documents:import_upload"), {"direction": "incoming", "file": upload(data)})
    record = RegisterImport.objects.get()
    assert response["Location"] == reverse("documents:import_mapping", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Nhận ngày" in page and "Đơn vị gửi" in page
    # The columns are chosen in styled selects (the fields are added after the form's own set-up).
    assert '<select name="register_date" class="form-select"' in page
    # One column for two fields: refused on the field, not a server error.
    refused = client.post(response["Location"], {"number": "0", "register_date": "1", "issuer": "1", "summary": "3"})
    assert refused.status_code == 200 and 'class="form-select is-invalid"' in refused.content.decode()
    assert "Cột này đã được chọn cho" in refused.content.decode()
    # The preview refuses to run without the required columns.
    assert client.get(reverse("documents:import_preview", args=[record.pk]))["Location"] == response["Location"]
    response = client.post(response["Location"], {"number": "0", "register_date": "1", "issuer": "2", "summary": "3",
                                                  "form_for_all": "paper"})  # no form column: stated
    assert response["Location"] == reverse("documents:import_preview", args=[record.pk])
    record.refresh_from_db()
    assert record.mapping == {"number": 0, "register_date": 1, "issuer": 2, "summary": 3}
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert Document.objects.get().issuer == "UBND tỉnh"


def test_it_shows_a_clear_error_for_a_bad_upload(agency, login):
    client = login(agency.clerk)
    response = client.post(reverse("documents:import_upload"),
                           {"direction": "incoming", "file": upload(b"not a workbook", name="x.xlsx")})
    assert response.status_code == 200
    assert "không phải là bảng tính Excel" in response.content.decode()
    assert RegisterImport.objects.count() == 0


def test_it_keeps_imports_away_from_other_roles(agency, login):
    client = login(agency.clerk)
    client.post(reverse("documents:import_upload"), {"direction": "incoming", "file": upload(xlsx_bytes(HEADERS, good_rows()))})
    record = RegisterImport.objects.get()
    client = login(agency.officer_a)
    assert client.get(reverse("documents:import_upload")).status_code == 403
    assert client.get(reverse("documents:import_preview", args=[record.pk])).status_code == 403
    assert client.post(reverse("documents:import_confirm", args=[record.pk])).status_code == 403
    assert Document.objects.count() == 0
