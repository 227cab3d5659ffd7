"""The administrator's trust roots for digital signatures (issue 14, 1c): upload a certificate
(PEM or DER) of the government CA; the portal reads its subject, fingerprint and validity."""

import hashlib

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import TrustRoot


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
