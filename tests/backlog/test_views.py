"""The pages: who reaches what (403 for officers, 404 out of scope), filling in the browser,
uploading, submitting, reviewing, and the consolidated plan in Excel and PDF."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from backlog import services
from backlog.models import Inventory

from ..conftest import require_tool
from .conftest import DEADLINE, LINES_A, as_rows, fill_template, on, upload_file

pytestmark = pytest.mark.django_db


def formset_data(lines, version, prefix="lines"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(lines)), f"{prefix}-INITIAL_FORMS": "0", "version": str(version)}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"{prefix}-{i}-{key}"] = str(value).replace(".", ",") if isinstance(value, Decimal) else str(value)
    return data


def test_it_shows_the_section_to_heads_and_office_not_officers(agency, campaign, login, client):
    for user in (agency.head_a, agency.clerk, agency.leader, agency.admin):
        client.force_login(user)
        assert client.get(reverse("backlog:index")).status_code == 200
    client.force_login(agency.officer_a)
    assert client.get(reverse("backlog:index")).status_code == 403
    assert client.get(reverse("backlog:campaign", args=[campaign.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("backlog:index")).status_code == 302


def test_the_menu_shows_the_section(agency, login):
    page = login(agency.head_a).get("/").content.decode()
    assert "Tài liệu tồn đọng" in page
    assert "Tài liệu tồn đọng" not in login(agency.officer_a).get("/").content.decode()


def test_a_head_sees_only_their_departments_inventory(agency, campaign, inventory_a, inventory_b, login):
    client = login(agency.head_a)
    assert client.get(reverse("backlog:inventory", args=[inventory_a.pk])).status_code == 200
    assert client.get(reverse("backlog:inventory", args=[inventory_b.pk])).status_code == 404
    assert client.get(reverse("backlog:inventory_template", args=[inventory_b.pk])).status_code == 404
    response = client.post(reverse("backlog:inventory", args=[inventory_b.pk]), formset_data(LINES_A, inventory_b.version))
    assert response.status_code == 404 and inventory_b.lines.count() == 0
    assert client.post(reverse("backlog:inventory_submit", args=[inventory_b.pk]), {"declare_none": "on"}).status_code == 404
    table = client.get(reverse("backlog:campaign", args=[campaign.pk])).content.decode()
    assert "Phòng Quản lý Đầu tư" in table and "Phòng Quản lý Doanh nghiệp" not in table
    # Reviewing is the Office's: a head cannot accept even their own inventory.
    assert client.post(reverse("backlog:inventory_accept", args=[inventory_a.pk])).status_code == 403
    # A campaign without the head's department is not there for them.
    other = services.campaign_open(acting_user=agency.clerk, title="Đợt khác", scope_until_year=2010,
                                   deadline=DEADLINE, departments=[agency.dept_b])
    assert client.get(reverse("backlog:campaign", args=[other.pk])).status_code == 404


def test_the_office_sees_all_but_cannot_fill_another_departments_inventory(agency, campaign, inventory_a, login):
    client = login(agency.clerk)
    page = client.get(reverse("backlog:campaign", args=[campaign.pk])).content.decode()
    for name in ("Văn phòng", "Phòng Quản lý Đầu tư", "Phòng Quản lý Doanh nghiệp"):
        assert name in page
    assert client.get(reverse("backlog:inventory", args=[inventory_a.pk])).status_code == 200
    response = client.post(reverse("backlog:inventory", args=[inventory_a.pk]), formset_data(LINES_A, inventory_a.version))
    assert response.status_code == 404


def test_a_head_fills_saves_and_submits_in_the_browser(agency, inventory_a, login):
    client = login(agency.head_a)
    url = reverse("backlog:inventory", args=[inventory_a.pk])
    bad = [dict(LINES_A[0], shelf_metres="-1")]
    response = client.post(url, formset_data(bad, inventory_a.version))
    assert response.status_code == 400
    assert "phải là số không âm" in response.content.decode() and inventory_a.lines.count() == 0

    response = client.post(url, formset_data(LINES_A, inventory_a.version))
    assert response.status_code == 302
    assert sorted(inventory_a.lines.values_list("shelf_metres", flat=True)) == [Decimal("3.25"), Decimal("4"), Decimal("12.5")]

    # The same page posted again with the old version: refused, nothing changed.
    response = client.post(url, formset_data(LINES_A[:1], inventory_a.version))
    assert response.status_code == 400 and inventory_a.lines.count() == 3

    client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]))
    inventory_a.refresh_from_db()
    assert inventory_a.status == "submitted"
    page = client.get(url).content.decode()
    assert 'data-testid="lines-form"' not in page and "Lưu bản nháp" not in page  # locked


def test_a_head_uploads_the_template_and_sees_errors_by_row_and_column(agency, inventory_a, login):
    client = login(agency.head_a)
    template = client.get(reverse("backlog:inventory_template", args=[inventory_a.pk]))
    assert template.status_code == 200 and "filename*=utf-8''kiem-ke-ton-dong-dot" in template["Content-Disposition"]
    rows = as_rows(LINES_A)
    rows[1][4] = "ba mét"  # row 5, column E
    response = client.post(reverse("backlog:inventory_upload", args=[inventory_a.pk]),
                           {"file": upload_file(fill_template(template.content, rows))})
    assert response.status_code == 400
    assert "Dòng 5, cột E (Mét giá): phải là số không âm" in response.content.decode()
    assert inventory_a.lines.count() == 0

    rows[1][4] = 3.25
    response = client.post(reverse("backlog:inventory_upload", args=[inventory_a.pk]),
                           {"file": upload_file(fill_template(template.content, rows))})
    assert response.status_code == 302 and inventory_a.lines.count() == 3


def test_the_office_returns_with_a_reason_and_accepts(agency, inventory_a, login):
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, declare_none=True)
    client = login(agency.clerk)
    url = reverse("backlog:inventory_return", args=[inventory_a.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Phòng còn tài liệu năm 2010 chưa kê"})
    inventory_a.refresh_from_db()
    assert inventory_a.status == "returned"
    page = login(agency.head_a).get(reverse("backlog:inventory", args=[inventory_a.pk])).content.decode()
    assert "Phòng còn tài liệu năm 2010 chưa kê" in page and 'data-testid="lines-form"' in page
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, declare_none=True)
    login(agency.clerk).post(reverse("backlog:inventory_accept", args=[inventory_a.pk]))
    inventory_a.refresh_from_db()
    assert inventory_a.status == "accepted"


def test_the_office_opens_a_campaign_in_the_browser(agency, login):
    client = login(agency.clerk)
    response = client.post(reverse("backlog:campaign_create"), {
        "title": "Kiểm kê 2026", "scope_until_year": "2020", "effort_norm": "9,5",
        "deadline": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),  # not past (issue 17)
        "departments": [agency.dept_a.pk, agency.unit_a1.pk],
    })
    assert response.status_code == 302
    inventories = Inventory.objects.filter(campaign__title="Kiểm kê 2026")
    assert inventories.count() == 2
    assert inventories.first().campaign.effort_norm == Decimal("9.5")
    # The head of A leads the unit under A too.
    assert Inventory.objects.editable_by(agency.head_a).filter(campaign__title="Kiểm kê 2026").count() == 2
    assert login(agency.head_a).get(reverse("backlog:campaign_create")).status_code == 403


def test_reminders_from_the_page(agency, campaign, login, django_capture_on_commit_callbacks):
    from django.core import mail

    agency.head_b.email = "b@example.vn"
    agency.head_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(agency.clerk).post(reverse("backlog:campaign_remind", args=[campaign.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]


@pytest.fixture
def submitted(agency, inventory_a, inventory_b):
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
    inventory_a.refresh_from_db()
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, now=on(DEADLINE, 9))
    services.inventory_submit(acting_user=agency.head_b, inventory=inventory_b, declare_none=True,
                              now=on(DEADLINE.replace(day=31), 9))


def test_the_consolidation_page_and_its_access(agency, campaign, submitted, login):
    page = login(agency.leader).get(reverse("backlog:plan", args=[campaign.pk])).content.decode()
    assert "19,75" in page and "167,88" in page  # Vietnamese decimals: 19.75 m × 8.5
    assert login(agency.head_a).get(reverse("backlog:plan", args=[campaign.pk])).status_code == 403


def test_the_plan_exports_to_excel(agency, campaign, submitted, login):
    response = login(agency.clerk).get(reverse("backlog:plan_xlsx", args=[campaign.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Theo phòng, đơn vị", "Theo giai đoạn", "Chi tiết"]
    rows = list(workbook["Theo phòng, đơn vị"].iter_rows(values_only=True))
    assert rows[2][:2] == ("Phòng, đơn vị", "Số dòng")
    assert rows[3][:6] == ("Phòng Quản lý Đầu tư", 3, 19.75, 156, 1160, 167.88)
    assert rows[-1][0] == "Tổng cộng"
    assert len(list(workbook["Chi tiết"].iter_rows(values_only=True))) == 3 + 3


def test_the_plan_pdf_reads_back_in_vietnamese(agency, campaign, submitted, login, tmp_path):
    response = login(agency.clerk).get(reverse("backlog:plan_pdf", args=[campaign.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())  # cells wrap lines
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "KẾ HOẠCH CHỈNH LÝ TÀI LIỆU TỒN ĐỌNG",
                     "Phòng Quản lý Đầu tư", "Phòng Quản lý Doanh nghiệp (nộp muộn) (không có tồn đọng)", "19,75", "167,88", "2010–2015"):
        assert expected in text, expected
    pdftotext = require_tool("pdftotext")
    plain = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Ã²" not in plain and "Phòng Quản lý Đầu tư" in plain, "mojibake (Phòng → PhÃ²ng)"
    assert "Số:" in plain and "/KH-CQ" in plain, plain[:400]
