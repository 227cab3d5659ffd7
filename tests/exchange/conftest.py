"""Packages for the exchange tests: built with the portal's own writer (a sender agency's view),
or written by hand where a test needs a package no honest sender would build."""

import base64
import datetime
import io

import pytest

AGENCY_CODE = "000.00.31.H09"  # the portal's agency (the receiver in most tests)
SENDER_CODE = "000.00.00.H42"  # Ủy ban nhân dân tỉnh
NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EDXML_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.EDXML_INBOX_DIR = str(tmp_path / "inbox")
    return tmp_path


@pytest.fixture
def exchange(agency, media):
    """The agency with its identifier code, and the sender in the directory."""
    from exchange.models import Organisation
    from recordsportal.models import Agency

    row = Agency.load()
    row.identifier_code, row.name, row.abbreviation = AGENCY_CODE, "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh", "BQL"
    row.place_name = "Hà Tĩnh"
    row.save()
    Organisation.objects.create(code=SENDER_CODE, name="Ủy ban nhân dân tỉnh Hà Tĩnh")
    return agency


def package_bytes(*, number="125", notation="UBND-KT", date=datetime.date(2026, 3, 2), to=AGENCY_CODE,
                  sender=SENDER_CODE, sender_name="UBND tỉnh Hà Tĩnh", subject="Về việc triển khai Quyết định 28",
                  files=None, priority="0", document_id=None, type_name="Công văn", due=None) -> bytes:
    """A document package as another agency's system would send it."""
    from exchange import edxml

    files = [("cong-van-125.pdf", "application/pdf", PDF)] if files is None else files
    out = io.BytesIO()
    edxml.write_document_package(
        out, sender=edxml.Party(code=sender, name=sender_name), recipient=edxml.Party(code=to, name="BQL KKT"),
        document_id=document_id or f"{sender},{date:%Y/%m/%d},{number}/{notation}", code_number=number,
        code_notation=notation, place="Hà Tĩnh", promulgation_date=date, type_name=type_name, subject=subject,
        signer_name="Nguyễn Văn Ký", due_date=due, priority=priority,
        timestamp=datetime.datetime(2026, 3, 2, 9, 0),
        files=[edxml.OutgoingFile(name=n, content_type=t, open=lambda c=c: io.BytesIO(c)) for n, t, c in files])
    return out.getvalue()


def hand_package(header: str = None, manifest: str = None, attachments: str = None, *, root=None,
                 prolog: str = "") -> bytes:
    """A package written by hand: any of its parts replaced."""
    header = header if header is not None else (
        f"<From><OrganId>{SENDER_CODE}</OrganId><OrganName>UBND tỉnh</OrganName></From>"
        f"<To><OrganId>{AGENCY_CODE}</OrganId><OrganName>BQL</OrganName></To>"
        "<DocumentId>x,2026/03/02,125/UBND-KT</DocumentId>"
        "<Code><CodeNumber>125</CodeNumber><CodeNotation>UBND-KT</CodeNotation></Code>"
        "<PromulgationInfo><Place>Hà Tĩnh</Place><PromulgationDate>2026/03/02</PromulgationDate></PromulgationInfo>"
        "<Subject>Về việc thử</Subject>")
    encoded = base64.b64encode(PDF).decode()
    manifest = manifest if manifest is not None else (
        "<Reference><ContentId>cid:1</ContentId><ContentType>application/pdf</ContentType>"
        "<AttachmentName>a.pdf</AttachmentName></Reference>")
    attachments = attachments if attachments is not None else (
        f"<Attachment><ContentId>1</ContentId><ContentTransferEncoded>{encoded}</ContentTransferEncoded></Attachment>")
    root = root or f'<edXML xmlns="{NS}">'
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}{root}<edXMLEnvelope><edXMLHeader><MessageHeader>{header}'
            f"</MessageHeader></edXMLHeader><edXMLBody><edXMLManifest>{manifest}</edXMLManifest></edXMLBody>"
            f"</edXMLEnvelope><AttachmentEncoded>{attachments}</AttachmentEncoded></edXML>").encode()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(root) -> list:
    return sorted(p for p in (root / "media").rglob("*") if p.is_file()) if (root / "media").exists() else []


def outbox_files(root) -> list:
    folder = root / "outbox"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
