"""Excel export of the filtered list, and the yearly register book in .xlsx and PDF."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from documents import services
from documents.choices import Confidentiality, Form, Kind
from documents.views import exports as export_views
from recordsportal.models import Agency

from ..conftest import require_tool


def read_xlsx(response):
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    return workbook.worksheets[0]


def sheet_rows(ws):
    """Cell values row by row, without the empty cells openpyxl pads each row with."""
    rows = []
    for row in ws.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


@pytest.fixture
def documents(agency, incoming):
    """Three incoming documents: one assigned to officer A, one to officer B, one confidential."""
    mine = incoming(number_symbol="01/UBND-KT", summary="Về việc khảo sát khu công nghiệp",
                    arrival_date=datetime.date(2026, 1, 5), document_date=datetime.date(2026, 1, 4))
    services.incoming_assign(acting_user=agency.leader, document=mine, department=agency.dept_a,
                             officer=agency.officer_a)
    theirs = incoming(number_symbol="02/STC-NS", issuer="Sở Tài chính", summary="Giao dự toán ngân sách",
                      arrival_date=datetime.date(2026, 3, 9), document_date=datetime.date(2026, 3, 6), form=Form.PAPER,
                      kind=Kind.DECISION)
    services.incoming_assign(acting_user=agency.leader, document=theirs, department=agency.dept_b,
                             officer=agency.officer_b)
    secret = incoming(number_symbol="03/CA-PV", issuer="Công an tỉnh", summary="Tài liệu mật về an ninh",
                      arrival_date=datetime.date(2026, 3, 10), document_date=datetime.date(2026, 3, 9),
                      confidentiality=Confidentiality.SECRET, form=Form.PAPER)
    return mine, theirs, secret


# --- the filtered list -------------------------------------------------------------------------


def test_it_exports_the_filtered_list(agency, login, documents):
    response = login(agency.clerk).get(reverse("documents:export_xlsx"), {"form": "paper"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(read_xlsx(response))
    assert rows[0][:4] == ["Loại sổ", "Năm", "Số", "Số, ký hiệu"]
    symbols = sorted(row[3] for row in rows[1:])
    assert symbols == ["02/STC-NS", "03/CA-PV"]
    paper = next(row for row in rows[1:] if row[3] == "02/STC-NS")
    assert paper[0] == "Văn bản đến" and paper[6] == "Quyết định" and paper[11] == "Giấy"
    assert paper[4] == datetime.datetime(2026, 3, 9)  # a real date cell, not text
    assert paper[15] == agency.dept_b.name and paper[16] == agency.officer_b.full_name


def test_it_exports_only_what_the_user_may_see(agency, login, documents):
    rows = sheet_rows(read_xlsx(login(agency.officer_a).get(reverse("documents:export_xlsx"))))
    assert [row[3] for row in rows[1:]] == ["01/UBND-KT"]
    rows = sheet_rows(read_xlsx(login(agency.head_b).get(reverse("documents:export_xlsx"))))
    assert [row[3] for row in rows[1:]] == ["02/STC-NS"]  # the confidential one is not theirs
    rows = sheet_rows(read_xlsx(login(agency.officer_a1_unit).get(reverse("documents:export_xlsx"))))
    assert rows[1:] == []


def test_it_exports_overdue_documents_when_no_filter_is_set(agency, login, incoming):
    late = incoming(arrival_date=datetime.date(2026, 1, 5), document_date=datetime.date(2026, 1, 4))
    services.incoming_assign(acting_user=agency.leader, document=late, department=agency.dept_a,
                             officer=agency.officer_a, deadline=datetime.date(2026, 1, 20))
    rows = sheet_rows(read_xlsx(login(agency.clerk).get(reverse("documents:export_xlsx"))))
    assert [row[3] for row in rows[1:]] == [late.number_symbol]


def test_it_searches_without_accents_in_the_export(agency, login, documents):
    rows = sheet_rows(read_xlsx(login(agency.leader).get(reverse("documents:export_xlsx"), {"q": "du toan"})))
    assert [row[3] for row in rows[1:]] == ["02/STC-NS"]


def test_it_refuses_an_invalid_filter_instead_of_exporting_everything(agency, login, documents):
    response = login(agency.clerk).get(reverse("documents:export_xlsx"), {"date_from": "31/02/2026"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("documents:list"))


def test_it_writes_formulas_as_text(agency, login, incoming):
    incoming(summary='=HYPERLINK("http://evil.example","Bấm vào")', number_symbol="+1/ABC", issuer="@SUM(A1)")
    ws = read_xlsx(login(agency.clerk).get(reverse("documents:export_xlsx")))
    row = list(ws.iter_rows(min_row=2, max_row=2))[0]
    summary, symbol, issuer = row[7], row[3], row[8]
    assert summary.value == '=HYPERLINK("http://evil.example","Bấm vào")' and summary.data_type == "s"
    assert symbol.value == "+1/ABC" and symbol.data_type == "s"
    assert issuer.value == "@SUM(A1)" and issuer.data_type == "s"


def test_it_asks_for_login(client):
    response = client.get(reverse("documents:export_xlsx"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the register book -------------------------------------------------------------------------


def test_it_writes_the_incoming_register_book(agency, login, documents):
    response = login(agency.clerk).get(reverse("documents:register_book_xlsx"), {"direction": "incoming", "year": 2026})
    assert response.status_code == 200
    assert 'filename="so-den-2026.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(read_xlsx(response))
    assert rows[1] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"] and rows[2] == ["Năm 2026"]
    assert rows[3] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng văn bản",
                       "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ký nhận", "Ghi chú"]
    data = rows[4:]
    assert [row[1] for row in data] == ["01", "02"]  # the confidential one is in its own book
    first, second = data
    assert first[0] == datetime.datetime(2026, 1, 5) and first[3] == "01/UBND-KT"
    assert first[5] == "Công văn về việc khảo sát khu công nghiệp"
    assert first[6] == f"{agency.dept_a.name} – {agency.officer_a.full_name}"
    assert second[5] == "Quyết định: Giao dự toán ngân sách"

    secret = sheet_rows(read_xlsx(login(agency.clerk).get(
        reverse("documents:register_book_xlsx"), {"direction": "incoming", "year": 2026, "secret": "on"})))
    assert secret[1] == ["SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN"] and [row[3] for row in secret[4:]] == ["03/CA-PV"]


def test_it_writes_the_outgoing_register_book_for_a_month(agency, login):
    for day, month in ((3, 2), (15, 3)):
        services.outgoing_issue(acting_user=agency.clerk, kind=Kind.DECISION, summary=f"Quyết định thành lập tổ {month}",
                                department=agency.office, signer="Trần Lãnh Đạo", recipients="Các phòng",
                                issue_date=datetime.date(2026, month, day), copies=4, file_copy_keeper="VT, VP")
    rows = sheet_rows(read_xlsx(login(agency.leader).get(
        reverse("documents:register_book_xlsx"), {"direction": "outgoing", "year": 2026, "month": 3})))
    assert rows[2] == ["Tháng 3 năm 2026"]
    assert rows[3][0] == "Số, ký hiệu văn bản"
    symbol = f"02/QĐ-{Agency.load().abbreviation}"
    assert rows[4:] == [[symbol, datetime.datetime(2026, 3, 15), "Quyết định thành lập tổ 3", "Trần Lãnh Đạo",
                         "Các phòng", "VT, VP", 4]]


def test_it_keeps_the_register_book_for_the_office_and_leadership(agency, login):
    params = {"direction": "incoming", "year": 2026}
    for user in (agency.officer_a, agency.head_a):
        client = login(user)
        assert client.get(reverse("documents:register_book"), params).status_code == 403
        assert client.get(reverse("documents:register_book_xlsx"), params).status_code == 403
        assert client.get(reverse("documents:register_book_pdf"), params).status_code == 403
    assert login(agency.admin).get(reverse("documents:register_book"), params).status_code == 200


def test_it_shows_the_months_of_the_book(agency, login, documents):
    page = login(agency.clerk).get(reverse("documents:register_book"), {"direction": "incoming", "year": 2026})
    assert page.status_code == 200
    months = {item["month"]: item["count"] for item in page.context["months"]}
    assert months[1] == 1 and months[3] == 1 and page.context["total"] == 2


def test_it_refuses_a_bad_register_book_request(agency, login):
    response = login(agency.clerk).get(reverse("documents:register_book_xlsx"), {"direction": "internal", "year": "x"})
    assert response.status_code == 400


def test_it_prints_the_register_book_as_pdf(agency, login, documents, tmp_path):
    response = login(agency.clerk).get(reverse("documents:register_book_pdf"), {"direction": "incoming", "year": 2026})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "so-den.pdf"
    path.write_bytes(response.content)
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in flat
    assert "01/UBND-KT" in flat and "02/STC-NS" in flat
    assert "khảo sát khu công nghiệp" in flat and "Sở Tài chính" in flat
    assert "03/CA-PV" not in flat
    # A page as an image, for a person to look at.
    pdftoppm = require_tool("pdftoppm")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    pngs = list(tmp_path.glob("page*.png"))
    assert pngs
    shutil.copy(pngs[0], "/tmp/register_book_page1.png")


def test_it_refuses_a_pdf_too_long_and_points_to_a_month_or_the_xlsx(agency, login, documents, monkeypatch):
    monkeypatch.setattr(export_views, "PDF_MAX_ROWS", 1)
    client = login(agency.clerk)
    response = client.get(reverse("documents:register_book_pdf"), {"direction": "incoming", "year": 2026}, follow=True)
    page = response.content.decode()
    assert "Năm 2026 có 2 văn bản, quá 1 dòng để in PDF một lần. Hãy chọn một tháng, hoặc tải tệp .xlsx của cả năm." in page
    one_month = client.get(reverse("documents:register_book_pdf"), {"direction": "incoming", "year": 2026, "month": 3})
    assert one_month.status_code == 200 and one_month["Content-Type"] == "application/pdf"
