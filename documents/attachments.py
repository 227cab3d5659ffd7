"""Which files may be attached: the type is read from the content, never trusted from the name."""

import hashlib
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from recordsportal.services import DomainError

MAX_ATTACHMENT_BYTES = getattr(settings, "MAX_ATTACHMENT_BYTES", 50 * 1024 * 1024)


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
TIFF = FileType("tif", "image/tiff")
XML = FileType("xml", "application/xml")  # edXML packages exchanged between agencies


def detect_type(upload) -> FileType:
    """The file's type from its first bytes (and its inner structure for Office files and XML),
    or a DomainError that says what is accepted."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        try:
            ElementTree.parse(upload)  # defusedxml: entity expansion and external entities refused
            return XML
        except Exception:
            pass
        finally:
            upload.seek(0)
    raise DomainError(
        _("Tệp “%(name)s” không đúng định dạng cho phép (PDF, DOCX, XLSX, ảnh PNG/JPEG/TIFF, XML/edXML).")
        % {"name": getattr(upload, "name", "")},
        field="file",
    )


def check_size(upload) -> None:
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            _("Tệp “%(name)s” quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024, "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
            field="file",
        )


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()
