"""The portal on a phone (390 x 844, touch) and its own controls in a real browser: an officer's
day without sideways scrolling and with targets a finger can press, the date input (slashes typed
for the digits of a numeric keypad, a Vietnamese calendar), the month selector and file picker in
Vietnamese, and a failed small form coming back with its values and its errors at the fields."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from documents import services as document_services
from documents.choices import Form
from dossiers import services as dossier_services

from ..factories import PASSWORD
from . import a11y
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=a11y.PHONE,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def registered(agency, *, number_symbol, summary, issuer="Sở Kế hoạch và Đầu tư"):
    """An incoming document received electronically, with its file."""
    today = timezone.localdate()
    return document_services.incoming_register(
        acting_user=agency.clerk, number_symbol=number_symbol, issuer=issuer, summary=summary,
        document_date=today - datetime.timedelta(days=1), arrival_date=today, form=Form.ELECTRONIC,
        attachments=[SimpleUploadedFile("van-ban.pdf", PDF_BYTES, content_type="application/pdf")])


def assigned(agency, officer, *, summary, number_symbol):
    today = timezone.localdate()
    document = registered(agency, number_symbol=number_symbol, summary=summary)
    return document_services.incoming_assign(acting_user=agency.leader, document=document,
                                             department=officer.department, officer=officer,
                                             deadline=today + datetime.timedelta(days=5))


def fits_a_phone(page, where: str) -> None:
    """The page as it is: no sideways scrolling, no target under 24 x 24 px, no serious or critical
    axe-core violation."""
    a11y.settle(page)
    problems = a11y.phone_problems(page) + a11y.axe_violations(page)
    assert not problems, f"{where}:\n" + "\n".join(problems)


def test_an_officers_day_on_a_phone_needs_no_sideways_scrolling_and_no_small_targets(agency, live_server, phone, screenshot):
    officer = agency.officer_a
    document = assigned(agency, officer, number_symbol="215/SKHĐT-ĐKKD",
                        summary="V/v thẩm định hồ sơ đề nghị cấp Giấy chứng nhận đăng ký đầu tư dự án nhà máy điện khí")
    assigned(agency, officer, number_symbol="87/STNMT-MT",
             summary="V/v lấy ý kiến về báo cáo đánh giá tác động môi trường dự án cảng tổng hợp")
    dossier = dossier_services.dossier_open(acting_user=officer, title="Hồ sơ cấp Giấy chứng nhận đăng ký đầu tư dự án nhà máy điện khí",
                                            retention_years=20, kept_in_portal=True)
    page = phone
    log_in(page, live_server, "officer_a", PASSWORD)
    fits_a_phone(page, "home")

    # The desk: each document a card whose title is its number, linking to it.
    page.goto(f"{live_server.url}/documents/to-handle/")
    desk = page.get_by_test_id("to-handle-table")
    card = desk.locator("tbody tr").filter(has_text=document.number_symbol)
    assert card.evaluate("row => getComputedStyle(row).display") == "flex"  # a card, not a table row
    deadline = card.locator('td[data-label="Hạn xử lý"]')  # each cell names its column in the card
    assert deadline.evaluate("td => getComputedStyle(td, '::before').content") not in ("none", "normal", "")
    fits_a_phone(page, "desk")
    screenshot(page, "phone-01-desk")
    card.get_by_role("link", name=document.number_symbol).tap()
    page.wait_for_url(f"**/documents/{document.pk}/")

    # The document: what to do with it comes first, right under its title.
    progress = page.locator("#id_progress_text")
    assert progress.bounding_box()["y"] < page.get_by_text("Thông tin văn bản").bounding_box()["y"]
    assert progress.bounding_box()["y"] < a11y.PHONE["height"]
    fits_a_phone(page, "document")
    progress.fill("Đã thẩm định hồ sơ, dự thảo Giấy chứng nhận trình lãnh đạo Ban ký.")
    page.get_by_role("button", name="Ghi tiến độ").tap()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi tiến độ")
    fits_a_phone(page, "document after progress")
    screenshot(page, "phone-02-document")

    # My dossiers, then the dossier: add the document (found without diacritics) and close it.
    page.goto(f"{live_server.url}/dossiers/")
    fits_a_phone(page, "my dossiers")
    page.get_by_test_id("dossier-table").get_by_role("link", name=dossier.code).tap()
    page.wait_for_url(f"**/dossiers/{dossier.pk}/")
    fits_a_phone(page, "dossier")
    page.fill("#id_document_q", "nha may dien khi")
    results = page.get_by_test_id("document-results")
    results.get_by_text(document.number_symbol).wait_for()
    fits_a_phone(page, "dossier search results")
    results.get_by_role("button", name="Thêm").first.tap()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã thêm văn bản {document.number_symbol}")
    close_form = page.get_by_test_id("close-form")
    ended_on = close_form.locator("#id_ended_on")
    assert ended_on.get_attribute("inputmode") == "numeric" and ended_on.get_attribute("type") == "text"
    ended_on.fill("")
    ended_on.press_sequentially(timezone.localdate().strftime("%d%m%Y"))  # a numeric keypad has no "/"
    assert ended_on.input_value() == timezone.localdate().strftime("%d/%m/%Y")
    close_form.locator("#id_pages").fill("12")
    fits_a_phone(page, "dossier close form")
    screenshot(page, "phone-03-dossier")
    close_form.get_by_role("button", name="Kết thúc hồ sơ").tap()
    expect(page.locator(".alert-success")).to_contain_text("Đã kết thúc hồ sơ")
    assert f"31/12/{timezone.localdate().year + 1}" in page.get_by_test_id("due-on").inner_text()
    fits_a_phone(page, "closed dossier")


def test_the_register_filters_fold_behind_one_button_on_a_phone(agency, incoming, live_server, phone):
    for n in range(12):
        incoming(number_symbol=f"{n + 1}/UBND-KT", summary=f"Về việc triển khai kế hoạch số {n + 1} của tỉnh",
                 form=Form.PAPER)
    incoming(number_symbol="77/SNV-VTLT", summary="Về việc chuyển đổi số công tác lưu trữ", form=Form.PAPER)
    log_in(phone, live_server, "clerk", PASSWORD)
    phone.goto(f"{live_server.url}/documents/")
    rows = phone.get_by_test_id("register-table").locator("tbody tr")
    assert not phone.locator("#id_q").is_visible()
    assert rows.first.bounding_box()["y"] < a11y.PHONE["height"]  # the first document on the first screen
    fits_a_phone(phone, "register")
    toggle = phone.get_by_test_id("filter-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.tap()
    phone.locator("#id_q").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    phone.fill("#id_q", "chuyen doi so")
    phone.get_by_test_id("register-filter").get_by_role("button", name="Lọc", exact=True).tap()
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=register-table] tbody tr').length === 1")
    assert "77/SNV-VTLT" in rows.first.inner_text()


def test_the_date_input_types_its_slashes_and_offers_a_vietnamese_calendar(agency, live_server, page):
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/documents/incoming/new/")
    field = page.locator("#id_document_date")
    assert field.get_attribute("type") == "text" and field.get_attribute("placeholder") == "dd/mm/yyyy"
    field.fill("")
    field.press_sequentially("0512")
    assert field.input_value() == "05/12/"
    field.press_sequentially("2026")
    assert field.input_value() == "05/12/2026"
    field.fill("")
    field.press_sequentially("5/3/2026")  # typed slashes are kept as typed
    assert field.input_value() == "5/3/2026"

    # The calendar opens on the field's month, in Vietnamese, and is driven by the keyboard.
    calendar = field.locator("xpath=following-sibling::button")
    assert calendar.get_attribute("aria-label") == "Chọn ngày trên lịch"
    calendar.click()
    dialog = page.get_by_role("dialog")
    assert dialog.locator("h2").inner_text() == "Tháng 3 năm 2026"
    assert dialog.locator("thead").inner_text().split() == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert page.evaluate("document.activeElement.dataset.date") == "05/03/2026"
    assert a11y.axe_violations(page) == []  # the open calendar too
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert dialog.locator("h2").inner_text() == "Tháng 4 năm 2026"
    page.keyboard.press("Enter")
    assert field.input_value() == "13/04/2026"
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "id_document_date"
    assert calendar.get_attribute("aria-expanded") == "false"
    calendar.click()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert field.input_value() == "13/04/2026"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Chọn ngày trên lịch"  # back on the button

    # The campaign deadline, once the browser's own "mm/dd/yyyy" control, is the same input.
    page.goto(f"{live_server.url}/backlog/campaigns/new/")
    deadline = page.locator("#id_deadline")
    assert deadline.get_attribute("type") == "text" and deadline.get_attribute("data-date-input") is not None
    assert page.locator("input[type=date], input[type=month]").count() == 0


def test_the_month_selector_and_the_file_picker_speak_vietnamese(agency, live_server, page, tmp_path):
    log_in(page, live_server, "leader", PASSWORD)
    page.goto(f"{live_server.url}/reports/?month=2026-03")
    month = page.locator("#id_month")
    assert month.evaluate("el => el.tagName") == "SELECT"
    assert month.evaluate("select => select.selectedOptions[0].text") == "Tháng 3 năm 2026"
    assert page.locator("input[type=month]").count() == 0
    month.select_option("2026-02")
    page.get_by_test_id("month-picker").get_by_role("button", name="Xem").click()
    page.wait_for_url("**/reports/?month=2026-02")

    page.context.clear_cookies()
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/documents/incoming/new/")
    picker = page.locator("#id_attachments + .file-picker")
    assert picker.locator(".file-picker-button").inner_text().strip() == "Chọn tệp"
    assert picker.locator(".file-picker-names").inner_text() == "Chưa chọn tệp"
    box = page.locator("#id_attachments").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1  # the English native control is not shown
    scan = tmp_path / "Công văn 412.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#id_attachments", str(scan))
    assert picker.locator(".file-picker-names").inner_text() == "Công văn 412.pdf"
    # Keyboard users reach the native input; its focus shows on the Vietnamese button.
    page.locator("#id_attachments").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_attachments"
    outline = picker.locator(".file-picker-button").evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_a_failed_close_keeps_what_was_typed_and_puts_the_error_at_its_field(agency, live_server, page):
    officer = agency.officer_a
    dossier = dossier_services.dossier_open(acting_user=officer, title="Hồ sơ thử đóng lỗi", retention_years=10,
                                            kept_in_portal=False)
    dossier_services.dossier_add_paper_item(acting_user=officer, dossier=dossier, title="Biên bản làm việc")
    log_in(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    form = page.get_by_test_id("close-form")
    form.locator("#id_ended_on").fill("")
    form.locator("#id_sheets").fill("24")
    form.locator("#id_pages").fill("48")
    form.locator("#id_closing_note").fill("Biên bản họp ngày 15/09")
    form.get_by_role("button", name="Kết thúc hồ sơ").click()
    form.locator("#id_ended_on_error").wait_for()

    assert form.locator("#id_sheets").input_value() == "24"
    assert form.locator("#id_pages").input_value() == "48"
    assert form.locator("#id_closing_note").input_value() == "Biên bản họp ngày 15/09"
    error = form.locator("#id_ended_on_error")
    assert error.inner_text() == "Ngày kết thúc công việc: chưa nhập."
    assert form.locator("#id_ended_on").get_attribute("aria-describedby") == "id_ended_on_error"
    assert form.locator("#id_ended_on").get_attribute("aria-invalid") == "true"
    # The focus is on the field in error, not the top of the page.
    assert page.evaluate("document.activeElement.id") == "id_ended_on"
    # Every id an aria-describedby names is on the page.
    missing = page.evaluate("""() => [...document.querySelectorAll('[aria-describedby]')]
        .flatMap(el => el.getAttribute('aria-describedby').split(/\\s+/)).filter(id => id && !document.getElementById(id))""")
    assert missing == []

    # The date typed now, the rest as kept: it closes.
    form.locator("#id_ended_on").fill(timezone.localdate().strftime("%d/%m/%Y"))
    form.get_by_role("button", name="Kết thúc hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã kết thúc hồ sơ")
    dossier.refresh_from_db()
    assert (dossier.sheets, dossier.pages) == (24, 48)


def test_the_skip_link_and_focus_rings_serve_the_keyboard(agency, live_server, page):
    log_in(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/dossiers/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip.bounding_box()["width"] > 24  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
    assert ring[0] == "solid" and ring[1] >= 2
    assert re.fullmatch(r"rgb\(11, 61, 145\)", ring[2])  # #0b3d91: 10:1 on the page, 3:1+ beside every button colour


def test_the_dashboard_reflows_on_a_phone_with_its_trend_drawn_and_told(agency, make_document, live_server, phone):
    from reports.compliance import compute_month

    today = timezone.localdate()
    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, form=form, day=today.replace(day=1))
    compute_month(today.replace(day=1))
    log_in(phone, live_server, "leader", PASSWORD)
    phone.goto(f"{live_server.url}/reports/")
    phone.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend'))")
    fits_a_phone(phone, "dashboard")
    # The plot itself has room (it was a 333 x 100 canvas filled by its legend and axes).
    area = phone.evaluate("() => Chart.getChart(document.getElementById('trend')).chartArea")
    assert area["height"] >= 120 and area["width"] >= 250
    # Each department is a card with its four figures, their links large enough to press.
    row = phone.locator(f'[data-testid=department-figures] tr[data-department="{agency.dept_a.pk}"]')
    assert row.evaluate("tr => getComputedStyle(tr).display") == "flex"
    assert "66,6%" in row.get_by_test_id("row-e-month").inner_text()
    link = row.get_by_test_id("row-e-month-num").bounding_box()
    assert link["width"] >= 24 and link["height"] >= 24
    # The chart's text alternative: the table of its figures, month by month.
    figures = phone.get_by_test_id("trend-figures")
    figures.locator("summary").tap()
    rows = figures.locator("tbody tr")
    assert rows.count() == 12
    assert rows.last.inner_text().split() == [today.strftime("%m/%Y"), "66,6%", "—"]
    assert phone.locator("#trend").get_attribute("role") == "img"


def test_a_leader_finds_the_assign_form_on_the_first_screen_of_a_document(agency, live_server, phone):
    document = registered(agency, number_symbol="1520/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
                          summary="V/v báo cáo tình hình thu hút đầu tư vào Khu kinh tế 6 tháng cuối năm")
    document_services.incoming_submit(acting_user=agency.clerk, document=document)
    log_in(phone, live_server, "leader", PASSWORD)
    phone.goto(f"{live_server.url}/documents/{document.pk}/")
    form = phone.get_by_test_id("assign-form")
    assert form.bounding_box()["y"] < a11y.PHONE["height"]
    assert form.bounding_box()["y"] < phone.get_by_text("Thông tin văn bản").bounding_box()["y"]
    fits_a_phone(phone, "document to assign")
