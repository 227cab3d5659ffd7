"""The Office receives a batch of edXML packages, one of them refused, and registers the rest —
in a real browser. Screenshots: test-results/screenshots/screenshots/exchange-*.png."""

import pytest

from documents.models import Document
from exchange.models import InboundPackage, Organisation, OutboundPackage
from recordsportal.models import Agency

from ..exchange.conftest import AGENCY_CODE, SENDER_CODE, hand_package, package_bytes
from ..factories import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_office_receives_a_batch_and_registers_the_good_packages(agency, live_server, page, screenshot,
                                                                      tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EDXML_OUTBOX_DIR = str(tmp_path / "outbox")
    row = Agency.load()
    row.identifier_code, row.name, row.abbreviation = AGENCY_CODE, "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh", "BQL"
    row.save()
    Organisation.objects.create(code=SENDER_CODE, name="Ủy ban nhân dân tỉnh Hà Tĩnh")
    files = []
    for number, subject in [("125", "V/v triển khai chuyển đổi số năm 2026"), ("126", "V/v báo cáo thu hút đầu tư quý I"),
                            ("127", "V/v kiểm tra an toàn lao động tại khu công nghiệp")]:
        path = tmp_path / f"UBND-{number}.edxml"
        path.write_bytes(package_bytes(number=number, subject=subject))
        files.append(str(path))
    broken = tmp_path / "goi-hong.edxml"
    broken.write_bytes(hand_package(root='<edXML xmlns="http://example.org/khac">'))
    files.insert(1, str(broken))

    # 1. The clerk uploads the four packages at once.
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/documents/")
    page.get_by_test_id("exchange-inbox-link").click()
    page.wait_for_url("**/exchange/")
    page.set_input_files("#id_files", files)
    screenshot(page, "exchange-inbox-upload")
    page.get_by_test_id("receive-form").get_by_role("button", name="Nhận").click()
    page.wait_for_url("**/exchange/batches/*/")

    # 2. The batch page: three waiting, one refused with its reason naming the element.
    figures = page.get_by_test_id("batch-figures").inner_text()
    assert "Đã đọc 4/4 gói: 3 chờ đăng ký, 0 trùng, 1 bị từ chối." in " ".join(figures.split())
    refused = page.locator('[data-testid="batch-item"][data-state="refused"]')
    assert refused.count() == 1
    assert "goi-hong.edxml" in refused.inner_text() and "không gian tên" in refused.inner_text()
    screenshot(page, "exchange-batch")

    # 3. Each waiting package: check the pre-filled fields and register it.
    page.get_by_role("link", name="Kiểm tra và đăng ký các gói đã nhận").click()
    assert page.locator('[data-testid="inbound-package"]').count() == 3
    screenshot(page, "exchange-inbox-pending")
    for index in range(3):
        page.locator('[data-testid="inbound-package"] a').first.click()
        page.wait_for_url("**/exchange/packages/*/")
        assert page.locator("#id_issuer").input_value() == "Ủy ban nhân dân tỉnh Hà Tĩnh"
        if index == 0:
            screenshot(page, "exchange-package-register")
        page.get_by_test_id("register-button").click()
        page.wait_for_url("**/documents/*/")
        assert "Đã đăng ký văn bản đến" in page.locator(".alert-success").inner_text()
        assert page.get_by_test_id("exchange-received").is_visible()
        if index == 0:
            screenshot(page, "exchange-document-registered")
        page.goto(f"{live_server.url}/exchange/")
    assert page.locator('[data-testid="inbound-package"]').count() == 0

    documents = Document.objects.filter(direction="incoming")
    assert sorted(documents.values_list("number_symbol", flat=True)) == ["125/UBND-KT", "126/UBND-KT", "127/UBND-KT"]
    assert set(documents.values_list("form", "received_medium")) == {("electronic", "electronic")}
    assert InboundPackage.objects.filter(state="registered").count() == 3
    assert OutboundPackage.objects.filter(status_code="03").count() == 3
