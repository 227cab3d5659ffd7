"""Issue 14, 1c: an outgoing or internal document is electronic only when its issued file is a
digitally signed PDF, validated on upload with pyHanko against the administrator's trust roots,
offline. Signed with the tests' own CA (documents/test_ca.py)."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.choices import Form, Kind, PaperReason
from documents.demo import demo_pdf
from documents.models import Document, TrustRoot
from documents.signatures import SignatureStatus, check_pdf
from recordsportal.services import DomainError
from tests.conftest import signed_pdf, signed_upload, test_authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted():
    """The tests' CA uploaded as a trust root."""
    der = test_authority().root_der
    return TrustRoot.objects.create(name="CA thử nghiệm", der=der, fingerprint=hashlib.sha256(der).hexdigest(),
                                    subject="CA thử nghiệm")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def issue(agency, **fields):
    values = {"kind": Kind.OFFICIAL_LETTER, "summary": "V/v báo cáo quý I", "department": agency.dept_a,
              "signer": "Trần Đình Hải", "issue_date": datetime.date(2026, 3, 10)}
    values.update(fields)
    return services.outgoing_issue(acting_user=agency.clerk, **values)


def tampered(data: bytes) -> bytes:
    changed = bytearray(data)
    at = changed.find(b"Cong van")
    changed[at] = ord("X")  # one letter of the signed content
    return bytes(changed)


def test_a_signed_pdf_whose_signer_leads_to_a_trust_root_is_verified(trusted):
    check = check_pdf(signed_pdf(signer="Nguyễn Văn Ký"))
    assert check.status == SignatureStatus.VERIFIED and check.signer_name == "Nguyễn Văn Ký"
    assert abs((check.signed_at - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 120
    assert "không rõ" in check.note  # revocation is not fetched on the intranet


def test_a_signed_pdf_without_trust_roots_is_signed_but_not_verified():
    check = check_pdf(signed_pdf())
    assert check.status == SignatureStatus.SIGNED_UNVERIFIED and check.is_signed
    assert "Chưa có chứng thư gốc" in check.note


def test_an_expired_signer_certificate_is_shown_not_hidden(trusted):
    now = datetime.datetime.now(datetime.timezone.utc)
    check = check_pdf(signed_pdf(not_before=now - datetime.timedelta(days=90), not_after=now - datetime.timedelta(days=1)))
    assert check.status == SignatureStatus.SIGNED_UNVERIFIED
    assert "hết hạn ngày" in check.note


def test_a_signer_the_file_shows_revoked_is_shown_revoked_not_verified(trusted):
    # The file carries its CA's revocation list (PAdES-LT): nothing is fetched, the list is read.
    check = check_pdf(test_authority().with_revocation_list(signed_pdf(signer="Nguyễn Văn Thu Hồi")))
    assert check.status == SignatureStatus.REVOKED and check.signer_name == "Nguyễn Văn Thu Hồi"
    assert "đã bị thu hồi" in check.note
    not_revoked = check_pdf(test_authority().with_revocation_list(signed_pdf(), revoked=False))
    assert not_revoked.status == SignatureStatus.VERIFIED and "thu hồi" in not_revoked.note


def test_a_damaged_revocation_list_in_the_file_is_set_aside_not_a_failure(trusted):
    data = test_authority().with_revocation_list(signed_pdf())
    crl = data.rfind(b"/CRLs [ ") + len(b"/CRLs [ ")
    stream = data.find(b"stream\n", data.find(data[crl:data.find(b" R", crl)] + b" obj")) + len(b"stream\n")
    damaged = data[:stream] + b"\x00" * 30 + data[stream + 30:]  # the CRL's first bytes, same length
    check = check_pdf(damaged)
    assert check.status == SignatureStatus.VERIFIED and "không rõ" in check.note


def test_unsigned_tampered_and_damaged_pdfs_are_reported_as_such(trusted):
    assert check_pdf(demo_pdf("Cong van 15")).status == SignatureStatus.UNSIGNED
    broken = check_pdf(tampered(signed_pdf()))
    assert broken.status == SignatureStatus.INVALID and "sửa sau khi ký" in broken.note
    assert check_pdf(b"%PDF-1.4 not really a pdf").status == SignatureStatus.INVALID


def test_an_outgoing_document_with_a_signed_pdf_is_electronic_with_its_signer(agency, trusted, media):
    document = issue(agency, attachments=[signed_upload("qd-15.pdf", signer="Trần Đình Hải")])
    assert (document.form, document.paper_reason) == (Form.ELECTRONIC, "")
    attachment = document.attachments.get()
    assert (attachment.signature_status, attachment.signer_name) == (SignatureStatus.VERIFIED, "Trần Đình Hải")
    assert attachment.signed_at is not None


@pytest.mark.parametrize("content", [demo_pdf("Cong van 15"), b"%PDF-1.4 not really a pdf"])
def test_an_unsigned_or_damaged_pdf_makes_an_outgoing_document_paper(agency, trusted, media, content):
    document = issue(agency, attachments=[SimpleUploadedFile("cv.pdf", content)], paper_reason=PaperReason.WET_SIGNATURE)
    assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.WET_SIGNATURE)


def test_electronic_is_refused_without_a_signed_pdf(agency, media):
    with pytest.raises(DomainError) as refused:
        issue(agency, form=Form.ELECTRONIC, attachments=[SimpleUploadedFile("cv.pdf", tampered(signed_pdf()))])
    assert refused.value.field == "form" and "ký số" in str(refused.value)
    assert not Document.objects.exists()


def test_the_api_issues_paper_without_a_file_and_refuses_electronic(agency, login):
    client = login(agency.clerk)
    body = {"summary": "V/v báo cáo", "department": agency.dept_a.pk, "issue_date": "2026-03-10"}
    assert client.post("/api/v1/documents/outgoing/", {**body, "form": "electronic"},
                       content_type="application/json").status_code == 400
    created = client.post("/api/v1/documents/outgoing/", body, content_type="application/json")
    assert created.status_code == 201 and (created.json()["form"], created.json()["paper_reason"]) == (
        "paper", "unjustified")


def test_the_page_shows_verified_signed_and_invalid_signatures_distinctly(agency, login, trusted, media):
    client = login(agency.clerk)
    post = {"issue_date": "10/03/2026", "kind": Kind.OFFICIAL_LETTER, "department": agency.dept_a.pk,
            "summary": "V/v báo cáo", "signer": "Trần Đình Hải", "urgency": "normal", "confidentiality": "normal"}
    response = client.post(reverse("documents:outgoing_create"),
                           {**post, "attachments": SimpleUploadedFile("cv.pdf", demo_pdf("Cong van 15"))})
    assert response.status_code == 200 and "paper_reason" in response.context["form"].errors  # unsigned: paper, asked
    page = client.post(reverse("documents:outgoing_create"), {**post, "attachments": signed_upload("qd.pdf")},
                       follow=True).content.decode()
    assert 'data-testid="signature-verified"' in page and "Điện tử, vì:" in page and "Trần Đình Hải" in page
    document = Document.objects.get()
    client.post(reverse("documents:attach", args=[document.pk]),
                {"attachments": [SimpleUploadedFile("hong.pdf", tampered(signed_pdf()))]})
    TrustRoot.objects.all().delete()
    client.post(reverse("documents:attach", args=[document.pk]), {"attachments": [signed_upload("ban-2.pdf")]})
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'data-testid="signature-invalid"' in page and 'data-testid="signature-signed"' in page
    assert "Chữ ký số không hợp lệ" in page and "chưa xác thực được người ký" in page


def test_attaching_a_signed_pdf_later_makes_a_paper_outgoing_document_electronic_with_history(agency, login, media):
    document = issue(agency, paper_reason=PaperReason.UNJUSTIFIED)
    assert document.form == Form.PAPER
    login(agency.clerk).post(reverse("documents:attach", args=[document.pk]), {"attachments": [signed_upload("qd.pdf")]})
    document.refresh_from_db()
    assert document.form == Form.ELECTRONIC and "qd.pdf" in document.history.first().history_change_reason


def test_the_administrator_uploads_a_trust_root_and_a_bad_file_is_refused(agency, login):
    admin = agency.admin if hasattr(agency, "admin") else None
    if admin is None:
        from recordsportal.models import User

        admin = User.objects.create_superuser("quantri", "qt@example.org", "x-Strong-Pass-1")
    client = login(admin)
    url = reverse("admin:documents_trustroot_add")
    refused = client.post(url, {"name": "Hỏng", "is_active": "on",
                                "certificate": SimpleUploadedFile("hong.cer", b"not a certificate")})
    assert refused.status_code == 200 and "X.509" in refused.content.decode() and not TrustRoot.objects.exists()
    client.post(url, {"name": "Root CA Chính phủ", "is_active": "on",
                      "certificate": SimpleUploadedFile("root.cer", test_authority().root_der)})
    root = TrustRoot.objects.get()
    assert root.fingerprint == hashlib.sha256(test_authority().root_der).hexdigest() and root.not_after
    assert check_pdf(signed_pdf()).status == SignatureStatus.VERIFIED


def test_a_damaged_trust_root_is_skipped_and_a_signed_pdf_is_still_verified(trusted):
    # A root row that no longer parses (the matrix world once stored b"0") made every PDF check,
    # and so registering a document with a PDF, a 500.
    TrustRoot.objects.create(name="Hỏng", der=b"0", fingerprint="0" * 64, subject="Hỏng")
    assert check_pdf(signed_pdf()).status == SignatureStatus.VERIFIED


def test_signing_and_checking_work_where_an_event_loop_is_running(trusted):
    # pyHanko's synchronous API starts its own asyncio loop; in a thread with a running loop
    # (Playwright's sync API in the browser tests, an async server) it ran into
    # "asyncio.run() cannot be called from a running event loop".
    import asyncio

    from documents.signatures import trust_roots

    roots = trust_roots()  # read here: inside the loop Django would use another connection

    async def inside_a_loop():
        return check_pdf(signed_pdf(title="Cong van 16"), roots=roots)

    assert asyncio.run(inside_a_loop()).status == SignatureStatus.VERIFIED
