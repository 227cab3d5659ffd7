"""The clerk registers an incoming document with an attachment, leadership assigns it, the
officer completes it — in a real browser."""

import pytest

from documents.models import Document

from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_incoming_document_from_registration_to_completion(agency, live_server, browser, screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = tmp_path / "Công văn 125-UBND.pdf"
    scan.write_bytes(PDF_BYTES)

    def new_page():
        context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        return context.new_page()

    # 1. The clerk registers it, with the scanned letter attached, and sends it to leadership.
    clerk = new_page()
    log_in(clerk, live_server, "clerk", PASSWORD)
    clerk.goto(f"{live_server.url}/documents/incoming/new/")
    clerk.fill("#id_arrival_date", "03/03/2026")
    clerk.fill("#id_number_symbol", "125/UBND-KT")
    clerk.fill("#id_document_date", "02/03/2026")
    clerk.fill("#id_issuer", "Ủy ban nhân dân tỉnh")
    clerk.fill("#id_summary", "V/v triển khai Quyết định về chuyển đổi số")
    clerk.select_option("#id_received_medium", "paper")
    clerk.set_input_files("#id_attachments", str(scan))
    screenshot(clerk, "documents-incoming-form")
    clerk.click("main button[type=submit]")
    clerk.wait_for_url("**/documents/*/")
    assert "01/2026" in clerk.get_by_test_id("arrival-number").inner_text()
    assert "Công văn 125-UBND.pdf" in clerk.get_by_test_id("attachments").inner_text()
    clerk.get_by_role("button", name="Trình lãnh đạo").click()
    assert "Đã trình lãnh đạo" in clerk.locator(".alert-success").inner_text()
    document = Document.objects.get()

    # 2. Leadership assigns it to a department and an officer with a deadline.
    leader = new_page()
    log_in(leader, live_server, "leader", PASSWORD)
    leader.goto(f"{live_server.url}/documents/{document.pk}/")
    form = leader.get_by_test_id("assign-form")
    form.locator("#id_department").select_option(str(agency.dept_a.pk))
    form.locator("#id_officer").select_option(str(agency.officer_a.pk))
    form.locator("#id_deadline").fill("20/03/2026")
    form.locator("#id_direction_note").fill("Phòng QLĐT chủ trì, báo cáo kết quả")
    form.get_by_role("button", name="Giao xử lý").click()
    assert "Đã giao xử lý" in leader.locator(".alert-success").inner_text()
    screenshot(leader, "documents-detail-assigned")

    # 3. The officer finds it on their desk, records the result and completes it.
    officer = new_page()
    log_in(officer, live_server, "officer_a", PASSWORD)
    officer.goto(f"{live_server.url}/documents/to-handle/")
    desk = officer.get_by_test_id("to-handle-table")
    assert "125/UBND-KT" in desk.inner_text()
    screenshot(officer, "documents-to-handle")
    desk.get_by_role("link", name="125/UBND-KT").click()
    officer.fill("#id_progress_text", "Đã tham mưu văn bản trả lời UBND tỉnh")
    officer.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành xử lý văn bản" in officer.locator(".alert-success").inner_text()
    document.refresh_from_db()
    assert document.status == "done"

    # The register shows it done, found by a search without diacritics.
    clerk.goto(f"{live_server.url}/documents/?q=chuyen doi so")
    table = clerk.get_by_test_id("register-table").inner_text()
    assert "125/UBND-KT" in table and "Đã hoàn thành" in table
    screenshot(clerk, "documents-register")
