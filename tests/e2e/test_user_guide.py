"""The user guide's journeys, one per role, in a real browser: each step asserts what the page
must show, and the screenshots go to test-results/screenshots/guide/img/ (docs/guide/img/<role>-<nn>-<what>.png
under `make screenshots`), where the Vietnamese guide (docs/guide/*.md) embeds them. A broken journey fails here before the guide lies.

The agency is the demo one (`seed_demo`'s departments and people, with their real names); each
test adds, through the services, only what its journey needs: a year of registers in bulk (the
demo's own generator), dossiers, a campaign, the month's compliance figures."""

import datetime
import io
import random
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from ..conftest import ROOT, require_tool, scan_upload, screenshot_dir, signed_pdf
from . import a11y

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GUIDE = ROOT / "docs" / "guide"
GUIDE_IMG = screenshot_dir("guide/img")  # docs/guide/img only under `make screenshots`
VIEWPORT = {"width": 1366, "height": 800}
PASSWORD = "Demo@2026"  # the demo accounts' password, as printed by seed_demo
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE_SUFFIX = "dien-thoai"  # the phone's image of a step: <name>-dien-thoai.png


# --- the agency and its data ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def portal(db):
    """The demo agency (departments, 33 people) and its people by username."""
    from recordsportal.management.commands.seed_demo import seed_organisation
    from recordsportal.models import Department, User

    seed_organisation()
    people = {u.username: u for u in User.objects.select_related("department")}
    departments = {d.abbreviation: d for d in Department.objects.all()}
    return SimpleNamespace(user=people, dept=departments, today=timezone.localdate())


def add_registers(portal):
    """A year of closed documents in the registers (the demo's bulk generator: a few thousand
    rows in one insert), so lists and ratios show realistic figures."""
    from documents import demo
    from recordsportal.roles import Role

    departments = [d for a, d in portal.dept.items() if a != "VP"]
    officers = {d.pk: [u for u in portal.user.values() if u.department_id == d.pk and u.has_role(Role.OFFICER)]
                for d in departments}
    start = portal.today - datetime.timedelta(days=330)
    demo._bulk_history(random.Random(2026), portal.user["vanthu"], departments, officers, start, portal.today)


def assigned_incoming(portal, officer, *, summary, number_symbol="215/SKHĐT-ĐKKD", days_left=7):
    """An incoming document registered (electronic: with its scan) by the clerk and assigned by leadership."""
    from documents import services

    document = services.incoming_register(
        acting_user=portal.user["vanthu"], number_symbol=number_symbol, issuer="Sở Kế hoạch và Đầu tư",
        summary=summary, document_date=portal.today - datetime.timedelta(days=1), arrival_date=portal.today,
        # An electronic document has its content in the portal (issue 14): its scan.
        attachments=[scan_upload()],
    )
    services.incoming_submit(acting_user=portal.user["vanthu"], document=document)
    return services.incoming_assign(
        acting_user=portal.user["truongban"], document=document, department=officer.department, officer=officer,
        deadline=portal.today + datetime.timedelta(days=days_left),
        direction_note="Giao phòng chủ trì tham mưu, báo cáo kết quả.",
    )


def file_plan(portal, abbreviation, entries):
    """This year's file plan of a department: one heading, entries (title, years, responsible)."""
    from dossiers import services

    head = portal.dept[abbreviation].head
    plan = services.file_plan_create(acting_user=head, department=portal.dept[abbreviation], year=portal.today.year)
    heading = services.file_plan_heading_add(acting_user=head, plan=plan, title="Cấp, điều chỉnh Giấy chứng nhận đăng ký đầu tư",
                                             abbreviation="ĐT")
    for title, years, responsible in entries:
        services.file_plan_entry_add(acting_user=head, plan=plan, heading=heading, title=title, retention_years=years,
                                     responsible=responsible)
    return plan


def old_dossier(officer, title, *, year, electronic=False, retention=10):
    """A dossier of `year`, closed that year: due for the archive by 31/12 of the next year."""
    from dossiers import services

    dossier = services.dossier_open(acting_user=officer, title=title, retention_years=retention,
                                    opened_on=datetime.date(year, 3, 2), kept_in_portal=electronic)
    if electronic:
        services.dossier_add_file(acting_user=officer, dossier=dossier, title="Báo cáo kết quả",
                                  upload=SimpleUploadedFile("Báo cáo kết quả.pdf", PDF_BYTES, content_type="application/pdf"))
    else:
        services.dossier_add_paper_item(acting_user=officer, dossier=dossier, title="Biên bản làm việc (bản giấy)")
    return services.dossier_close(acting_user=officer, dossier=dossier, ended_on=datetime.date(year, 9, 15), sheets=24)


def this_years_dossiers(portal):
    """Dossiers opened this year in each department, about two in three electronic: H has figures."""
    from dossiers import services
    from recordsportal.roles import Role

    rng = random.Random(7)
    opened = datetime.date(portal.today.year, 1, 15)
    for user in portal.user.values():
        if user.department and user.has_role(Role.OFFICER) and not user.has_role(Role.DEPARTMENT_HEAD):
            for n in range(2):
                services.dossier_open(acting_user=user, title=f"Hồ sơ giải quyết công việc số {n + 1} năm {opened.year}",
                                      retention_years=10, opened_on=opened + datetime.timedelta(days=40 * n),
                                      kept_in_portal=rng.random() < 0.7)


def compute_figures(portal):
    """The last twelve months' compliance snapshots and violations, as the nightly job does."""
    from reports import compliance, violations
    from reports.models import month_start

    this_month = month_start(portal.today)
    for month in compliance.months_between(month_start(this_month - datetime.timedelta(days=335)), this_month):
        compliance.compute_month(month)
        violations.detect_month(month)


# --- the browser ---------------------------------------------------------------------------------


def shot(page, name: str, *, full_page: bool = False) -> Path:
    """The guide's screenshot of the page as it is now, and the same page checked at both widths:
    no serious or critical axe-core violation at 1366 px nor at 390 px, and at 390 px no sideways
    scrolling and no tap target under 24 x 24 px. The phone's first screen is kept beside the
    desktop image (`<name>-dien-thoai.png`)."""
    GUIDE_IMG.mkdir(parents=True, exist_ok=True)
    path = GUIDE_IMG / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    problems = [f"{name} at {VIEWPORT['width']} px: {v}" for v in a11y.axe_violations(page)]
    desktop = page.viewport_size
    page.set_viewport_size(a11y.PHONE)
    try:
        a11y.settle(page)
        page.screenshot(path=str(GUIDE_IMG / f"{name}-{PHONE_SUFFIX}.png"))
        problems += [f"{name} at {a11y.PHONE['width']} px: {v}" for v in a11y.axe_violations(page) + a11y.phone_problems(page)]
    finally:
        page.set_viewport_size(desktop)
        a11y.settle(page)
    assert not problems, "\n".join(problems)
    return path


@pytest.fixture
def page(browser):
    """A Vietnamese browser page at a laptop's size; its context is closed after the test."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=VIEWPORT,
                                  accept_downloads=True)
    context.set_default_timeout(30_000)  # a slow, shared CI machine
    yield context.new_page()
    context.close()


def sign_in(page, live_server, username, *, shot_name=None):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if shot_name:
        shot(page, shot_name)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def success(page) -> str:
    return page.locator(".alert-success").first.inner_text()


def pdf_first_page_png(pdf_path: Path, name: str) -> Path:
    """Render page 1 of a downloaded PDF for the guide, as a reader sees it."""
    pdftoppm = require_tool("pdftoppm")
    GUIDE_IMG.mkdir(parents=True, exist_ok=True)
    target = GUIDE_IMG / name
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(target)],
                   check=True, timeout=120)
    png = target.with_suffix(".png")
    assert png.stat().st_size > 10_000  # a rendered page, not a blank one
    return png


def test_the_guide_shows_exactly_the_screenshots_the_journeys_take():
    """Every image a guide page embeds is taken (and so checked) by a journey below, and every
    screenshot taken is used: a renamed step cannot leave the guide with a stale or missing image.
    Each page's screenshot has its phone twin (`shot` takes both); a PDF's page has none."""
    source = Path(__file__).read_text(encoding="utf-8")
    pages = set(re.findall(r'(?:shot\(page, |shot_name=)"([a-z0-9-]+)"', source))
    pdfs = set(re.findall(r'pdf_first_page_png\(\w+, "([a-z0-9-]+)"', source))
    taken = pages | pdfs | {f"{name}-{PHONE_SUFFIX}" for name in pages}
    referenced = {name for page in GUIDE.glob("*.md")
                  for name in re.findall(r"\]\(img/([a-z0-9-]+)\.png\)", page.read_text(encoding="utf-8"))}
    assert len(pages) > 40 and pdfs
    assert referenced == taken


# --- Chuyên viên (officer) -----------------------------------------------------------------------


def test_officer_handles_a_document_and_keeps_it_in_an_electronic_dossier(portal, live_server, page):
    officer = portal.user["cb.qldt1"]
    document = assigned_incoming(portal, officer, summary="V/v thẩm định hồ sơ đề nghị cấp Giấy chứng nhận đăng ký đầu tư dự án nhà máy điện khí")
    assigned_incoming(portal, officer, number_symbol="87/STNMT-MT", days_left=3,
                      summary="V/v lấy ý kiến về báo cáo đánh giá tác động môi trường dự án cảng tổng hợp")
    assigned_incoming(portal, officer, number_symbol="1432/UBND-KT", days_left=10,
                      summary="V/v báo cáo tình hình thực hiện các dự án đầu tư trong Khu kinh tế quý IV")
    file_plan(portal, "QLĐT", [
        ("Hồ sơ cấp Giấy chứng nhận đăng ký đầu tư dự án trong khu kinh tế", 0, officer),
        ("Hồ sơ điều chỉnh Giấy chứng nhận đăng ký đầu tư", 20, officer),
    ])
    # Work that ended two years ago and never went to the archive: overdue, so it is on the notice.
    overdue = old_dossier(officer, f"Hồ sơ đoàn kiểm tra liên ngành năm {portal.today.year - 2}", year=portal.today.year - 2)

    sign_in(page, live_server, "cb.qldt1", shot_name="chuyen-vien-01-dang-nhap")
    assert page.get_by_test_id("home-title").inner_text() == "Việc của tôi"
    assert "Phan Văn Long" in page.locator("main").inner_text()
    shot(page, "chuyen-vien-02-trang-chu")

    # The desk: what leadership assigned, with its deadline.
    page.goto(f"{live_server.url}/documents/to-handle/")
    desk = page.get_by_test_id("to-handle-table")
    assert document.number_symbol in desk.inner_text()
    shot(page, "chuyen-vien-03-van-ban-can-xu-ly")
    desk.get_by_role("link", name=document.number_symbol).click()
    page.wait_for_url(f"**/documents/{document.pk}/")
    assert "Giao phòng chủ trì tham mưu" in page.locator("main").inner_text()
    page.fill("#id_progress_text", "Đã thẩm định hồ sơ, dự thảo Giấy chứng nhận trình lãnh đạo Ban ký.")
    shot(page, "chuyen-vien-04-xu-ly-van-ban")
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành xử lý văn bản" in success(page)

    # My dossiers: the 30-day notice lists the overdue dossier.
    page.goto(f"{live_server.url}/dossiers/")
    notice = page.get_by_test_id("due-soon").inner_text()
    assert overdue.code in notice and f"31/12/{portal.today.year - 1}" in notice
    shot(page, "chuyen-vien-05-ho-so-cua-toi")

    # Open this year's dossier from the file plan, as an electronic dossier.
    page.get_by_role("link", name="Mở hồ sơ").first.click()
    page.wait_for_url("**/dossiers/new/")
    entry = page.locator("#id_plan_entry option", has_text="Hồ sơ cấp Giấy chứng nhận đăng ký đầu tư dự án")
    page.select_option("#id_plan_entry", entry.get_attribute("value"))
    page.fill("#id_opened_on", portal.today.strftime("%d/%m/%Y"))
    assert page.locator("#id_kept_in_portal").is_checked()
    shot(page, "chuyen-vien-06-mo-ho-so")
    page.get_by_test_id("open-form").get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_url("**/dossiers/*/")
    code = page.get_by_test_id("dossier-code").inner_text()
    assert code == f"000.00.31.H09.{portal.today.year}.01.ĐT"

    # Add the document just handled (found without diacritics), then close the dossier.
    page.fill("#id_document_q", "nha may dien khi")
    results = page.get_by_test_id("document-results")
    results.get_by_text(document.number_symbol).wait_for()
    results.get_by_role("button", name="Thêm").first.click()
    assert f"Đã thêm văn bản {document.number_symbol}" in success(page)
    assert document.number_symbol in page.get_by_test_id("items-table").inner_text()
    assert "Hồ sơ điện tử" in page.get_by_test_id("form-explanation").inner_text()
    shot(page, "chuyen-vien-07-them-van-ban", full_page=True)
    close_form = page.get_by_test_id("close-form")
    close_form.locator("#id_ended_on").fill(portal.today.strftime("%d/%m/%Y"))
    close_form.locator("#id_pages").fill("12")
    close_form.get_by_role("button", name="Kết thúc hồ sơ").click()
    assert "Đã kết thúc hồ sơ" in success(page)
    assert f"31/12/{portal.today.year + 1}" in page.get_by_test_id("due-on").inner_text()
    shot(page, "chuyen-vien-08-ket-thuc-ho-so")

    page.goto(f"{live_server.url}/dossiers/")
    progress = page.get_by_test_id("dossier-progress").inner_text()
    assert "100,0%" in progress and "1 hồ sơ điện tử / 1 hồ sơ" in progress
    shot(page, "chuyen-vien-09-ti-le-ho-so-dien-tu")


# --- Văn thư (the Office's clerk) ----------------------------------------------------------------


def e_office_export(path: Path, today: datetime.date) -> Path:
    """An incoming register as the province's e-office system exports it: its own column names
    (the arrival date is "Ngày tiếp nhận", which the portal does not recognise by itself)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Ngày tiếp nhận", "Cơ quan gửi", "Số ký hiệu", "Ngày VB", "Trích yếu nội dung", "Hình thức"])
    day = today.strftime("%d/%m/%Y")
    sheet.append([1, day, "Sở Tài chính", "2045/STC-QLNS", day, "V/v thẩm tra quyết toán vốn đầu tư dự án hoàn thành", "Điện tử"])
    sheet.append([2, day, "Cục Thuế tỉnh", "318/CT-TTHT", day, "V/v hướng dẫn chính sách ưu đãi thuế cho doanh nghiệp trong khu kinh tế", "Điện tử"])
    sheet.append([3, day, "Công an tỉnh", "77/CAT-PC07", day, "V/v kiểm tra an toàn phòng cháy, chữa cháy tại khu công nghiệp", "Giấy"])
    workbook.save(path)
    return path


def test_clerk_registers_numbers_imports_and_exports(portal, live_server, page, tmp_path):
    add_registers(portal)
    year = portal.today.year
    today = portal.today.strftime("%d/%m/%Y")
    scan = tmp_path / "Công văn 412-UBND-KT.pdf"
    scan.write_bytes(PDF_BYTES)

    sign_in(page, live_server, "vanthu")
    assert "Văn phòng" in page.get_by_test_id("home-title").inner_text()
    shot(page, "van-thu-01-trang-chu")

    # 1. Register an incoming document received electronically, with its file.
    page.goto(f"{live_server.url}/documents/incoming/new/")
    page.fill("#id_arrival_date", today)
    page.fill("#id_number_symbol", "412/UBND-KT")
    page.fill("#id_document_date", today)
    page.fill("#id_issuer", "Ủy ban nhân dân tỉnh")
    page.fill("#id_summary", "V/v đẩy mạnh chuyển đổi số trong công tác văn thư, lưu trữ năm 2026")
    page.select_option("#id_received_medium", "electronic")
    page.set_input_files("#id_attachments", str(scan))
    shot(page, "van-thu-02-dang-ky-van-ban-den", full_page=True)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/documents/*/")
    assert "Đã đăng ký văn bản đến số" in success(page)
    assert page.get_by_test_id("arrival-number").inner_text().endswith(f"/{year}")
    assert "Công văn 412-UBND-KT.pdf" in page.get_by_test_id("attachments").inner_text()
    page.get_by_role("button", name="Trình lãnh đạo").click()
    assert "Đã trình lãnh đạo" in success(page)
    shot(page, "van-thu-03-van-ban-den-da-dang-ky")

    # 2. Number and issue an outgoing decision: the number is the next in the year's register.
    page.goto(f"{live_server.url}/documents/outgoing/new/")
    page.select_option("#id_kind", label="Quyết định")
    page.select_option("#id_department", str(portal.dept["QLĐT"].pk))
    page.select_option("#id_drafter", str(portal.user["cb.qldt2"].pk))
    page.fill("#id_summary", "Quyết định điều chỉnh Giấy chứng nhận đăng ký đầu tư dự án Nhà máy sản xuất cấu kiện thép")
    page.fill("#id_signer", "Trần Đình Hải")
    page.fill("#id_recipients", "Công ty CP Đầu tư Vũng Áng; Sở Kế hoạch và Đầu tư")
    # Issued electronically: the decision as a digitally signed PDF (issue 14; the tests' own CA).
    signed = tmp_path / "Quyết định điều chỉnh GCNĐKĐT.pdf"
    signed.write_bytes(signed_pdf("Quyet dinh dieu chinh"))
    page.set_input_files("#id_attachments", str(signed))
    shot(page, "van-thu-04-cap-so-van-ban-di", full_page=True)
    page.get_by_role("button", name="Cấp số và phát hành").click()
    page.wait_for_url("**/documents/*/")
    issued = success(page)
    assert "Đã cấp số" in issued and "/QĐ-BQL" in issued
    shot(page, "van-thu-05-van-ban-di-da-cap-so")

    # 3. The register, filtered, and its Excel export (exactly the filtered rows).
    page.goto(f"{live_server.url}/documents/?direction=incoming")
    table = page.get_by_test_id("register-table")
    assert "412/UBND-KT" in table.inner_text()
    assert table.locator("tbody tr").count() >= 20
    shot(page, "van-thu-06-so-van-ban")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active.iter_rows(values_only=True))
    assert any("412/UBND-KT" in str(cell) for row in rows for cell in row)
    assert not any("/QĐ-BQL" in str(cell) for row in rows for cell in row)  # only the incoming register

    # 4. The yearly register book.
    page.get_by_role("link", name="Sổ đăng ký văn bản").click()
    page.wait_for_url("**/documents/register-book/**")
    page.select_option("#id_direction", "incoming")
    page.fill("#id_year", str(year))
    page.select_option("#id_month", str(portal.today.month))
    page.get_by_test_id("register-book-form").get_by_role("button", name="Xem").click()
    page.wait_for_url("**/register-book/?*")
    months = page.get_by_test_id("book-months").inner_text()
    assert f"Tháng {portal.today.month}\t" in months and "Cả năm" in months
    shot(page, "van-thu-07-so-dang-ky")
    with page.expect_download() as book:
        page.get_by_test_id("book-xlsx").click()
    assert book.value.suggested_filename.endswith(".xlsx")

    # 5. Import from the e-office system: a column the portal does not recognise is mapped by hand.
    page.goto(f"{live_server.url}/documents/")
    page.get_by_role("link", name="Nhập sổ văn bản từ Excel").click()
    page.wait_for_url("**/documents/import/")
    page.set_input_files("#id_file", str(e_office_export(tmp_path / "so-van-ban-den-eoffice.xlsx", portal.today)))
    shot(page, "van-thu-08-nhap-excel")
    page.get_by_test_id("import-upload").get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url("**/import/*/mapping/")
    assert "Tiêu đề cột của tệp khác mẫu" in page.locator("main").inner_text() + page.locator("body").inner_text()
    page.select_option("#id_register_date", label="Cột B: Ngày tiếp nhận")
    shot(page, "van-thu-09-chon-cot", full_page=True)
    page.get_by_role("button", name="Lưu và chạy thử").click()
    page.wait_for_url("**/import/*/")
    rows_table = page.get_by_test_id("import-rows").inner_text()
    assert "2045/STC-QLNS" in rows_table and "77/CAT-PC07" in rows_table
    shot(page, "van-thu-10-chay-thu", full_page=True)
    page.get_by_test_id("import-confirm").locator("button[type=submit]").click()
    assert "Đã nhập 3 văn bản" in page.get_by_test_id("import-result").inner_text()
    shot(page, "van-thu-11-ket-qua-nhap")


# --- Trưởng phòng (department head) --------------------------------------------------------------


def open_campaign(portal, *, days_left=30):
    """This year's backlog campaign, opened by the Office for every department."""
    from backlog import services
    from recordsportal.models import Department

    return services.campaign_open(
        acting_user=portal.user["vanthu"],
        title=f"Kiểm kê tài liệu tồn đọng, tích đọng năm {portal.today.year} (tài liệu hình thành đến năm 2015)",
        scope_until_year=2015, deadline=portal.today + datetime.timedelta(days=days_left),
        departments=Department.objects.active(), effort_norm=Decimal("10"),
    )


def test_department_head_lists_inventories_and_asks_to_keep_dossiers(portal, live_server, page):
    add_registers(portal)
    year = portal.today.year
    qldt = portal.dept["QLĐT"]
    officers = [portal.user[name] for name in ("cb.qldt1", "cb.qldt2", "cb.qldt3")]
    for index, officer in enumerate(officers):
        old_dossier(officer, f"Hồ sơ cấp Giấy chứng nhận đăng ký đầu tư dự án số {index + 1} năm {year - 1}",
                    year=year - 1, electronic=index != 1)
    overdue = old_dossier(officers[0], f"Hồ sơ giải quyết vướng mắc dự án cảng tổng hợp năm {year - 2}", year=year - 2,
                          retention=0)  # permanent
    last_year = old_dossier(officers[1], f"Hồ sơ hội nghị xúc tiến đầu tư năm {year - 1}", year=year - 1, electronic=True)
    from dossiers import services as dossiers
    for index, officer in enumerate(officers):  # this year's work, two in three electronic
        dossiers.dossier_open(acting_user=officer, title=f"Hồ sơ giám sát, đánh giá đầu tư dự án số {index + 1} năm {year}",
                              retention_years=10, opened_on=min(datetime.date(year, 2 + index, 3), portal.today),
                              kept_in_portal=index != 2)
    campaign = open_campaign(portal)

    sign_in(page, live_server, "tp.qldt")
    assert "Phòng, đơn vị của tôi" in page.get_by_test_id("home-title").inner_text()
    assert "Phòng Quản lý Đầu tư" in page.locator("main").inner_text()
    shot(page, "truong-phong-01-trang-chu")

    # The department's dossiers, with what is due or overdue for the archive.
    page.goto(f"{live_server.url}/dossiers/all/")
    listed = page.get_by_test_id("dossier-table").inner_text()
    assert overdue.code in listed and "Phan Văn Long" in listed and "Đỗ Thị Thanh Tâm" in listed
    assert "Quá hạn nộp lưu" in listed
    assert "2 hồ sơ điện tử / 3 hồ sơ" in page.get_by_test_id("dossier-progress").inner_text()
    shot(page, "truong-phong-02-ho-so-cua-phong")
    page.goto(f"{live_server.url}/documents/?department={qldt.pk}")
    assert page.get_by_test_id("register-table").locator("tbody tr").count() >= 20
    shot(page, "truong-phong-03-van-ban-cua-phong")

    # The backlog inventory, filled in the browser and submitted before the deadline.
    page.goto(f"{live_server.url}/")
    page.locator("#mainnav").get_by_role("link", name="Tài liệu tồn đọng").click()  # the menu (the home page has a tile too)
    assert campaign.title in page.locator("main").inner_text()
    page.get_by_role("link", name="Bản kiểm kê của Phòng Quản lý Đầu tư").click()
    assert "Bản kiểm kê tài liệu tồn đọng: Phòng Quản lý Đầu tư" in page.get_by_test_id("page-title").inner_text()
    lines = [
        ("Hồ sơ cấp giấy chứng nhận đầu tư", "2006", "2015", "12,5", "100", "640", "good", "Kho tầng 2"),
        ("Hồ sơ thẩm định dự án đầu tư", "2001", "2010", "4,25", "34", "180", "fair", "Tủ phòng làm việc"),
    ]
    for index, (description, start, end, metres, boxes, estimated, condition, location) in enumerate(lines):
        page.click("#add-line")
        page.fill(f"#id_lines-{index}-description", description)
        page.fill(f"#id_lines-{index}-from_year", start)
        page.fill(f"#id_lines-{index}-to_year", end)
        page.fill(f"#id_lines-{index}-shelf_metres", metres)
        page.fill(f"#id_lines-{index}-boxes", boxes)
        page.fill(f"#id_lines-{index}-estimated_dossiers", estimated)
        page.select_option(f"#id_lines-{index}-condition", condition)
        page.fill(f"#id_lines-{index}-location", location)
    page.get_by_test_id("save-draft").click()
    assert "Đã lưu" in success(page)
    assert page.locator("#id_lines-1-shelf_metres").input_value() == "4,25"
    shot(page, "truong-phong-04-ban-kiem-ke", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit").click()
    assert "Đã nộp" in page.get_by_test_id("inventory-status").inner_text()
    assert page.get_by_test_id("total-metres").inner_text() == "16,75"
    shot(page, "truong-phong-05-da-nop-kiem-ke")

    # Archive submission: last year's closed dossiers go to the agency archive this year.
    page.goto(f"{live_server.url}/dossiers/archive/")
    shot(page, "truong-phong-06-nop-luu")
    page.get_by_role("button", name="Lập lần nộp lưu").click()
    page.wait_for_url("**/dossiers/archive/*/")
    # Every due dossier comes ticked; the overdue one stays behind: the department still needs it.
    page.uncheck(f"#cand-{overdue.pk}")
    page.check(f"#cand-{last_year.pk}")
    page.get_by_role("button", name="Thêm hồ sơ đã chọn").click()
    batch_lines = page.get_by_test_id("batch-lines").inner_text()
    assert last_year.code in batch_lines and overdue.code not in batch_lines
    page.get_by_role("button", name="Gửi hồ sơ nộp lưu").click()
    assert "Đã gửi lưu trữ" in page.get_by_test_id("batch-status").inner_text()
    shot(page, "truong-phong-07-da-gui-nop-luu", full_page=True)

    # A dossier still needed: the retention list, sent to leadership for approval.
    page.goto(f"{live_server.url}/dossiers/retention/")
    page.get_by_role("button", name="Lập danh mục giữ lại").click()
    page.wait_for_url("**/dossiers/retention/*/")
    page.select_option("#id_dossier", str(overdue.pk))
    page.fill("#id_reason", "Đang phục vụ thanh tra việc thực hiện dự án cảng tổng hợp của Thanh tra tỉnh.")
    page.fill("#id_keep_until", f"30/06/{year + 1}")
    page.get_by_role("button", name="Thêm", exact=True).click()
    assert overdue.code in page.get_by_test_id("retention-lines").inner_text()
    shot(page, "truong-phong-08-danh-muc-giu-lai", full_page=True)
    page.get_by_role("button", name="Gửi lãnh đạo duyệt").click()
    assert "Chờ lãnh đạo duyệt" in page.get_by_test_id("retention-status").inner_text()
    shot(page, "truong-phong-09-cho-lanh-dao-duyet")


# --- Văn phòng (the Office reviewing compliance) -------------------------------------------------


def overdue_dossiers(portal, abbreviations):
    """In each department, a dossier whose work ended two years ago and never went to the archive."""
    from recordsportal.roles import Role

    made = {}
    for abbreviation in abbreviations:
        officer = next(u for u in portal.user.values() if u.department_id == portal.dept[abbreviation].pk
                       and u.has_role(Role.OFFICER) and not u.has_role(Role.DEPARTMENT_HEAD))
        made[abbreviation] = old_dossier(officer, f"Hồ sơ đoàn kiểm tra liên ngành năm {portal.today.year - 2}",
                                         year=portal.today.year - 2)
    return made


def agency_figures(portal):
    from backlog import demo as backlog_demo

    add_registers(portal)
    this_years_dossiers(portal)
    overdue = overdue_dossiers(portal, ["QHXD", "QLDN", "TNMT"])
    backlog_demo.seed(SimpleNamespace(stdout=io.StringIO()), portal.user["admin"])  # the 2021 campaign
    compute_figures(portal)
    return overdue


def violation_row(page, department):
    """A department's row of the violations table. One lapse is one violation (issue 14), whatever
    the months it lasted, so a department has one row per kind."""
    return page.get_by_test_id("violations-table").locator("tbody tr").filter(has_text=department).first


def test_office_reviews_compliance_violations_and_the_backlog(portal, live_server, page):
    agency_figures(portal)

    sign_in(page, live_server, "chanhvp")
    assert "Văn phòng" in page.get_by_test_id("home-title").inner_text()
    shot(page, "van-phong-01-trang-chu")

    # The dashboard: E and H for the month and the year, per department.
    page.get_by_role("link", name="Chỉ tiêu").first.click()
    page.wait_for_url("**/reports/**")
    assert "Theo dõi chỉ tiêu" in page.get_by_test_id("dashboard-title").inner_text()
    figures = page.get_by_test_id("department-figures").inner_text()
    assert "Phòng Quản lý Đầu tư" in figures and "%" in figures
    shot(page, "van-phong-02-bang-theo-doi")
    shot(page, "van-phong-03-bang-theo-doi-toan-trang", full_page=True)

    # Drill-down: one department, officer by officer.
    page.get_by_test_id("department-figures").get_by_role("link", name="Phòng Quản lý Đầu tư").click()
    page.wait_for_url("**/reports/departments/**")
    officers = page.get_by_test_id("officer-figures").inner_text()
    assert "Phan Văn Long" in officers and "Đỗ Thị Thanh Tâm" in officers
    shot(page, "van-phong-04-chi-tiet-phong", full_page=True)

    # Violations: notify, dismiss (a reason is required), confirm with the table's points.
    page.goto(f"{live_server.url}/reports/violations/?kind=dossiers_overdue")
    assert violation_row(page, "Phòng Quản lý Tài nguyên và Môi trường").count() == 1
    shot(page, "van-phong-05-vi-pham")
    row = violation_row(page, "Phòng Quản lý Quy hoạch và Xây dựng")
    row.locator("input[name=note]").fill("Đã nhắc trưởng phòng qua điện thoại, hẹn nộp lưu trong tháng.")
    row.get_by_role("button", name="Đã nhắc").click()
    assert "Đã ghi nhận nhắc nhở." in success(page)
    row = violation_row(page, "Phòng Quản lý Doanh nghiệp và Lao động")
    row.get_by_role("button", name="Bỏ qua").click()
    assert "Phải nêu lý do bỏ qua vi phạm." in page.locator(".alert-danger").first.inner_text()
    shot(page, "van-phong-06-loi-thieu-ly-do")
    row = violation_row(page, "Phòng Quản lý Doanh nghiệp và Lao động")
    row.locator("input[name=note]").fill("Hồ sơ đã bàn giao cho lưu trữ bản giấy, chờ cập nhật trên hệ thống.")
    row.get_by_role("button", name="Bỏ qua").click()
    assert "Đã bỏ qua vi phạm." in success(page)
    row = violation_row(page, "Phòng Quản lý Tài nguyên và Môi trường")
    row.locator("input[name=note]").fill("Quá hạn nộp lưu, đã nhắc hai lần.")
    row.get_by_role("button", name="Xác nhận").click()
    assert "Đã xác nhận vi phạm và đề xuất trừ điểm." in success(page)
    row = violation_row(page, "Phòng Quản lý Tài nguyên và Môi trường")
    assert "Đã xác nhận" in row.inner_text() and "1.0" in row.inner_text().replace(",", ".")
    shot(page, "van-phong-07-da-xem-xet-vi-pham")

    # The backlog campaign: who submitted, and the consolidated arrangement plan.
    page.goto(f"{live_server.url}/backlog/")
    page.get_by_test_id("campaign-card").first.get_by_role("link").first.click()
    page.wait_for_url("**/backlog/campaigns/*/")
    counts = page.get_by_test_id("campaign-counts").inner_text()
    assert "Đã chấp nhận: 2" in counts and "Chưa nộp: 2" in counts
    shot(page, "van-phong-08-dot-kiem-ke", full_page=True)
    page.get_by_test_id("plan-link").click()
    assert page.get_by_test_id("total-metres").inner_text() == "88,75"
    assert "Văn phòng" in page.get_by_test_id("by-department").inner_text()
    shot(page, "van-phong-09-ke-hoach-chinh-ly", full_page=True)
    with page.expect_download() as plan:
        page.get_by_test_id("plan-xlsx").click()
    assert plan.value.suggested_filename.endswith(".xlsx")


# --- Lãnh đạo Ban (leadership) -------------------------------------------------------------------


def test_leadership_assigns_decides_approves_and_downloads_reports(portal, live_server, page, tmp_path):
    from documents import services as documents
    from dossiers import services as dossiers
    from reports import services as reports
    from reports.models import Violation

    overdue = agency_figures(portal)
    year, period = portal.today.year, portal.today.replace(day=1)
    office = portal.user["chanhvp"]
    for abbreviation in ("TNMT", "QHXD"):
        # One lapse, one violation, found in the months already ended (the running month raises none).
        violation = Violation.objects.get(kind="dossiers_overdue", department=portal.dept[abbreviation])
        reports.violation_confirm(acting_user=office, violation=violation, note="Quá hạn nộp lưu, đã nhắc hai lần.")
    head = portal.user["tp.tnmt"]
    retention = dossiers.retention_list_create(acting_user=head, department=portal.dept["TNMT"])
    dossiers.retention_line_add(acting_user=head, retention_list=retention, dossier=overdue["TNMT"],
                                reason="Phục vụ thanh tra việc chấp hành pháp luật về bảo vệ môi trường của doanh nghiệp.",
                                keep_until=datetime.date(year, 12, 31))
    dossiers.retention_list_submit(acting_user=head, retention_list=retention)
    document = documents.incoming_register(
        acting_user=portal.user["vanthu"], number_symbol="1520/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
        summary="V/v báo cáo tình hình thu hút đầu tư vào Khu kinh tế Vũng Áng 6 tháng cuối năm",
        document_date=portal.today, arrival_date=portal.today, urgency="urgent",
        attachments=[scan_upload()])  # electronic (issue 14): its scan
    documents.incoming_submit(acting_user=portal.user["vanthu"], document=document)

    sign_in(page, live_server, "truongban")
    assert "Lãnh đạo Ban" in page.get_by_test_id("home-title").inner_text()
    shot(page, "lanh-dao-01-trang-chu")

    # An incoming document waiting for direction: assign the lead department, officer, deadline.
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    form = page.get_by_test_id("assign-form")
    form.locator("#id_department").select_option(str(portal.dept["QLĐT"].pk))
    form.locator("#id_officer").select_option(str(portal.user["cb.qldt3"].pk))
    form.locator("#id_deadline").fill((portal.today + datetime.timedelta(days=5)).strftime("%d/%m/%Y"))
    form.locator("#id_direction_note").fill("Giao Phòng Quản lý Đầu tư chủ trì, phối hợp các phòng liên quan tham mưu báo cáo.")
    shot(page, "lanh-dao-02-giao-xu-ly", full_page=True)
    form.get_by_role("button", name="Giao xử lý").click()
    assert "Đã giao xử lý" in success(page)

    # The dashboard.
    page.goto(f"{live_server.url}/reports/")
    assert "Phòng Quản lý Tài nguyên và Môi trường" in page.get_by_test_id("department-figures").inner_text()
    shot(page, "lanh-dao-03-bang-theo-doi")

    # Deductions proposed by the Office: agree to one, not to the other.
    page.goto(f"{live_server.url}/reports/violations/?status=confirmed")
    shot(page, "lanh-dao-04-vi-pham-cho-quyet-dinh")
    violation_row(page, "Phòng Quản lý Tài nguyên và Môi trường").get_by_role(
        "button", name="Đồng ý trừ điểm").click()
    assert "Đã đồng ý trừ điểm." in success(page)
    violation_row(page, "Phòng Quản lý Quy hoạch và Xây dựng").get_by_role(
        "button", name="Không trừ").click()
    assert "Đã không đồng ý trừ điểm." in success(page)
    summary = page.get_by_test_id("emulation-summary").inner_text()
    assert "Phòng Quản lý Tài nguyên và Môi trường" in summary and "Quy hoạch" not in summary
    shot(page, "lanh-dao-05-tong-hop-tru-diem", full_page=True)

    # The retention list: written consent, dossier by dossier.
    page.goto(f"{live_server.url}/dossiers/retention/")
    assert "Chờ lãnh đạo duyệt" in page.get_by_test_id("retention-table").inner_text()
    page.goto(f"{live_server.url}/dossiers/retention/{retention.pk}/")
    assert overdue["TNMT"].code in page.get_by_test_id("retention-lines").inner_text()
    shot(page, "lanh-dao-06-danh-muc-giu-lai")
    page.get_by_role("button", name="Đồng ý", exact=True).click()
    assert "Đã duyệt" in page.get_by_test_id("retention-status").inner_text()
    shot(page, "lanh-dao-07-da-duyet-giu-lai")

    # Reports: last month's compliance report and the year's emulation summary, as PDF.
    last_month = (period - datetime.timedelta(days=1)).replace(day=1)
    page.goto(f"{live_server.url}/reports/?month={last_month:%Y-%m}")
    with page.expect_download() as monthly:
        page.get_by_test_id("monthly-pdf").click()
    assert monthly.value.suggested_filename == f"bao-cao-chi-tieu-{last_month:%Y-%m}.pdf"
    monthly_pdf = tmp_path / "monthly.pdf"
    monthly.value.save_as(monthly_pdf)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(monthly_pdf).pages).split())
    assert "Phòng Quản lý Đầu tư" in text and f"{last_month:%m/%Y}" in text
    pdf_first_page_png(monthly_pdf, "lanh-dao-08-bao-cao-thang")
    page.goto(f"{live_server.url}/reports/violations/")
    with page.expect_download() as emulation:
        page.get_by_role("link", name="Tổng hợp thi đua").click()
    emulation_pdf = tmp_path / "emulation.pdf"
    emulation.value.save_as(emulation_pdf)
    assert emulation_pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(emulation_pdf).pages).split())
    assert "Phòng Quản lý Tài nguyên và Môi trường" in text
    pdf_first_page_png(emulation_pdf, "lanh-dao-09-tong-hop-thi-dua")


# --- Xử lý văn bản (the handling chain, issue 15) -------------------------------------------------


def test_the_handling_chain_from_leadership_to_the_officer(portal, live_server, page):
    """The guide page xu-ly-van-ban.md: the clerk submits, the leader assigns from his inbox, the
    head dispatches from the department's inbox, the officer finds it on his home page and in his
    notifications, records progress and completes it."""
    from documents import services

    clerk = portal.user["vanthu"]

    def received(number_symbol, summary, urgency="normal"):
        return services.incoming_register(
            acting_user=clerk, number_symbol=number_symbol, issuer="Sở Xây dựng", summary=summary,
            document_date=portal.today - datetime.timedelta(days=1), arrival_date=portal.today, urgency=urgency,
            attachments=[scan_upload()])

    document = received("412/SXD-QLXD", "V/v thẩm định quy hoạch chi tiết xây dựng khu tái định cư Kỳ Lợi", "urgent")
    # What else waits: one for leadership as a whole, one already given to the department, one
    # internal document sent to it by another department.
    other = received("95/SKHĐT-KTN", "V/v góp ý dự thảo kế hoạch xúc tiến đầu tư năm sau")
    services.incoming_submit(acting_user=clerk, document=other)
    waiting = received("77/STNMT-QLĐĐ", "V/v rà soát ranh giới đất khu công nghiệp Gia Lách")
    services.incoming_submit(acting_user=clerk, document=waiting)
    services.incoming_assign(acting_user=portal.user["truongban"], document=waiting, department=portal.dept["QHXD"],
                             deadline=portal.today + datetime.timedelta(days=12),
                             direction_note="Phòng Quy hoạch và Xây dựng rà soát, báo cáo.")
    services.internal_send(acting_user=portal.user["cb.qldt1"], kind="CV", recipient_departments=[portal.dept["QHXD"]],
                           summary="Đề nghị phối hợp thẩm định hồ sơ điều chỉnh dự án nhà xưởng cho thuê",
                           attachments=[scan_upload()])

    # 1. The clerk submits the urgent letter to the Head of the Board by name.
    sign_in(page, live_server, "vanthu")
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    form = page.get_by_test_id("submit-form")
    form.locator("#id_leader").select_option(str(portal.user["truongban"].pk))
    shot(page, "xu-ly-01-trinh-lanh-dao")
    form.get_by_role("button", name="Trình lãnh đạo").click()
    assert "Đã trình" in success(page)

    # 2. The leader: his home page counts it; his inbox lists it, urgent first; he assigns in place.
    page.context.clear_cookies()
    sign_in(page, live_server, "truongban")
    assert page.get_by_test_id("desk-awaiting-direction").locator(".stat").inner_text() == "2"
    shot(page, "xu-ly-02-lanh-dao-trang-chu")
    page.get_by_test_id("desk-awaiting-direction").click()
    page.wait_for_url("**/documents/inbox/leadership/")
    rows = page.get_by_test_id("inbox-row")
    assert document.number_symbol in rows.first.inner_text()  # urgent first
    rows.first.get_by_test_id("open-assign").click()
    form = page.get_by_test_id("assign-form")
    form.wait_for()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    form.locator("select[name$='-department']").select_option(str(portal.dept["QHXD"].pk))
    form.locator("select[name$='-co_handlers'] option", has_text="Lý Văn Tuấn").wait_for(state="attached")
    form.locator("input[name$='-deadline']").fill((portal.today + datetime.timedelta(days=10)).strftime("%d/%m/%Y"))
    form.locator("textarea[name$='-direction_note']").fill("Giao Phòng Quy hoạch và Xây dựng chủ trì thẩm định, báo cáo.")
    shot(page, "xu-ly-03-hop-thu-lanh-dao", full_page=True)
    form.get_by_role("button", name="Giao xử lý").click()
    page.wait_for_url("**/documents/inbox/leadership/")
    assert "Đã giao xử lý" in success(page)

    # 3. The head of the department: the department's inbox; dispatch to an officer.
    page.context.clear_cookies()
    sign_in(page, live_server, "tp.qhxd")
    page.get_by_test_id("desk-awaiting-dispatch").click()
    page.wait_for_url("**/documents/inbox/department/")
    row = page.get_by_test_id("inbox-row").filter(has_text=document.number_symbol)
    row.get_by_test_id("open-dispatch").click()
    form = page.get_by_test_id("dispatch-form")
    form.locator("select[name$='-officer']").select_option(str(portal.user["cb.qhxd1"].pk))
    form.locator("select[name$='-co_handlers']").select_option(str(portal.user["cb.qhxd2"].pk))
    form.locator("input[name$='-deadline']").fill((portal.today + datetime.timedelta(days=7)).strftime("%d/%m/%Y"))
    form.locator("textarea[name$='-note']").fill("Chị Hoa chủ trì, anh Tuấn phối hợp; dự thảo báo cáo thẩm định.")
    shot(page, "xu-ly-04-hop-thu-phong", full_page=True)
    form.get_by_role("button", name="Giao việc").click()
    page.wait_for_url("**/documents/inbox/department/")
    assert "Đã giao việc cho Trịnh Thị Hoa" in success(page)

    # 4. The officer: home page, notification, progress, completion.
    page.context.clear_cookies()
    sign_in(page, live_server, "cb.qhxd1")
    assert document.number_symbol in page.get_by_test_id("desk-to-handle-list").inner_text()
    shot(page, "xu-ly-05-chuyen-vien-trang-chu")
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url("**/notifications/")
    notification = page.get_by_test_id("notification").first
    assert "Bạn được giao xử lý" in notification.inner_text()
    shot(page, "xu-ly-06-thong-bao")
    notification.get_by_role("link").first.click()
    page.wait_for_url(f"**/documents/{document.pk}/")
    page.fill("#id_progress_text", "Đã khảo sát hiện trạng, đang dự thảo báo cáo thẩm định.")
    page.get_by_role("button", name="Ghi tiến độ").click()
    assert "Đã ghi tiến độ" in success(page)
    page.fill("#id_progress_text", "Đã trình báo cáo thẩm định.")
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành xử lý văn bản" in success(page)
    log = page.get_by_test_id("handling-log").inner_text()
    assert "Giao Trịnh Thị Hoa xử lý" in log and "Đã trình báo cáo thẩm định" in log
    shot(page, "xu-ly-07-hoan-thanh", full_page=True)


# --- Quản trị (administrator) --------------------------------------------------------------------


def test_administrator_manages_departments_people_and_targets(portal, live_server, page):
    sign_in(page, live_server, "admin")
    shot(page, "quan-tri-01-trang-chu")

    page.get_by_role("link", name="Quản trị").first.click()
    page.wait_for_url("**/staff/")
    shot(page, "quan-tri-02-tong-quan")

    page.goto(f"{live_server.url}/staff/departments/")
    listed = page.locator("main").inner_text()
    assert "Phòng Kế toán – Tài chính" in listed and "Trung tâm Dịch vụ tổng hợp" in listed
    shot(page, "quan-tri-03-phong-don-vi")
    page.get_by_role("link", name="Phòng Quản lý Đầu tư").click()
    assert page.locator("#id_abbreviation").input_value() == "QLĐT"
    shot(page, "quan-tri-04-sua-phong")

    # A new officer joins the Investment department.
    page.goto(f"{live_server.url}/staff/users/")
    assert "Ngô Thị Hồng Nhung" in page.get_by_test_id("user-table").inner_text()
    shot(page, "quan-tri-05-nguoi-dung")
    page.get_by_role("link", name="Thêm người dùng").click()
    page.fill("#id_username", "cb.qldt4")
    page.fill("#id_full_name", "Nguyễn Thị Minh Châu")
    page.fill("#id_email", "cb.qldt4@bql.example.vn")
    page.select_option("#id_department", str(portal.dept["QLĐT"].pk))
    page.fill("#id_position", "Chuyên viên")
    page.check("input[name=roles][value=officer]")
    page.fill("#id_password", "Chuyen-vien-2026!")
    shot(page, "quan-tri-06-them-nguoi-dung", full_page=True)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/staff/users/**")
    assert "Nguyễn Thị Minh Châu" in page.get_by_test_id("user-table").inner_text()

    # The agency's data and the directive's targets.
    page.goto(f"{live_server.url}/staff/agency/")
    assert page.locator("#id_target_electronic_exchange").input_value() in ("95", "95,0", "95,00")
    assert page.locator("#id_target_electronic_dossiers").input_value() in ("40", "40,0", "40,00")
    assert page.locator("#id_identifier_code").input_value() == "000.00.31.H09"
    shot(page, "quan-tri-07-thong-tin-co-quan", full_page=True)
