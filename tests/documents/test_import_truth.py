"""Issue 14, item 6: imports that carry the truth. The register import maps the lead department
and officer (by name, abbreviation or username; errors by row and column), the received medium
apart from the form, and the form by the rules of documents/rules.py (no form column: paper
unless the clerk states otherwise at the mapping step); it finds a header below title rows; and a
changed row imported again shows its changes in the dry run and is updated on confirm, with a
history row. Every workbook is a real .xlsx written by openpyxl."""

import pytest
from django.urls import reverse

from documents.choices import Direction, Form, PaperReason
from documents.importer import ImportRejected, import_preview, register_import
from documents.models import Document, RegisterImport
from recordsportal.services import DomainError
from tests.conftest import xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db

HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Đơn vị chủ trì",
           "Cán bộ xử lý", "Hình thức nhận", "Hình thức"]


def rows():
    return [
        [1, "05/01/2026", "UBND tỉnh", "01/UBND-KT", "04/01/2026", "Về việc A", "Phòng Quản lý Đầu tư",
         "Phan Văn Cán Bộ A", "Giấy", "Điện tử"],
        [2, "06/01/2026", "Sở Tài chính", "15/STC-NS", "05/01/2026", "Về việc B", "QLDN", "officer_b", "Điện tử",
         "Điện tử"],
        [3, "07/01/2026", "Sở Xây dựng", "7/SXD-QLXD", "06/01/2026", "Về việc C", "", "", "Giấy", "Giấy"],
    ]


def xlsx(headers, body, *, titles=()) -> bytes:
    return xlsx_bytes([*titles, headers, *body])


@pytest.fixture(autouse=True)
def _media(media):
    """Every test stores its uploads in a folder of its own (tests/conftest.py `media`)."""


def do_import(agency, data, **options):
    return register_import(acting_user=agency.clerk, upload=xlsx_upload(data), mapping=options.pop("mapping", None),
                           direction=Direction.INCOMING, **options)


def errors_of(data, **options):
    return [str(e) for e in import_preview(upload=xlsx_upload(data), direction=Direction.INCOMING, **options).errors]


# --- lead department and officer ------------------------------------------------------------------


def test_the_lead_department_and_officer_are_mapped_by_name_abbreviation_or_username(agency):
    do_import(agency, xlsx(HEADERS, rows()))
    first, second, third = (Document.objects.get(number=n) for n in (1, 2, 3))
    assert (first.department, first.officer) == (agency.dept_a, agency.officer_a)  # full names
    assert (second.department, second.officer) == (agency.dept_b, agency.officer_b)  # abbreviation, username
    assert (third.department, third.officer) == (None, None)  # empty cells: the agency's only


def test_an_officer_without_a_department_column_brings_their_department(agency):
    headers = [h for h in HEADERS if h != "Đơn vị chủ trì"]
    body = [row[:6] + row[7:] for row in rows()]
    do_import(agency, xlsx(headers, body))
    assert Document.objects.get(number=1).department == agency.dept_a
    assert Document.objects.get(number=2).department == agency.dept_b


def test_an_unknown_or_ambiguous_department_or_officer_is_an_error_at_its_row_and_column(agency):
    from tests.factories import UserFactory

    UserFactory(username="twin", full_name="Phan Văn Cán Bộ A", department=agency.dept_b)
    body = rows()
    body[0][6], body[0][7] = "Phòng Không Có", "officer_a"
    body[1][7] = "Người Lạ"
    body[2][7] = "Phan Văn Cán Bộ A"  # two people of that name, and no department to tell them apart
    assert errors_of(xlsx(HEADERS, body)) == [
        "Dòng 2, cột G (Đơn vị chủ trì): không có phòng, đơn vị “Phòng Không Có” trong hệ thống (ghi tên hoặc tên viết tắt)",
        "Dòng 3, cột H (Cán bộ xử lý): không có cán bộ “Người Lạ” trong hệ thống (ghi họ và tên hoặc tên đăng nhập)",
        "Dòng 4, cột H (Cán bộ xử lý): có 2 người tên “Phan Văn Cán Bộ A”; ghi tên đăng nhập để phân biệt",
    ]
    # The department tells the two apart.
    body = rows()
    body[2][6], body[2][7] = "Phòng Quản lý Doanh nghiệp", "Phan Văn Cán Bộ A"
    assert errors_of(xlsx(HEADERS, body)) == []


def test_an_officer_outside_the_department_is_a_note_not_an_error(agency):
    body = rows()
    body[0][7] = "officer_b"  # works in QLDN today; the register says QLĐT
    plan = import_preview(upload=xlsx_upload(xlsx(HEADERS, body)), direction=Direction.INCOMING)
    assert plan.ok and [str(w) for w in plan.warnings] == [
        "Dòng 2, cột H (Cán bộ xử lý): Chu Văn Cán Bộ B hiện không thuộc Phòng Quản lý Đầu tư; "
        "văn bản vẫn ghi cho đơn vị và cán bộ theo sổ"]


# --- received medium and form ---------------------------------------------------------------------


def test_the_received_medium_is_read_apart_from_the_form(agency):
    do_import(agency, xlsx(HEADERS, rows()))
    scanned = Document.objects.get(number=1)  # a paper letter scanned on arrival
    assert (scanned.received_medium, scanned.form) == (Form.PAPER, Form.ELECTRONIC)
    assert Document.objects.get(number=2).received_medium == Form.ELECTRONIC
    body = rows()
    body[0][8] = "Fax"
    assert errors_of(xlsx(HEADERS, body))[0].startswith("Dòng 2, cột I (Hình thức nhận): hình thức nhận “Fax” không hợp lệ")


def test_a_file_without_a_form_column_is_not_imported_until_the_clerk_chooses_the_form(agency):
    headers = HEADERS[:8]
    body = [row[:8] for row in rows()]
    with pytest.raises(DomainError, match="Tệp không có cột Hình thức: hãy chọn hình thức của mọi dòng"):
        do_import(agency, xlsx(headers, body))
    assert not Document.all_objects.exists()  # no silent default


@pytest.mark.parametrize(("chosen", "stored"), [
    (Form.PAPER, (Form.PAPER, PaperReason.UNJUSTIFIED)),  # paper needs a reason; none given is unjustified
    (Form.ELECTRONIC, (Form.ELECTRONIC, "")),
])
def test_the_form_chosen_at_the_mapping_step_is_given_to_every_row(agency, chosen, stored):
    headers = HEADERS[:8] + ["Độ mật"]
    body = [row[:8] + ["Thường"] for row in rows()]
    body[0][-1] = "Mật"
    do_import(agency, xlsx(headers, body), form_for_all=chosen)
    normal = Document.objects.filter(confidentiality="normal")
    assert normal.count() == 2 and set(normal.values_list("form", "paper_reason")) == {stored}
    # A confidential row is paper whatever was chosen, for the reason the law gives.
    assert Document.objects.filter(confidentiality="secret").values_list("form", "paper_reason").get() == (
        Form.PAPER, PaperReason.CONFIDENTIAL)


def test_the_mapping_step_requires_the_form_of_every_row(agency, login):
    client = login(agency.clerk)
    headers = HEADERS[:8]
    body = [row[:8] for row in rows()]
    response = client.post(reverse("documents:import_upload"),
                           {"direction": "incoming", "file": xlsx_upload(xlsx(headers, body))})
    record = RegisterImport.objects.get()
    mapping_url = reverse("documents:import_mapping", args=[record.pk])
    assert response["Location"] == mapping_url  # asked at the mapping step, before any dry run
    # Neither the preview nor the confirmation goes past it.
    assert client.get(reverse("documents:import_preview", args=[record.pk]))["Location"] == mapping_url
    assert client.post(reverse("documents:import_confirm", args=[record.pk]))["Location"] == mapping_url
    assert not Document.objects.exists()

    page = client.get(mapping_url).content.decode()
    assert "Tệp không có cột Hình thức" in page
    choice = page.split('name="form_for_all"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>— Chọn hình thức —' in choice  # nothing chosen in the clerk's place
    assert '<option value="paper">' in choice and '<option value="electronic">' in choice
    posted = {name: str(index) for name, index in record.mapping.items()}
    refused = client.post(mapping_url, posted)
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert list(errors) == ["form_for_all"] and "hãy chọn hình thức của mọi dòng" in errors["form_for_all"][0]
    html = refused.content.decode()
    field = html.split('<select name="form_for_all"', 1)[1].split("</select>", 1)[0]
    assert 'class="form-select is-invalid"' in field and 'id="id_form_for_all_error"' in html
    assert '<option value="5" selected>' in html  # the columns chosen are kept
    record.refresh_from_db()
    assert record.form_for_all == "" and record.file  # the upload is kept, nothing was chosen for the clerk

    assert client.post(mapping_url, posted | {"form_for_all": "electronic"}).status_code == 302
    record.refresh_from_db()
    assert record.form_for_all == Form.ELECTRONIC
    assert "Văn thư đã chọn: mọi dòng là văn bản điện tử" in client.get(
        reverse("documents:import_preview", args=[record.pk])).content.decode()
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert set(Document.objects.values_list("form", flat=True)) == {Form.ELECTRONIC}


def test_a_file_with_a_form_column_needs_no_choice_for_every_row(agency, login):
    client = login(agency.clerk)
    response = client.post(reverse("documents:import_upload"),
                           {"direction": "incoming", "file": xlsx_upload(xlsx(HEADERS, rows()))})
    record = RegisterImport.objects.get()
    assert response["Location"] == reverse("documents:import_preview", args=[record.pk])
    posted = {name: str(index) for name, index in record.mapping.items()}
    assert client.post(reverse("documents:import_mapping", args=[record.pk]), posted).status_code == 302


def test_a_confidential_row_is_never_electronic(agency):
    headers = HEADERS + ["Độ mật"]
    body = [row + ["Thường"] for row in rows()]
    body[0][-1] = "Mật"
    assert errors_of(xlsx(headers, body)) == [
        "Dòng 2, cột J (Hình thức): Văn bản mật không được xử lý dưới dạng điện tử."]
    # Chosen for every row at the mapping step, electronic leaves a confidential row on paper.
    headers = HEADERS[:8] + ["Độ mật"]
    body = [row[:8] + ["Thường"] for row in rows()]
    body[0][-1] = "Mật"
    do_import(agency, xlsx(headers, body), form_for_all=Form.ELECTRONIC)
    secret = Document.objects.get(confidentiality="secret")
    assert (secret.form, secret.paper_reason) == (Form.PAPER, PaperReason.CONFIDENTIAL)


# --- a header below title rows ---------------------------------------------------------------------


def test_a_header_below_title_rows_is_found(agency):
    titles = [["BAN QUẢN LÝ KHU KINH TẾ TỈNH"], ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"], [], ["Ghi chú: trích từ hệ thống"]]
    data = xlsx(HEADERS, rows(), titles=titles)
    plan = import_preview(upload=xlsx_upload(data), direction=Direction.INCOMING)
    assert plan.header_row == 5 and plan.ok and plan.new_count == 3
    assert plan.headers[:3] == ["Số đến", "Ngày đến", "Tác giả"]
    body = rows()
    body[1][1] = "31/02/2026"  # the third data row is Excel row 7
    assert errors_of(xlsx(HEADERS, body, titles=titles)) == [
        "Dòng 7, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật"]
    do_import(agency, data)
    assert Document.objects.count() == 3


def test_the_upload_page_finds_the_header_below_title_rows(agency, login):
    client = login(agency.clerk)
    data = xlsx(HEADERS, rows(), titles=[["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"], ["Năm 2026"]])
    response = client.post(reverse("documents:import_upload"), {"direction": "incoming", "file": xlsx_upload(data)})
    record = RegisterImport.objects.get()
    assert response["Location"] == reverse("documents:import_preview", args=[record.pk])  # no mapping needed
    assert record.headers[0] == "Số đến" and record.rows_total == 3
    assert "tiêu đề cột ở dòng 3" in client.get(response["Location"]).content.decode()


# --- a changed row imported again -----------------------------------------------------------------


def test_a_changed_row_shows_its_changes_in_the_dry_run_and_is_updated_with_history_on_confirm(agency):
    do_import(agency, xlsx(HEADERS, rows()))
    document = Document.objects.get(number=2)
    assert document.history.count() == 1
    body = rows()
    body[1][5] = "Về việc B (đính chính)"   # the summary: part of the row's key
    body[1][7] = "head_b"                   # the officer
    plan = import_preview(upload=xlsx_upload(xlsx(HEADERS, body)), direction=Direction.INCOMING)
    assert plan.ok and (plan.new_count, plan.change_count, plan.skipped_count) == (0, 1, 2)
    assert [str(c) for c in plan.changes] == [
        "Dòng 3 (số 02): Trích yếu: Về việc B → Về việc B (đính chính); "
        "Cán bộ xử lý: Chu Văn Cán Bộ B → Vũ Văn Trưởng B"]
    assert Document.objects.get(number=2).summary == "Về việc B"  # the dry run wrote nothing

    result = do_import(agency, xlsx(HEADERS, body))
    assert (result.created, result.updated, result.skipped) == (0, 1, 2)
    document.refresh_from_db()
    assert (document.summary, document.officer) == ("Về việc B (đính chính)", agency.head_b)
    assert Document.objects.count() == 3
    latest = document.history.first()
    assert document.history.count() == 2 and latest.history_type == "~" and latest.history_user == agency.clerk
    assert latest.summary == "Về việc B (đính chính)" and "Nhập lại sổ" in latest.history_change_reason
    # Imported a third time, the file changes nothing more.
    again = import_preview(upload=xlsx_upload(xlsx(HEADERS, body)), direction=Direction.INCOMING)
    assert (again.new_count, again.change_count, again.skipped_count) == (0, 0, 3)


def test_a_changed_row_found_by_its_symbol_keeps_its_number_and_may_not_change_it(agency):
    headers = HEADERS[1:]  # no arrival numbers: the register gives them
    body = [row[1:] for row in rows()]
    do_import(agency, xlsx(headers, body))
    body[0][4] = "Về việc A, bổ sung"
    result = do_import(agency, xlsx(headers, body))
    assert (result.created, result.updated) == (0, 1)
    assert Document.objects.get(number_symbol="01/UBND-KT").summary == "Về việc A, bổ sung"
    # With numbers, a row whose number differs from the one it was imported with is refused.
    numbered = rows()
    numbered[0][0], numbered[0][5] = 9, "Về việc A, lần ba"
    with pytest.raises(ImportRejected) as refused:
        do_import(agency, xlsx(HEADERS, numbered))
    assert [str(e) for e in refused.value.plan.errors] == [
        "Dòng 2, cột A (Số đến): văn bản này đã được nhập với số 01; nhập lại không đổi số của văn bản"]


def test_the_preview_page_shows_the_changes_field_by_field(agency, login):
    do_import(agency, xlsx(HEADERS, rows()))
    body = rows()
    body[0][6] = "QLDN"
    body[0][7] = "officer_b"
    client = login(agency.clerk)
    client.post(reverse("documents:import_upload"), {"direction": "incoming", "file": xlsx_upload(xlsx(HEADERS, body))})
    record = RegisterImport.objects.get()
    page = client.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    changes = page.split('data-testid="import-changes"', 1)[1].split("</table>", 1)[0]
    assert "Phòng Quản lý Đầu tư</del> → <ins class=\"text-success\">Phòng Quản lý Doanh nghiệp" in changes
    assert "Phan Văn Cán Bộ A</del> → <ins class=\"text-success\">Chu Văn Cán Bộ B" in changes
    assert "Nhập 0 văn bản, cập nhật 1 văn bản" in page
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.created_count, record.updated_count) == ("imported", 0, 1)
    assert Document.objects.get(number=1).department == agency.dept_b


def test_the_importers_fast_key_is_search_key():
    """The import keys (and search_text) of imported rows use a faster `search_key`: the same
    result for every character the table covers and for Vietnamese texts."""
    from documents.importer import fast_key
    from recordsportal.text import search_key

    for code in range(0, 0x3100):
        assert fast_key(chr(code) + " x") == search_key(chr(code) + " x"), hex(code)
    for text in ("Quyết định về việc ĐẦU TƯ  xây dựng", "Sở Tài chính", "V/v  báo cáo\tquý I", "İstanbul Ωμέγα",
                 "Hỗ trợ 𝔘nicode ㊀", "e\u0301 decomposed", ""):
        assert fast_key(text) == search_key(text)
