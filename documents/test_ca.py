"""A throw-away certificate authority and pyHanko signer, for the tests and the demo data only:
no real key is needed to produce digitally signed PDFs (issue 14, 1c). Never used to validate."""

import datetime
import io
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .signatures import run_outside_event_loop


@dataclass
class TestAuthority:
    root_der: bytes
    root_key: object
    root_cert: object

    def issue(self, name: str, *, not_before=None, not_after=None):
        """A signer certificate and key for `name` (non-repudiation, as pyHanko demands)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(self.root_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(not_before or now - datetime.timedelta(days=30))
                .not_valid_after(not_after or now + datetime.timedelta(days=365))
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .sign(self.root_key, hashes.SHA256()))
        return cert, key

    def sign(self, pdf: bytes, name: str = "Trần Đình Hải", **validity) -> bytes:
        """`pdf` signed by a certificate this authority issues to `name`."""
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        cached = self.__dict__.setdefault("_signers", {}).get(name) if not validity else None
        if cached is not None:
            return run_outside_event_loop(
                signers.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
                signers.PdfSignatureMetadata(field_name="ChuKySo"), signer=cached).getvalue()
        cert, key = self.issue(name, **validity)
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(self.root_der)]))
        if not validity:
            self._signers[name] = signer
        out = run_outside_event_loop(signers.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
                                     signers.PdfSignatureMetadata(field_name="ChuKySo"), signer=signer)
        return out.getvalue()


    def revocation_list(self, *serials, next_update=None) -> bytes:
        """This authority's CRL (DER) listing the certificates of `serials` (None: left out) as
        revoked yesterday, published an hour ago, next due in a week unless `next_update`."""
        now = datetime.datetime.now(datetime.timezone.utc)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.root_cert.subject)
                   .last_update(now - datetime.timedelta(hours=1))
                   .next_update(next_update or now + datetime.timedelta(days=7)))
        for serial in serials:
            if serial is not None:
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder().serial_number(serial)
                    .revocation_date(now - datetime.timedelta(days=1)).build())
        return builder.sign(self.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    @staticmethod
    def signer_serial(signed: bytes) -> int:
        """The serial number of the certificate that signed the PDF `signed`."""
        from pyhanko.pdf_utils.reader import PdfFileReader

        return PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[0].signer_cert.serial_number

    def with_revocation_list(self, signed: bytes, *, revoked: bool = True) -> bytes:
        """`signed` with this authority's CRL in its DSS (as a PAdES-LT signer embeds it), listing
        the file's signer as revoked yesterday, or listing no one."""
        from asn1crypto import crl as asn1_crl
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        signature = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[0]
        crl = self.revocation_list(signature.signer_cert.serial_number if revoked else None)
        out = io.BytesIO(signed)
        DocumentSecurityStore.add_dss(out, signature.pkcs7_content, crls=[asn1_crl.CertificateList.load(crl)])
        return out.getvalue()


def make_authority(name: str = "CA thử nghiệm") -> TestAuthority:
    now = datetime.datetime.now(datetime.timezone.utc)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=3650)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return TestAuthority(cert.public_bytes(serialization.Encoding.DER), key, cert)
