"""The administrator's trust roots for digital signatures (issue 14, 1c): upload a certificate
(PEM or DER) of the government CA; the portal reads its subject, fingerprint and validity. Beside
them, the CA's certificate revocation lists (CRLs, PEM or DER): the intranet cannot fetch them, so
the administrator brings them in; each is checked against the trust root of the CA that signed it."""

import hashlib

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RevocationList, TrustRoot


def load_certificate(data: bytes):
    """An asn1crypto certificate from PEM or DER bytes; ValidationError when it is neither."""
    from asn1crypto import pem, x509

    try:
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        certificate = x509.Certificate.load(data)
        certificate.native  # noqa: B018 — parse it all now: a damaged file fails here, not later
    except Exception as error:  # noqa: BLE001 — any parse failure is the same answer
        raise forms.ValidationError(_("Tệp không phải chứng thư số X.509 (PEM hoặc DER).")) from error
    return certificate


class TrustRootForm(forms.ModelForm):
    certificate = forms.FileField(label=_("Tệp chứng thư (.cer, .crt, .pem)"), required=False)

    class Meta:
        model = TrustRoot
        fields = ["name", "is_active"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("certificate")
        if upload is None and not self.instance.pk:
            self.add_error("certificate", _("Chọn tệp chứng thư."))
        elif upload is not None:
            if upload.size > 1024 * 1024:
                self.add_error("certificate", _("Tệp chứng thư quá lớn."))
                return cleaned
            try:
                certificate = load_certificate(upload.read())
            except forms.ValidationError as error:
                self.add_error("certificate", error)
                return cleaned
            der = certificate.dump()
            fingerprint = hashlib.sha256(der).hexdigest()
            if TrustRoot.objects.filter(fingerprint=fingerprint).exclude(pk=self.instance.pk).exists():
                self.add_error("certificate", _("Chứng thư này đã có trong danh sách."))
            self.instance.der = der
            self.instance.fingerprint = fingerprint
            self.instance.subject = certificate.subject.human_friendly[:500]
            self.instance.not_after = certificate["tbs_certificate"]["validity"]["not_after"].native
        return cleaned


@admin.register(TrustRoot)
class TrustRootAdmin(admin.ModelAdmin):
    form = TrustRootForm
    list_display = ["name", "subject", "not_after", "is_active"]
    readonly_fields = ["subject", "fingerprint", "not_after", "created_at"]


def load_revocation_list(data: bytes):
    """An asn1crypto certificate list from PEM or DER bytes; ValidationError when it is neither."""
    from asn1crypto import crl, pem

    try:
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        loaded = crl.CertificateList.load(data)
        loaded.native  # noqa: B018 — parse it all now: a damaged file fails here, not later
    except Exception as error:  # noqa: BLE001 — any parse failure is the same answer
        raise forms.ValidationError(_("Tệp không phải danh sách chứng thư bị thu hồi (CRL, PEM hoặc DER).")) from error
    return loaded


def revocation_list_problem(der: bytes, issuer) -> str | None:
    """Why a CRL cannot be used: it must be signed by the key of an active trust root whose
    subject is the list's issuer (the validation would silently ignore any other)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509

    parsed = x509.load_der_x509_crl(der)
    candidates = []
    for root_der in TrustRoot.objects.filter(is_active=True).values_list("der", flat=True):
        try:
            if asn1_x509.Certificate.load(bytes(root_der)).subject == issuer:
                candidates.append(bytes(root_der))
        except ValueError:
            continue  # a damaged root row (documents/signatures.py trust_roots skips it too)
    if not candidates:
        return _("Chưa có chứng thư gốc tin cậy của CA ban hành danh sách này (%(issuer)s): tải chứng thư của CA "
                 "lên mục “Chứng thư gốc tin cậy” trước.") % {"issuer": issuer.human_friendly}
    for root_der in candidates:
        try:
            if parsed.is_signature_valid(x509.load_der_x509_certificate(root_der).public_key()):
                return None
        except (ValueError, TypeError):
            continue
    return _("Chữ ký của danh sách thu hồi không khớp chứng thư gốc của CA ban hành (tệp bị sửa hoặc không đúng CA).")


class RevocationListForm(forms.ModelForm):
    crl_file = forms.FileField(label=_("Tệp danh sách thu hồi (.crl, .pem)"), required=False)

    class Meta:
        model = RevocationList
        fields = ["name", "is_active"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("crl_file")
        if upload is None and not self.instance.pk:
            self.add_error("crl_file", _("Chọn tệp danh sách thu hồi."))
        elif upload is not None:
            if upload.size > 20 * 1024 * 1024:
                self.add_error("crl_file", _("Tệp danh sách thu hồi quá lớn."))
                return cleaned
            try:
                loaded = load_revocation_list(upload.read())
            except forms.ValidationError as error:
                self.add_error("crl_file", error)
                return cleaned
            der = loaded.dump()
            tbs = loaded["tbs_cert_list"]
            problem = revocation_list_problem(der, tbs["issuer"])
            if problem:
                self.add_error("crl_file", problem)
                return cleaned
            fingerprint = hashlib.sha256(der).hexdigest()
            if RevocationList.objects.filter(fingerprint=fingerprint).exclude(pk=self.instance.pk).exists():
                self.add_error("crl_file", _("Danh sách thu hồi này đã có."))
            self.instance.der = der
            self.instance.fingerprint = fingerprint
            self.instance.issuer = tbs["issuer"].human_friendly[:500]
            self.instance.this_update = tbs["this_update"].native
            self.instance.next_update = tbs["next_update"].native
            self.instance.revoked_count = len(tbs["revoked_certificates"])
        return cleaned


@admin.register(RevocationList)
class RevocationListAdmin(admin.ModelAdmin):
    form = RevocationListForm
    list_display = ["name", "issuer", "this_update", "next_update", "revoked_count", "is_active"]
    readonly_fields = ["issuer", "fingerprint", "this_update", "next_update", "revoked_count", "created_at"]
