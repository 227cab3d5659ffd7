import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.choices import Confidentiality, Form, Kind, PaperReason, Status
from documents.models import Attachment, Document

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def incoming_post(**overrides):
    data = {
        "arrival_date": "03/03/2026", "number_symbol": "125/UBND-KT", "document_date": "02/03/2026",
        "issuer": "Ủy ban nhân dân tỉnh", "kind": Kind.OFFICIAL_LETTER, "summary": "V/v triển khai Chỉ thị",
        "recipients": "", "received_medium": Form.PAPER, "paper_reason": PaperReason.SENDER_PAPER_ONLY, "urgency": "normal",
        "confidentiality": "normal", "notes": "",
    }
    data.update(overrides)
    return data


class TestRegisterIncoming:
    def test_clerk_registers_with_an_attachment(self, agency, login, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = login(agency.clerk)
        data = incoming_post(attachments=SimpleUploadedFile("Công văn 125.pdf", PDF_BYTES, content_type="application/pdf"))
        response = client.post(reverse("documents:incoming_create"), data)
        document = Document.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
        assert document.number == 1 and document.received_medium == Form.PAPER and document.form == Form.ELECTRONIC
        attachment = Attachment.objects.get()
        assert attachment.original_name == "Công văn 125.pdf" and attachment.extension == "pdf"
        assert attachment.file.name.startswith("attachments/") and "125" not in attachment.file.name
        page = client.get(response["Location"]).content.decode()
        assert "Công văn 125.pdf" in page and "01/2026" in page

    def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(self, agency, login, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        data = incoming_post(attachments=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
        response = login(agency.clerk).post(reverse("documents:incoming_create"), data)
        assert response.status_code == 200
        assert "không đúng định dạng cho phép" in response.content.decode()
        assert not Document.objects.exists()
        # The number was not consumed either.
        assert services.incoming_register(acting_user=agency.clerk, number_symbol="1", issuer="X", summary="Y",
                                          document_date=None).number == 1

    def test_a_file_too_large_is_refused(self, agency, login, settings, tmp_path, monkeypatch):
        settings.MEDIA_ROOT = tmp_path
        monkeypatch.setattr("documents.attachments.MAX_ATTACHMENT_BYTES", 10)
        data = incoming_post(attachments=SimpleUploadedFile("big.pdf", PDF_BYTES, content_type="application/pdf"))
        response = login(agency.clerk).post(reverse("documents:incoming_create"), data)
        assert "quá lớn" in response.content.decode()
        assert not Document.objects.exists()

    def test_malformed_date_gets_a_clear_error(self, agency, login):
        response = login(agency.clerk).post(reverse("documents:incoming_create"), incoming_post(document_date="31/02/2026"))
        assert response.status_code == 200
        assert "Nhập một ngày hợp lệ" in response.content.decode() or "ngày hợp lệ" in response.content.decode()
        assert not Document.objects.exists()

    def test_duplicate_is_warned_then_registered_on_purpose(self, agency, login):
        client = login(agency.clerk)
        client.post(reverse("documents:incoming_create"), incoming_post())
        response = client.post(reverse("documents:incoming_create"), incoming_post())
        page = response.content.decode()
        assert response.status_code == 200 and "có thể đã được đăng ký" in page and "01/2026" in page
        assert Document.objects.count() == 1
        assert 'name="allow_duplicate" value="on"' in page or 'name="allow_duplicate" value="True"' in page
        client.post(reverse("documents:incoming_create"), incoming_post(allow_duplicate="on"))
        assert Document.objects.count() == 2

    def test_officer_cannot_register(self, agency, login):
        assert login(agency.officer_a).get(reverse("documents:incoming_create")).status_code == 403


class TestHandling:
    def test_assign_then_complete_through_the_pages(self, agency, login, incoming):
        document = incoming()
        leader = login(agency.leader)
        response = leader.post(reverse("documents:assign", args=[document.pk]), {
            "department": agency.dept_a.pk, "officer": agency.officer_a.pk, "deadline": "20/03/2026",
            "direction_note": "Giao QLĐT chủ trì",
        })
        assert response.status_code == 302
        document.refresh_from_db()
        assert document.status == Status.ASSIGNED and document.deadline == datetime.date(2026, 3, 20)

        officer = login(agency.officer_a)
        desk = officer.get(reverse("documents:to_handle")).content.decode()
        assert "125/UBND-KT" in desk
        officer.post(reverse("documents:complete", args=[document.pk]), {"text": "Đã xử lý xong"})
        document.refresh_from_db()
        assert document.status == Status.DONE
        assert "125/UBND-KT" not in officer.get(reverse("documents:to_handle")).content.decode()

    def test_refused_action_shows_the_reason(self, agency, login, incoming):
        document = incoming()
        services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a, officer=agency.officer_a)
        client = login(agency.head_b)
        # head_b cannot even see it: 404, like a missing document.
        assert client.post(reverse("documents:complete", args=[document.pk])).status_code == 404
        client = login(agency.officer_a)
        client.post(reverse("documents:complete", args=[document.pk]))
        response = client.post(reverse("documents:complete", args=[document.pk]), follow=True)
        assert "đã hoàn thành" in response.content.decode()

    def test_detail_offers_only_allowed_actions(self, agency, login, incoming):
        document = incoming()
        clerk_page = login(agency.clerk).get(reverse("documents:detail", args=[document.pk])).content.decode()
        assert reverse("documents:submit", args=[document.pk]) in clerk_page
        assert 'data-testid="assign-form"' not in clerk_page
        leader_page = login(agency.leader).get(reverse("documents:detail", args=[document.pk])).content.decode()
        assert 'data-testid="assign-form"' in leader_page
        assert reverse("documents:submit", args=[document.pk]) not in leader_page


class TestListAndScope:
    def test_search_ignores_diacritics(self, agency, login, incoming):
        incoming(number_symbol="1/A", summary="Quyết định phê duyệt quy hoạch")
        incoming(number_symbol="2/A", summary="Báo cáo tình hình")
        page = login(agency.clerk).get(reverse("documents:list"), {"q": "quyet dinh"}).content.decode()
        assert "phê duyệt quy hoạch" in page and "Báo cáo tình hình" not in page

    def test_filters_and_sort(self, agency, login, incoming):
        incoming(number_symbol="1/A", form=Form.PAPER, arrival_date=datetime.date(2026, 3, 3))
        incoming(number_symbol="2/A", form=Form.ELECTRONIC, arrival_date=datetime.date(2026, 3, 5))
        client = login(agency.clerk)
        page = client.get(reverse("documents:list"), {"form": "paper"}).content.decode()
        assert "1/A" in page and "2/A" not in page
        page = client.get(reverse("documents:list"), {"sort": "date"}).content.decode()
        assert page.index("1/A") < page.index("2/A")
        page = client.get(reverse("documents:list"), {"sort": "-date"}).content.decode()
        assert page.index("2/A") < page.index("1/A")

    def test_overdue_filter_and_mark(self, agency, login, incoming):
        late = incoming(number_symbol="1/A")
        services.incoming_assign(acting_user=agency.leader, document=late, department=agency.dept_a,
                                 officer=agency.officer_a, deadline=datetime.date(2026, 3, 10))
        incoming(number_symbol="2/A")
        page = login(agency.clerk).get(reverse("documents:list"), {"overdue": "true"}).content.decode()
        assert "1/A" in page and "2/A" not in page and 'data-testid="overdue"' in page

    def test_officer_list_and_detail_are_scoped(self, agency, login, incoming):
        mine = incoming(number_symbol="1/A")
        services.incoming_assign(acting_user=agency.leader, document=mine, department=agency.dept_a, officer=agency.officer_a)
        other = incoming(number_symbol="2/A")
        client = login(agency.officer_a)
        page = client.get(reverse("documents:list")).content.decode()
        assert "1/A" in page and "2/A" not in page
        assert client.get(reverse("documents:detail", args=[other.pk])).status_code == 404

    def test_confidential_document_hidden_from_department_head(self, agency, login, incoming):
        secret = incoming(number_symbol="9/M", confidentiality=Confidentiality.SECRET, form=Form.PAPER)
        services.incoming_assign(acting_user=agency.leader, document=secret, department=agency.dept_a, officer=agency.officer_a)
        assert login(agency.head_a).get(reverse("documents:detail", args=[secret.pk])).status_code == 404
        assert login(agency.officer_a).get(reverse("documents:detail", args=[secret.pk])).status_code == 200

    def test_attachment_download_checks_scope(self, agency, login, incoming, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        document = incoming(attachments=[SimpleUploadedFile("a.pdf", PDF_BYTES)])
        attachment = document.attachments.get()
        url = reverse("documents:attachment", args=[document.pk, attachment.pk])
        response = login(agency.clerk).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
        assert login(agency.officer_b).get(url).status_code == 404


class TestTrash:
    def test_delete_and_restore_through_pages(self, agency, login, incoming):
        document = incoming()
        client = login(agency.clerk)
        client.post(reverse("documents:delete", args=[document.pk]))
        assert "125/UBND-KT" in client.get(reverse("documents:trash")).content.decode()
        assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
        client.post(reverse("documents:restore", args=[document.pk]))
        assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 200
        assert login(agency.officer_a).get(reverse("documents:trash")).status_code == 403


class TestAttachmentsFixity:
    def test_verify_command_detects_a_changed_file(self, agency, incoming, settings, tmp_path):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        settings.MEDIA_ROOT = tmp_path
        document = incoming(attachments=[SimpleUploadedFile("a.pdf", PDF_BYTES)])
        out = io.StringIO()
        call_command("verify_attachments", stdout=out)
        assert "1 attachments checked, 0 problems" in out.getvalue()
        path = document.attachments.get().file.path
        with open(path, "ab") as handle:
            handle.write(b"tampered")
        with pytest.raises(CommandError):
            call_command("verify_attachments", stdout=io.StringIO(), stderr=io.StringIO())

    @pytest.mark.parametrize(
        ("name", "content", "extension"),
        [
            ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "png"),
            ("scan.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpg"),
            ("goi-tin.xml", ('<?xml version="1.0" encoding="utf-8"?><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
                             '<Header>Văn bản</Header></edXML>').encode(), "xml"),
        ],
    )
    def test_types_are_read_from_content(self, agency, incoming, settings, tmp_path, name, content, extension):
        settings.MEDIA_ROOT = tmp_path
        document = incoming(attachments=[SimpleUploadedFile(name, content)])
        assert document.attachments.get().extension == extension

    def test_xml_entity_bomb_is_refused(self, agency, incoming, settings, tmp_path):
        from recordsportal.services import DomainError

        settings.MEDIA_ROOT = tmp_path
        bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
        with pytest.raises(DomainError):
            incoming(attachments=[SimpleUploadedFile("bomb.xml", bomb)])
        assert not Document.objects.exists()

    def test_docx_and_xlsx_recognised(self, agency, incoming, settings, tmp_path):
        import zipfile

        settings.MEDIA_ROOT = tmp_path
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        document = incoming(attachments=[SimpleUploadedFile("du-thao.docx", buffer.getvalue())])
        assert document.attachments.get().extension == "docx"


def test_malformed_filter_date_is_reported_not_ignored(agency, login, incoming):
    incoming()
    page = login(agency.clerk).get(reverse("documents:list"), {"date_from": "31/02/2026"}).content.decode()
    assert "Nhập một ngày hợp lệ" in page or "ngày hợp lệ" in page


def test_unfiltered_list_keeps_overdue_documents(agency, login, incoming):
    late = incoming(number_symbol="1/A")
    services.incoming_assign(acting_user=agency.leader, document=late, department=agency.dept_a,
                             officer=agency.officer_a, deadline=datetime.date(2026, 3, 10))
    page = login(agency.clerk).get(reverse("documents:list")).content.decode()
    assert "1/A" in page
