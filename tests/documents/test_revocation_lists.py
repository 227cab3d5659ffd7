"""Issue 14, "an expired or revoked signer certificate is shown, not hidden": the intranet cannot
fetch revocation lists, so the administrator uploads the CA's CRLs beside the trust roots
(documents/admin.py) and the signature check reads them offline (documents/signatures.py). A
signature whose signer one of them lists is "revoked", distinctly. The CA and its CRLs are the
tests' own (documents/test_ca.py)."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.choices import Form, Kind
from documents.models import RevocationList, TrustRoot
from documents.signatures import SignatureStatus, check_pdf
from documents.test_ca import make_authority
from tests.conftest import signed_pdf, test_authority

pytestmark = pytest.mark.django_db

REVOKED_SIGNER = "Lê Văn Đã Thu Hồi"  # a name of its own: the tests' CA keeps one certificate per name


@pytest.fixture
def trusted():
    der = test_authority().root_der
    return TrustRoot.objects.create(name="CA thử nghiệm", der=der, fingerprint=hashlib.sha256(der).hexdigest(),
                                    subject="CA thử nghiệm")


def uploaded(crl: bytes, name="CRL CA thử nghiệm") -> RevocationList:
    return RevocationList.objects.create(name=name, der=crl, fingerprint=hashlib.sha256(crl).hexdigest())


@pytest.fixture
def admin_client(login):
    from recordsportal.models import User

    return login(User.objects.create_superuser("quantri", "qt@example.org", "x-Strong-Pass-1"))


def test_a_signer_the_uploaded_revocation_list_lists_is_shown_revoked(trusted):
    data = signed_pdf(signer=REVOKED_SIGNER)
    assert check_pdf(data).status == SignatureStatus.VERIFIED  # before the list is uploaded: revocation unknown
    uploaded(test_authority().revocation_list(test_authority().signer_serial(data)))
    check = check_pdf(data)
    assert (check.status, check.signer_name) == (SignatureStatus.REVOKED, REVOKED_SIGNER)
    assert "đã bị thu hồi" in check.note and check.is_signed  # shown; still a signed file, not "unsigned"


def test_a_signer_the_list_does_not_name_is_verified_with_revocation_checked(trusted):
    uploaded(test_authority().revocation_list(test_authority().signer_serial(signed_pdf(signer=REVOKED_SIGNER))))
    check = check_pdf(signed_pdf(signer="Trần Đình Hải"))
    assert check.status == SignatureStatus.VERIFIED
    assert "không có trong danh sách thu hồi" in check.note and "không rõ" not in check.note


def test_an_inactive_list_or_another_cas_list_is_not_used(trusted):
    data = signed_pdf(signer=REVOKED_SIGNER)
    serial = test_authority().signer_serial(data)
    uploaded(test_authority().revocation_list(serial))
    RevocationList.objects.update(is_active=False)
    assert check_pdf(data).status == SignatureStatus.VERIFIED
    other = make_authority("CA khác")
    uploaded(other.revocation_list(serial), name="CRL CA khác")  # the same serial, another issuer
    check = check_pdf(data)
    assert check.status == SignatureStatus.VERIFIED and "không rõ" in check.note


def test_a_damaged_list_row_is_skipped_not_a_failure(trusted):
    uploaded(b"0", name="Hỏng")
    assert check_pdf(signed_pdf()).status == SignatureStatus.VERIFIED


def test_revocation_is_never_fetched(trusted, monkeypatch):
    # Offline: pyHanko's fetchers are never asked, whatever the list says.
    from pyhanko_certvalidator.fetchers.requests_fetchers import crl_client, ocsp_client

    def refuse(*args, **kwargs):
        raise AssertionError("a revocation fetch was attempted")

    monkeypatch.setattr(crl_client.RequestsCRLFetcher, "fetch", refuse)
    monkeypatch.setattr(ocsp_client.RequestsOCSPFetcher, "fetch", refuse)
    data = signed_pdf(signer=REVOKED_SIGNER)
    uploaded(test_authority().revocation_list(test_authority().signer_serial(data)))
    assert check_pdf(data).status == SignatureStatus.REVOKED


def test_the_administrator_uploads_a_revocation_list_checked_against_the_trust_roots(trusted, admin_client):
    url = reverse("admin:documents_revocationlist_add")
    refused = admin_client.post(url, {"name": "Hỏng", "is_active": "on",
                                      "crl_file": SimpleUploadedFile("hong.crl", b"not a list")})
    assert refused.status_code == 200 and "CRL" in refused.content.decode() and not RevocationList.objects.exists()
    stranger = make_authority("CA lạ")
    refused = admin_client.post(url, {"name": "CA lạ", "is_active": "on",
                                      "crl_file": SimpleUploadedFile("la.crl", stranger.revocation_list(7))})
    assert "Chưa có chứng thư gốc tin cậy của CA ban hành" in refused.content.decode()
    assert not RevocationList.objects.exists()

    data = signed_pdf(signer=REVOKED_SIGNER)
    crl = test_authority().revocation_list(test_authority().signer_serial(data), 12345)
    pem = b"-----BEGIN X509 CRL-----\n" + __import__("base64").encodebytes(crl) + b"-----END X509 CRL-----\n"
    response = admin_client.post(url, {"name": "CRL tháng 12", "is_active": "on",
                                       "crl_file": SimpleUploadedFile("ca.crl", pem)})
    assert response.status_code == 302
    stored = RevocationList.objects.get()
    assert (stored.revoked_count, stored.fingerprint) == (2, hashlib.sha256(crl).hexdigest())
    assert stored.this_update < datetime.datetime.now(datetime.timezone.utc) < stored.next_update
    assert check_pdf(data).status == SignatureStatus.REVOKED
    listing = admin_client.get(reverse("admin:documents_revocationlist_changelist")).content.decode()
    assert "CRL tháng 12" in listing


def test_a_document_signed_by_a_revoked_signer_shows_revoked_on_its_page(agency, login, trusted, media):
    data = signed_pdf(signer=REVOKED_SIGNER)
    uploaded(test_authority().revocation_list(test_authority().signer_serial(data)))
    document = services.outgoing_issue(
        acting_user=agency.clerk, kind=Kind.OFFICIAL_LETTER, summary="V/v báo cáo quý I", department=agency.dept_a,
        signer=REVOKED_SIGNER, issue_date=datetime.date(2026, 3, 10),
        attachments=[SimpleUploadedFile("qd.pdf", data, content_type="application/pdf")])
    attachment = document.attachments.get()
    assert attachment.signature_status == SignatureStatus.REVOKED and "đã bị thu hồi" in attachment.signature_note
    # The signature is intact and covers the file: the document is issued electronically, and
    # its page says, in red and apart from "verified", that the signer's certificate was revoked.
    assert document.form == Form.ELECTRONIC
    page = login(agency.clerk).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'data-testid="signature-revoked"' in page and 'data-testid="signature-verified"' not in page
    assert "chứng thư người ký đã bị thu hồi" in page and "text-danger" in page.split('data-testid="signature-revoked"')[1][:40]
    assert "chứng thư số của người ký đã bị thu hồi" in page  # the form's reason says it too
