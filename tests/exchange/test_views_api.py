"""The exchange through its pages and its JSON API: the same scenario on both, the roles, the
directory import, and received packages seen only through the documents one may see."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from documents.models import Document
from exchange import services
from exchange.models import InboundPackage, Organisation, OutboundPackage

from .conftest import SENDER_CODE, hand_package, package_bytes, stored_files, upload


def receive(clerk, content=None):
    content = content or package_bytes()
    return services.package_receive(acting_user=clerk, stream=io.BytesIO(content), name="goi.edxml",
                                    source="upload", size=len(content)).package


class TestRegisteringThroughThePage:
    def register(self, client, package, **changes):
        data = {"number_symbol": package.number_symbol, "issuer": package.sender_name,
                "document_date": package.document_date.strftime("%d/%m/%Y"), "kind": package.kind,
                "urgency": package.urgency, "summary": package.summary, "notes": "", **changes}
        response = client.post(reverse("exchange:package", args=[package.pk]), data)
        return response.status_code, Document.objects.filter(direction="incoming").first()

    def refuse(self, client, package, reason):
        return client.post(reverse("exchange:package_refuse", args=[package.pk]), {"reason": reason}).status_code

    @pytest.mark.django_db(transaction=True)
    def test_it_registers_a_package_with_the_clerks_corrections(self, exchange, login):
        package = receive(exchange.clerk)
        status, document = self.register(login(exchange.clerk), package, summary="Trích yếu đã kiểm tra")
        assert status in (201, 302) and document is not None
        assert (document.summary, document.form, document.received_medium) == ("Trích yếu đã kiểm tra", "electronic",
                                                                                "electronic")
        package.refresh_from_db()
        assert package.state == "registered" and package.document == document
        # The repeat is refused; still one document.
        self.register(login(exchange.clerk), package)
        assert Document.objects.filter(direction="incoming").count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_it_refuses_with_a_reason_and_needs_one(self, exchange, login):
        package = receive(exchange.clerk)
        self.refuse(login(exchange.clerk), package, "")
        package.refresh_from_db()
        assert package.state == "pending"
        self.refuse(login(exchange.clerk), package, "Thiếu phụ lục")
        package.refresh_from_db()
        assert package.state == "refused" and package.refusal_reason == "Thiếu phụ lục"
        assert OutboundPackage.objects.filter(inbound=package, status_code="02").exists()

    @pytest.mark.django_db(transaction=True)
    def test_nobody_but_the_office_reaches_a_package(self, exchange, login):
        package = receive(exchange.clerk)
        for user in (exchange.leader, exchange.head_a, exchange.officer_a, exchange.admin):
            client = login(user)
            assert client.get(reverse("exchange:package", args=[package.pk])).status_code == 403
            self.register(client, package)
        assert InboundPackage.objects.get().state == "pending"


class TestRegisteringThroughTheApi(TestRegisteringThroughThePage):
    def register(self, client, package, **changes):
        response = client.post(reverse("exchange-package-register", args=[package.pk]), changes,
                               content_type="application/json")
        return response.status_code, Document.objects.filter(direction="incoming").first()

    def refuse(self, client, package, reason):
        return client.post(reverse("exchange-package-refuse", args=[package.pk]), {"reason": reason},
                           content_type="application/json").status_code


@pytest.mark.django_db(transaction=True)
def test_the_api_receives_a_package_and_refuses_a_hostile_one(exchange, login, media):
    client = login(exchange.clerk)
    response = client.post(reverse("exchange-package-list"), {"file": upload("goi.edxml", package_bytes())})
    assert response.status_code == 201 and response.json()["outcome"] == "received"
    assert response.json()["number_symbol"] == "125/UBND-KT"
    again = client.post(reverse("exchange-package-list"), {"file": upload("goi.edxml", package_bytes())})
    assert again.status_code == 200 and again.json()["outcome"] == "already"
    files_before = stored_files(media)
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&e;</edXML>')
    refused = client.post(reverse("exchange-package-list"), {"file": upload("x.edxml", xxe)})
    assert refused.status_code == 400 and "DTD" in refused.json()["file"][0]
    assert InboundPackage.objects.count() == 1 and stored_files(media) == files_before
    assert login(exchange.officer_a).post(reverse("exchange-package-list"),
                                          {"file": upload("goi.edxml", package_bytes(number="7"))}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_connector_takes_and_acknowledges_outbound_packages(exchange, login):
    receive(exchange.clerk)
    client = login(exchange.clerk)
    pending = client.get(reverse("exchange-outbox-list"), {"pending": "1"}).json()["results"]
    [status] = pending
    assert (status["kind"], status["status_code"], status["to_code"]) == ("status", "01", SENDER_CODE)
    body = b"".join(client.get(reverse("exchange-outbox-file", args=[status["id"]])).streaming_content)
    assert b"<StatusCode>01</StatusCode>" in body
    assert client.post(reverse("exchange-outbox-acknowledge", args=[status["id"]])).status_code == 200
    assert client.post(reverse("exchange-outbox-acknowledge", args=[status["id"]])).status_code == 400
    assert client.get(reverse("exchange-outbox-list"), {"pending": "1"}).json()["results"] == []


@pytest.mark.django_db(transaction=True)
def test_leadership_and_heads_see_a_received_package_through_its_document_only(exchange, login):
    from documents import services as document_services

    package = receive(exchange.clerk)
    document = services.package_register(acting_user=exchange.clerk, package=package)
    document_services.incoming_assign(acting_user=exchange.leader, document=document, department=exchange.dept_a)
    for user in (exchange.leader, exchange.head_a):
        page = login(user).get(reverse("documents:detail", args=[document.pk])).content.decode()
        assert 'data-testid="exchange-received"' in page and package.sha256 in page
        assert reverse("exchange:package", args=[package.pk]) not in page  # the Office's page is not offered
    assert login(exchange.head_b).get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert login(exchange.head_a).get(reverse("exchange-package-list")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_inbox_lists_pending_packages_and_flags_duplicates(exchange, login):
    first = receive(exchange.clerk)
    services.package_register(acting_user=exchange.clerk, package=first)
    receive(exchange.clerk, package_bytes(subject="Gửi lại"))
    page = login(exchange.clerk).get(reverse("exchange:inbox")).content.decode()
    assert page.count('data-testid="inbound-package"') == 1 and 'data-testid="duplicate-flag"' in page


def _xlsx(rows, headers=("Mã định danh", "Tên cơ quan", "Ghi chú")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_administrator_imports_the_directory(exchange, login):
    client = login(exchange.admin)
    content = _xlsx([(SENDER_CODE, "UBND tỉnh Hà Tĩnh (tên mới)", ""), ("000.00.00.G22", "Sở Nội vụ", "Trục tỉnh"),
                     (None, "Công ty ABC", "")])
    response = client.post(reverse("exchange:organisations"), {"file": upload("danh-ba.xlsx", content)})
    assert response.status_code == 302
    assert Organisation.objects.get(code=SENDER_CODE).name == "UBND tỉnh Hà Tĩnh (tên mới)"
    assert Organisation.objects.get(code="000.00.00.G22").notes == "Trục tỉnh"
    assert Organisation.objects.filter(code="", name="Công ty ABC").exists()


@pytest.mark.django_db
def test_a_directory_file_with_errors_names_row_and_column_and_saves_nothing(exchange, login):
    client = login(exchange.admin)
    content = _xlsx([("000.00.00.G22", "Sở Nội vụ", ""), ("abc", "Sở Tài chính", ""), ("000.00.00.G22", "", "")])
    page = client.post(reverse("exchange:organisations"), {"file": upload("danh-ba.xlsx", content)}).content.decode()
    assert "Dòng 3, cột A (Mã định danh): “ABC” không đúng dạng" in page
    assert "Dòng 4, cột A (Mã định danh): “000.00.00.G22” trùng với dòng 2" in page
    assert "Dòng 4, cột B (Tên cơ quan): chưa có tên" in page
    assert Organisation.objects.count() == 1  # only the fixture's
    missing = client.post(reverse("exchange:organisations"),
                          {"file": upload("x.xlsx", _xlsx([("a",)], headers=("Tên",)))}).content.decode()
    assert "thiếu cột “Mã định danh”" in missing


@pytest.mark.django_db
def test_only_the_administrator_edits_the_directory(exchange, login):
    organisation = Organisation.objects.get()
    for user in (exchange.clerk, exchange.leader):
        assert login(user).post(reverse("exchange:organisation_update", args=[organisation.pk]),
                                {"code": "000.00.00.G01", "name": "X"}).status_code == 403
    response = login(exchange.admin).post(reverse("exchange:organisation_update", args=[organisation.pk]),
                                          {"code": "000.00.00.g01", "name": "UBND tỉnh", "is_active": "on"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.code, organisation.name) == ("000.00.00.G01", "UBND tỉnh")
    page = login(exchange.admin).post(reverse("exchange:organisation_create"), {"code": "12", "name": "Y"})
    assert "Mã định danh gồm 13 ký tự" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_send_page_lists_paper_recipients_and_sends(exchange, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services

    from tests.conftest import signed_pdf

    Organisation.objects.create(code="000.00.00.G22", name="Sở Nội vụ")
    document = document_services.outgoing_issue(  # electronic: its PDF is digitally signed (issue 14)
        acting_user=exchange.clerk, kind="CV", summary="V/v thử", department=exchange.dept_a, signer="Lê Văn Ký",
        recipients="- Sở Nội vụ;\n- Công ty ABC;", attachments=[SimpleUploadedFile("a.pdf", signed_pdf())])
    client = login(exchange.clerk)
    page = client.get(reverse("exchange:send", args=[document.pk])).content.decode()
    assert "Công ty ABC" in page and 'data-testid="send-button"' in page
    response = client.post(reverse("exchange:send", args=[document.pk]), follow=True).content.decode()
    assert "Gửi bằng giấy (chưa có mã định danh): Công ty ABC." in response
    assert OutboundPackage.objects.filter(kind="document", to_code="000.00.00.G22").count() == 1
    assert login(exchange.head_a).post(reverse("exchange:send", args=[document.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_refused_upload_through_the_page_is_reported_in_its_batch(exchange, login):
    client = login(exchange.clerk)
    client.post(reverse("exchange:inbox"), {"files": [upload("x.edxml", hand_package(attachments=""))]})
    from exchange.models import ReceiveBatch

    page = client.get(reverse("exchange:batch", args=[ReceiveBatch.objects.get().pk])).content.decode()
    assert "&lt;AttachmentEncoded&gt;" in page or "<AttachmentEncoded>" in page
    assert not InboundPackage.objects.exists()
