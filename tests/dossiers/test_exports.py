"""Batch forms (PDF read back, xlsx), the file plan's Excel round trip and a bad row."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from dossiers import services
from dossiers.models import FilePlan

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def submitted_batch(agency, plan, closed_dossier):
    first = closed_dossier()
    heading = plan.headings.first()
    entry = services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=heading, retention_years=0,
                                         title="Hồ sơ giải phóng mặt bằng dự án cảng biển Vũng Áng")
    second = closed_dossier(entry=entry)
    batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a,
                                          dossiers=[first, second])
    services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
    return batch, [first, second]


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_inventory_and_handover_pdfs_carry_the_codes_and_vietnamese_titles(agency, login, submitted_batch, tmp_path):
    batch, dossiers = submitted_batch
    client = login(agency.head_a)
    inventory = client.get(reverse("dossiers:batch_document", args=[batch.pk, "inventory", "pdf"]))
    assert inventory.status_code == 200 and inventory["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(inventory).split())
    assert "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU" in text
    for dossier in dossiers:
        assert dossier.code in text
    assert "Hồ sơ giải phóng mặt bằng dự án cảng biển Vũng Áng" in text and "Vĩnh viễn" in text
    (tmp_path / "inventory.pdf").write_bytes(inventory.content)
    services.archive_batch_receive(acting_user=agency.clerk, batch=batch)
    handover = login(agency.clerk).get(reverse("dossiers:batch_document", args=[batch.pk, "handover", "pdf"]))
    text = " ".join(pdf_text(handover).split())
    assert "BIÊN BẢN" in text and "Giao nhận hồ sơ, tài liệu vào lưu trữ cơ quan" in text
    assert "2 hồ sơ" in text and dossiers[0].code in text and "Phòng Quản lý Đầu tư" in text
    assert "Nguyễn Thị Văn Thư" in text  # the receiver signs
    assert login(agency.officer_b).get(reverse("dossiers:batch_document", args=[batch.pk, "handover", "pdf"])).status_code == 404


def test_batch_xlsx(agency, login, submitted_batch):
    batch, dossiers = submitted_batch
    response = login(agency.clerk).get(reverse("dossiers:batch_document", args=[batch.pk, "inventory", "xlsx"]))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU"
    assert [row[1] for row in values[4:6]] == [d.code for d in dossiers]
    handover = login(agency.clerk).get(reverse("dossiers:batch_document", args=[batch.pk, "handover", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(handover.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["Số lượng hồ sơ"] == 2 and rows["Bên giao"] == "Phòng Quản lý Đầu tư"


def test_file_plan_round_trip(agency, login, plan):
    minor = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Đầu tư trong nước",
                                           parent=plan.headings.first())
    services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=minor, retention_years=0,
                                 title="=HYPERLINK(\"http://x\") Hồ sơ dự án", responsible=agency.officer_a2)
    client = login(agency.head_a)
    exported = b"".join(client.get(reverse("dossiers:plan_export", args=[plan.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "DANH MỤC HỒ SƠ NĂM 2026"
    assert rows[3][:2] == (None, "I. Tổng hợp") and rows[3][5] == "TH"
    assert rows[4][:3] == ("01.TH", "Hồ sơ cấp Giấy chứng nhận đầu tư dự án nhà máy điện khí", "10 năm")
    assert any(r[1] and r[1].startswith("Tổng số: 3 hồ sơ") for r in rows)
    # Import it into next year's empty plan: the same headings, numbers and titles come back.
    target = services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2027)
    upload = SimpleUploadedFile("plan.xlsx", exported, content_type=XLSX)
    response = client.post(reverse("dossiers:plan_import", args=[target.pk]), {"file": upload}, follow=True)
    assert "Đã nhập 3 hồ sơ" in response.content.decode()

    def shape(p):
        return [(e.number_symbol, e.title, e.retention_years, e.responsible_id, e.heading.title)
                for e in p.entries.select_related("heading").order_by("number")]

    assert shape(FilePlan.objects.get(pk=target.pk)) == shape(plan)


def bad_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Số và ký hiệu hồ sơ", "Tên đề mục và tiêu đề hồ sơ", "Thời hạn bảo quản", "Đơn vị/người lập hồ sơ",
               "Ghi chú", "Ký hiệu đề mục"])
    ws.append([None, "I. Tổ chức, cán bộ", None, None, None, "TCCB"])
    ws.append(["01.TCCB", "Hồ sơ tuyển dụng", "Vĩnh viễn", None, None, None])
    ws.append(["02.TCCB", "Hồ sơ nâng lương", "mãi mãi", None, None, None])
    ws.append(["03.VP", "Hồ sơ khác", "10 năm", "nguoi_la", None, None])
    ws.append(["04.TCCB", "Hồ sơ thi đua", "20", "không có ai", None, None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_bad_row_refuses_the_whole_file_with_row_and_column(agency, login, identifier):
    plan = services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
    client = login(agency.head_a)
    upload = SimpleUploadedFile("plan.xlsx", bad_workbook(), content_type=XLSX)
    page = client.post(reverse("dossiers:plan_import", args=[plan.pk]), {"file": upload}, follow=True).content.decode()
    assert "Dòng 4, cột C: thời hạn bảo quản “mãi mãi” không hợp lệ" in page
    assert "Dòng 5, cột A: ký hiệu “03.VP” không khớp ký hiệu đề mục TCCB" in page
    assert "Dòng 6, cột D: không tìm thấy cán bộ “không có ai”" in page
    assert not plan.entries.exists() and not plan.headings.exists()


def test_import_refuses_a_non_excel_file(agency, login, identifier):
    plan = services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
    upload = SimpleUploadedFile("plan.xlsx", b"not a zip", content_type=XLSX)
    page = login(agency.head_a).post(reverse("dossiers:plan_import", args=[plan.pk]), {"file": upload},
                                     follow=True).content.decode()
    assert "không phải là bảng tính Excel" in page
