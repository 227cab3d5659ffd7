"""The digital signature of an issued PDF (issue 14, 1c): an outgoing or internal document is
electronic only when its issued file is a digitally signed PDF (Decree 30/2020, Appendix I).

Read with pyHanko and validated against the trust roots the administrator uploads (the
government CA's certificates, `TrustRoot`), offline: the intranet has no internet, so OCSP and
CRL are never fetched. Revocation is read from the revocation lists the administrator uploads
beside the trust roots (`RevocationList`, the CRLs the CA publishes) and from those the file
itself carries (its DSS); with neither it is "unknown". The result says separately whether the
signature is intact and covers the file, whether the signer's certificate leads to a trust root,
whether it had expired, and whether it was revoked (a status of its own); a damaged or unsigned
file is reported as such, never raised.
"""

import datetime
import io
import logging
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


class SignatureStatus(models.TextChoices):
    VERIFIED = "verified", gettext_lazy("Đã ký số, xác thực được người ký")
    SIGNED_UNVERIFIED = "signed", gettext_lazy("Đã ký số, chưa xác thực được người ký")
    REVOKED = "revoked", gettext_lazy("Đã ký số, chứng thư người ký đã bị thu hồi")
    UNSIGNED = "unsigned", gettext_lazy("Không có chữ ký số")
    INVALID = "invalid", gettext_lazy("Chữ ký số không hợp lệ")


# The statuses that evidence an electronic issued document: a signature that is intact and
# covers the whole file. Whether the signer is verified, or known revoked, is shown beside it,
# distinctly (a revoked signer is a signer not verified, as before revocation lists were read).
SIGNED = (SignatureStatus.VERIFIED, SignatureStatus.SIGNED_UNVERIFIED, SignatureStatus.REVOKED)


@dataclass(frozen=True)
class SignatureCheck:
    status: str
    signer_name: str = ""
    signed_at: datetime.datetime | None = None
    note: str = ""

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED


def trust_roots() -> list:
    """The administrator's active trust roots, as asn1crypto certificates."""
    from asn1crypto import x509

    from .models import TrustRoot

    roots = []
    for pk, der in TrustRoot.objects.filter(is_active=True).values_list("pk", "der"):
        try:
            certificate = x509.Certificate.load(bytes(der))
            certificate.native  # noqa: B018 — asn1crypto parses lazily: a damaged root fails here, not mid-check
        except ValueError:
            # The admin upload refuses non-certificates; a row damaged later must not stop every
            # PDF from being registered: it is skipped and named in the log.
            logger.warning("trust root %s is not a readable certificate; skipped", pk)
            continue
        roots.append(certificate)
    return roots


def revocation_lists() -> list:
    """The administrator's active revocation lists (CRLs), as asn1crypto certificate lists."""
    from asn1crypto import crl

    from .models import RevocationList

    lists = []
    for pk, der in RevocationList.objects.filter(is_active=True).values_list("pk", "der"):
        try:
            loaded = crl.CertificateList.load(bytes(der))
            loaded.native  # noqa: B018 — parse it all now: a damaged row fails here, not mid-check
        except ValueError:
            logger.warning("revocation list %s is not a readable CRL; skipped", pk)
            continue
        lists.append(loaded)
    return lists


def run_outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs its own asyncio loop, which fails in a thread where a loop
    is already running (an async server, or a test driving a browser through Playwright's sync
    API). There it runs in a short-lived thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _signer_name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or cert.subject.human_friendly


def check_pdf(data: bytes, roots=None, crls=None) -> SignatureCheck:
    """The signature status of a PDF's bytes. Never raises for a bad file. The trust data is the
    administrator's (trust roots and revocation lists) unless the caller gives it: `roots`, and
    `crls` (none when only `roots` is given: a caller inside an event loop cannot read them)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if roots is None:
        roots, crls = trust_roots(), revocation_lists() if crls is None else crls
    crls = crls or []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — a damaged file is a status, not an error
        logger.info("PDF unreadable for signature check", exc_info=True)
        return SignatureCheck(SignatureStatus.INVALID, note=_("Tệp PDF bị hỏng, không đọc được chữ ký."))
    if not signatures:
        return SignatureCheck(SignatureStatus.UNSIGNED, note=_("Tệp PDF không có chữ ký số."))
    signature = signatures[0]  # the competent signer's; the agency's follows it

    def validate():
        # The context is made where it is used: it holds asyncio state tied to its thread's loop.
        # Nothing is fetched; the administrator's revocation lists and the revocation data the
        # file carries (its DSS: CRLs, OCSP responses and certificates, as a PAdES-LT signer
        # embeds them) are used, so a signer either shows revoked is reported revoked.
        # pyHanko consults revocation data only for a certificate naming where to find it unless
        # asked to require it: the data is checked that way first. Revoked: that is the answer;
        # valid: the signer's revocation was checked; neither (no list covers the signer, or a
        # list is out of date): the check is made again without requiring it (revocation unknown).
        options = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "soft-fail", "crls": crls}
        required = {**options, "revocation_mode": "require"}
        embedded = _embedded_revocation_context(reader, required)
        if embedded is not None or crls:
            status = validate_pdf_signature(signature, embedded or ValidationContext(**required))
            if status.revoked or (status.intact and status.valid and status.trusted):
                return status, True
        return validate_pdf_signature(signature, _embedded_revocation_context(reader, options)
                                      or ValidationContext(**options)), False

    try:
        status, revocation_checked = run_outside_event_loop(validate)
    except Exception:  # noqa: BLE001 — a corrupted signature is a status
        logger.info("PDF signature could not be validated", exc_info=True)
        return SignatureCheck(SignatureStatus.INVALID, note=_("Chữ ký số bị hỏng, không kiểm tra được."))
    cert = status.signing_cert
    name = _signer_name(cert) if cert is not None else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return SignatureCheck(SignatureStatus.INVALID, name, signed_at,
                              _("Chữ ký số không khớp nội dung: tệp đã bị sửa sau khi ký hoặc chữ ký bị hỏng."))
    if not status.docmdp_ok or _modified_after_signing(status):
        return SignatureCheck(SignatureStatus.INVALID, name, signed_at, _("Nội dung tệp đã bị sửa sau khi ký."))
    notes = []
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native if cert is not None else None
    if not_after and not_after < (signed_at or timezone.now()):
        notes.append(_("Chứng thư số của người ký đã hết hạn ngày %(date)s.") % {"date": not_after.strftime("%d/%m/%Y")})
    elif not_after and not_after < timezone.now():
        notes.append(_("Chứng thư số của người ký hết hạn ngày %(date)s (sau khi ký).") % {
            "date": not_after.strftime("%d/%m/%Y")})
    if status.revoked:
        notes.append(_("Chứng thư số của người ký đã bị thu hồi."))
        return SignatureCheck(SignatureStatus.REVOKED, name, signed_at, " ".join(notes))
    if revocation_checked:
        notes.append(_("Chứng thư số của người ký không có trong danh sách thu hồi (CRL) đang dùng."))
    else:
        notes.append(_("Tình trạng thu hồi: không rõ (mạng nội bộ không tra cứu OCSP/CRL; chưa có danh sách "
                       "thu hồi nào của CA này do quản trị viên tải lên)."))
    if status.trusted:
        return SignatureCheck(SignatureStatus.VERIFIED, name, signed_at, " ".join(notes))
    if not roots:
        notes.insert(0, _("Chưa có chứng thư gốc tin cậy nào do quản trị viên tải lên."))
    else:
        notes.insert(0, _("Chứng thư số của người ký không dẫn tới chứng thư gốc tin cậy hoặc không còn hiệu lực."))
    return SignatureCheck(SignatureStatus.SIGNED_UNVERIFIED, name, signed_at, " ".join(notes))


def _embedded_revocation_context(reader, options):
    """A validation context holding the revocation data of the file's DSS, or None when it has
    none or it cannot be read (then the check goes on without it: revocation "unknown")."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    except NoDSSFoundError:
        return None
    except Exception:  # noqa: BLE001 — damaged revocation data is no reason to refuse the file
        logger.info("PDF revocation data (DSS) unreadable; checked without it", exc_info=True)
        return None


def _modified_after_signing(status) -> bool:
    """Whether something other than further signatures was added after signing (pyHanko's
    difference analysis): a signature that does not cover the whole file is acceptable only
    when what follows is signature-related."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    return status.modification_level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES,
                                             ModificationLevel.FORM_FILLING)


def check_upload(upload) -> SignatureCheck:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return check_pdf(data)
