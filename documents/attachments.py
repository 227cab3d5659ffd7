"""Which files may be attached: the type is read from the content, never trusted from the name."""

import hashlib
import re
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

# The one XML the portal takes: an edXML package of the national document exchange
# (QCVN 102:2016/BTTTT), recognised by the namespace of its root element. Any other XML is
# refused — above all XHTML and SVG, which a browser runs scripts from.
EDXML_NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
# Namespaces whose elements a browser renders with scripts, refused anywhere in a package.
ACTIVE_NAMESPACES = ("http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg")
# WHATWG MIME Sniffing, "rules for identifying an unknown MIME type": content that starts (after
# whitespace) with one of these tags, followed by a space or ">", is treated as HTML by browsers.
HTML_SNIFF_TAGS = (b"<!DOCTYPE HTML", b"<HTML", b"<HEAD", b"<SCRIPT", b"<IFRAME", b"<H1", b"<DIV", b"<FONT",
                   b"<TABLE", b"<A", b"<STYLE", b"<TITLE", b"<B", b"<BODY", b"<BR", b"<P")
SNIFF_BYTES = 1445  # what browsers read to sniff (the spec's resource header is at most 1445 bytes)
# Markup that is never an edXML package, looked for in the first bytes whatever comes first.
MARKUP_SIGNS = re.compile(rb"<\s*(?:!doctype\s+html|html[\s>]|svg[\s>:]|script[\s>]|[a-z0-9_-]+:svg[\s>])|"
                          rb"<\?xml-stylesheet", re.IGNORECASE)


def _refuse(upload, message: str):
    return DomainError(message % {"name": getattr(upload, "name", "")}, field="file")


def sniffs_as_html(head: bytes) -> bool:
    """Whether a browser sniffing this content would take it for HTML (WHATWG MIME Sniffing §7.1,
    the HTML rows of the table: leading whitespace skipped, tag matched case-insensitively and
    ended by a space or ">"; `<!--` as well)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b"\t\n\x0c\r ")
    if text.startswith(b"<!--"):
        return True
    upper = text[:16].upper()
    return any(upper.startswith(tag) and upper[len(tag):len(tag) + 1] in (b" ", b">") for tag in HTML_SNIFF_TAGS)


def _check_edxml(upload) -> None:
    """Accept only a well-formed edXML package: no DTD or entities (defusedxml), root element in
    the edXML namespace, no XHTML or SVG element anywhere. Read as a stream, element by element,
    so a 50 MB package does not become a 500 MB tree."""
    upload.seek(0)
    try:
        root_seen = False
        for _event, element in ElementTree.iterparse(upload, events=("start",), forbid_dtd=True):
            namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
            if not root_seen:
                root_seen = True
                if namespace != EDXML_NAMESPACE:
                    raise _refuse(upload, _(
                        "Tệp “%(name)s” là tệp XML nhưng không phải gói văn bản điện tử edXML (QCVN 102:2016); "
                        "chỉ nhận tệp XML là gói edXML."))
            if namespace in ACTIVE_NAMESPACES:
                raise _refuse(upload, _(
                    "Tệp “%(name)s” chứa mã HTML hoặc SVG, có thể chạy trên trình duyệt; hệ thống không nhận."))
            element.clear()
    except DomainError:
        raise
    except Exception as exc:  # not well-formed, a DTD, an entity: never an edXML package
        raise _refuse(upload, _(
            "Tệp “%(name)s” không phải gói edXML hợp lệ (XML hỏng hoặc có khai báo DTD/thực thể).")) from exc
    finally:
        upload.seek(0)


def detect_type(upload) -> FileType:
    """The file's type from its first bytes (and its inner structure for Office files and XML),
    or a DomainError that says what is accepted. The name's extension plays no part: an HTML or
    SVG page renamed `.pdf` or `.png` is refused like any other."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
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
    # Everything else is text. A browser would run an HTML page, an XHTML or SVG document (inline
    # scripts, event handlers) or an XML with a stylesheet that turns it into HTML: never stored.
    if sniffs_as_html(head) or MARKUP_SIGNS.search(head):
        raise _refuse(upload, _(
            "Tệp “%(name)s” là trang HTML hoặc ảnh SVG (có thể chứa mã chạy trên trình duyệt); hệ thống không "
            "nhận loại tệp này, dù tên tệp có đuôi gì."))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        _check_edxml(upload)
        return XML
    raise _refuse(upload, _(
        "Tệp “%(name)s” không đúng định dạng cho phép (PDF, DOCX, XLSX, ảnh PNG/JPEG/TIFF, gói edXML)."))


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
