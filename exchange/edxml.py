"""Read and write edXML packages (QCVN 102:2016/BTTTT), safely and within bounds.

Reading is a stream: the package is fed to a SAX parser (defusedxml's expat reader: a DTD, an
entity or an external reference refuses the package) in 64 KB pieces, the bytes read are counted
against the package cap whether or not the size was known beforehand, and each attachment's
base64 text is decoded piece by piece into a temporary file — its decoded size is checked
*before* each piece is decoded, so a package that claims a 2 GB file is refused after the cap,
not after 2 GB. Metadata texts are capped too. Every decoded file then goes through the portal's
own attachment checks (`documents.attachments.check_size` and `detect_type`: the type is read
from the content) and must match the ContentType the package declares.

A refusal is a `PackageError` whose Vietnamese message names the element at fault; nothing is
saved by this module (the services save only once a package has been read whole).

The element names, codes and formats come from `schema.py` (which says where each came from).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, ErrorHandler, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser
from django.core.files import File
from django.utils.translation import gettext as _

from documents.attachments import XML, check_size, detect_type
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from . import conf
from . import schema as S

READ_CHUNK = 64 * 1024
MAX_TEXT = 64 * 1024  # one metadata element (Content may be a long text, not a file)
MAX_ELEMENTS = 20_000
MAX_DEPTH = 24
MAX_RECIPIENTS = 500
ENCODE_CHUNK = 3 * 64 * 1024  # a multiple of 3: base64 pieces join without padding inside
_WHITESPACE = re.compile(r"\s+")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PackageError(DomainError):
    """The package is refused; the message says which element and why."""

    def __init__(self, message):
        super().__init__(message, field="file")


# --- what a package holds ------------------------------------------------------------------------------


@dataclass
class Party:
    code: str = ""
    name: str = ""
    in_charge: str = ""


@dataclass
class PackageFile:
    content_id: str
    name: str  # a plain file name: no folder, no control character
    content_type: str  # as detected from the content
    size: int
    sha256: str
    file: File  # at position 0; closed with the package

    def meta(self) -> dict:
        return {"content_id": self.content_id, "name": self.name, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256}


@dataclass
class DocumentPackage:
    sender: Party
    recipients: list[Party]
    document_id: str = ""
    code_number: str = ""
    code_notation: str = ""
    place: str = ""
    promulgation_date: datetime.date | None = None
    type: str = ""
    type_detail: str = ""
    type_name: str = ""
    subject: str = ""
    content: str = ""
    signer_name: str = ""
    signer_position: str = ""
    signer_competence: str = ""
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: str = ""
    sphere: str = ""
    steering_type: str = ""
    response_for: str = ""
    attachments: list[PackageFile] = field(default_factory=list)

    kind = "document"

    @property
    def number_symbol(self) -> str:
        """`125/UBND-KT` from CodeNumber 125 and CodeNotation UBND-KT."""
        if self.code_notation and self.code_number:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def urgency(self) -> str:
        return S.URGENCY_BY_PRIORITY.get(self.priority, "normal")

    def close(self) -> None:
        for attachment in self.attachments:
            attachment.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class StatusPackage:
    response_organ_id: str = ""
    response_code: str = ""
    response_date: str = ""
    response_document_id: str = ""
    from_code: str = ""
    from_name: str = ""
    status_code: str = ""
    description: str = ""
    timestamp: str = ""
    department: str = ""
    staff: str = ""

    kind = "status"

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


# --- names and texts -------------------------------------------------------------------------------------


def safe_file_name(name: str, fallback: str) -> str:
    """A file name to show and to offer on download — never used on disk. The last part of any
    path (`../../etc/passwd.pdf`, `C:\\x\\y.pdf`), without control characters, leading dots or a
    drive colon; `fallback` when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").replace(":", "_")
    name = " ".join(name.split()).lstrip(". ")
    return name[:150] or fallback


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", normalize_text(text))


def parse_date(value: str, element: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in S.DATE_FORMATS_READ:
        try:
            return datetime.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    raise PackageError(_("Phần tử <%(element)s> có giá trị “%(value)s” không phải ngày hợp lệ (YYYY/MM/DD).")
                       % {"element": element, "value": value[:40]})


# --- reading ---------------------------------------------------------------------------------------------


class _Base64Sink:
    """Decodes base64 text arriving in pieces into a temporary file, refusing past `limit` bytes
    before decoding the piece that would cross it."""

    def __init__(self, limit: int, label: str):
        self.file = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        self.limit = limit
        self.label = label
        self.pending = ""
        self.decoded = 0
        self.finished = False
        self.digest = hashlib.sha256()

    def _too_large(self) -> PackageError:
        return PackageError(_("Tệp đính kèm %(label)s trong <ContentTransferEncoded> vượt quá %(limit)d MB sau khi giải "
                              "mã; hệ thống không giải mã tiếp.") % {"label": self.label,
                                                                     "limit": self.limit // 1024 // 1024})

    def _invalid(self) -> PackageError:
        return PackageError(_("Tệp đính kèm %(label)s: <ContentTransferEncoded> không phải dữ liệu base64 hợp lệ.")
                            % {"label": self.label})

    def write(self, text: str) -> None:
        data = self.pending + _WHITESPACE.sub("", text)
        usable = len(data) - len(data) % 4
        chunk, self.pending = data[:usable], data[usable:]
        if not chunk:
            return
        if self.finished:
            raise self._invalid()  # data after the padding
        # The decoded size, checked before decoding: 3 bytes per 4 characters, less the padding.
        if self.decoded + usable // 4 * 3 - chunk[-2:].count("=") > self.limit:
            raise self._too_large()
        try:
            raw = base64.b64decode(chunk, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self._invalid() from exc
        if "=" in chunk:
            self.finished = True
        self.decoded += len(raw)
        self.digest.update(raw)
        self.file.write(raw)

    def finish(self) -> None:
        if self.pending:
            raise self._invalid()
        self.file.seek(0)


class _Reader(ContentHandler):
    """The SAX handler: keeps the path, captures the texts the portal reads, streams the files."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.elements = 0
        self.kind: str | None = None
        self.fields: dict[str, str] = {}
        self.to_places: list[str] = []
        self.sender: Party | None = None
        self.recipients: list[Party] = []
        self.party: Party | None = None
        self.references: dict[str, dict] = {}
        self.reference: dict | None = None
        self.attachments: list[PackageFile] = []
        self.attachment: dict | None = None
        self.sink: _Base64Sink | None = None
        self.capture: str | None = None
        self.text: list[str] = []
        self.text_length = 0
        self.seen: set[tuple] = set()
        self.max_attachments = conf.max_attachments()
        self.max_attachment_bytes = conf.max_attachment_bytes()

    # -- where we are

    def _under(self, *prefix) -> tuple | None:
        """The path below `prefix` when the current path starts with it."""
        if tuple(self.stack[: len(prefix)]) == prefix:
            return tuple(self.stack[len(prefix):])
        return None

    def _in_signature(self) -> bool:
        return S.SIGNATURE in self.stack

    # -- SAX callbacks

    def startElementNS(self, name, qname, attrs):
        uri, local = name
        self.elements += 1
        if self.elements > MAX_ELEMENTS or len(self.stack) >= MAX_DEPTH:
            raise PackageError(_("Gói có cấu trúc bất thường (quá nhiều hoặc quá sâu các phần tử XML); hệ thống từ chối."))
        if not self.stack:
            if local != S.ROOT:
                raise PackageError(_("Phần tử gốc của gói phải là <%(root)s>, gói này có <%(found)s>.")
                                   % {"root": S.ROOT, "found": local})
            if uri != S.NAMESPACE:
                raise PackageError(_("Phần tử gốc <%(root)s> phải thuộc không gian tên %(ns)s (QCVN 102:2016); gói "
                                     "này dùng “%(found)s”.") % {"root": S.ROOT, "ns": S.NAMESPACE,
                                                                 "found": uri or _("không có không gian tên")})
        elif uri != S.NAMESPACE and not self._in_signature():
            optional = (not uri and local in S.NAMESPACE_OPTIONAL
                        and (self.stack[1:2] == [S.ATTACHMENT_ENCODED] or self.stack == [S.ROOT]))
            if not optional:
                raise PackageError(_("Phần tử <%(element)s> (trong <%(parent)s>) không thuộc không gian tên edXML "
                                     "%(ns)s.") % {"element": local, "parent": self.stack[-1], "ns": S.NAMESPACE})
        self.stack.append(local)
        self._open(local)

    def _open(self, local):
        message = self._under(S.ROOT, S.ENVELOPE, S.HEADER, S.MESSAGE_HEADER)
        status = self._under(S.ROOT, S.ENVELOPE, S.HEADER, S.STATUS)
        if message is not None:
            self.kind = self.kind or "document"
            self.seen.add(message)
            if message in ((S.FROM,), (S.TO,)):
                self.party = Party()
                if message == (S.TO,) and len(self.recipients) >= MAX_RECIPIENTS:
                    raise PackageError(_("Gói có quá nhiều nơi nhận <To>."))
            elif len(message) == 2 and message[0] in (S.FROM, S.TO) and local in S.PARTY_FIELDS:
                self._start_capture(S.PARTY_FIELDS[local])
            elif message in S.HEADER_FIELDS:
                self._start_capture(S.HEADER_FIELDS[message])
            return
        if status is not None:
            self.kind = self.kind or "status"
            self.seen.add(status)
            if status in S.STATUS_FIELDS:
                self._start_capture(S.STATUS_FIELDS[status])
            return
        manifest = self._under(S.ROOT, S.ENVELOPE, S.BODY, S.MANIFEST)
        if manifest == (S.REFERENCE,):
            self.reference = {}
        elif manifest is not None and len(manifest) == 2 and self.reference is not None:
            self._start_capture(local)
        encoded = self._under(S.ROOT, S.ATTACHMENT_ENCODED)
        if encoded == (S.ATTACHMENT,):
            if len(self.attachments) >= self.max_attachments:
                raise PackageError(_("Gói có quá nhiều tệp đính kèm trong <AttachmentEncoded> (tối đa %(limit)d).")
                                   % {"limit": self.max_attachments})
            self.attachment = {}
        elif encoded == (S.ATTACHMENT, S.CONTENT_TRANSFER_ENCODED):
            label = f"“{self.attachment.get(S.CONTENT_ID, '') or len(self.attachments) + 1}”"
            self.sink = _Base64Sink(self.max_attachment_bytes, label)
        elif encoded is not None and len(encoded) == 2:
            self._start_capture(local)

    def _start_capture(self, key):
        self.capture = key
        self.text = []
        self.text_length = 0

    def characters(self, content):
        if self.sink is not None:
            self.sink.write(content)
        elif self.capture is not None:
            self.text_length += len(content)
            if self.text_length > MAX_TEXT:
                raise PackageError(_("Phần tử <%(element)s> quá dài (hơn %(limit)d ký tự).")
                                   % {"element": self.stack[-1], "limit": MAX_TEXT})
            self.text.append(content)

    def endElementNS(self, name, qname):
        local = self.stack[-1]
        if self.sink is not None and local == S.CONTENT_TRANSFER_ENCODED:
            self.sink.finish()
            self.attachment["_sink"] = self.sink
            self.sink = None
        elif self.capture is not None:
            value = "".join(self.text)
            self._store(self.capture, value)
            self.capture = None
        message = self._under(S.ROOT, S.ENVELOPE, S.HEADER, S.MESSAGE_HEADER)
        if message == (S.FROM,):
            self.sender = self.party
        elif message == (S.TO,):
            self.recipients.append(self.party)
        elif self._under(S.ROOT, S.ENVELOPE, S.BODY, S.MANIFEST) == (S.REFERENCE,):
            self._end_reference()
        elif self._under(S.ROOT, S.ATTACHMENT_ENCODED) == (S.ATTACHMENT,):
            self._end_attachment()
        self.stack.pop()

    def _store(self, key, value):
        if self.reference is not None and len(self.stack) == 6 and self.stack[3] == S.MANIFEST:
            self.reference[key] = value.strip()
        elif self.attachment is not None and self.stack[1:2] == [S.ATTACHMENT_ENCODED]:
            self.attachment[key] = value.strip()
        elif self.party is not None and len(self.stack) == 6 and self.stack[4] in (S.FROM, S.TO):
            setattr(self.party, key, _clean(value))
        elif key == "to_places":
            self.to_places.append(_clean(value))
        else:
            self.fields[key] = value.strip() if key == "content" else _clean(value)

    def _end_reference(self):
        reference, self.reference = self.reference, None
        content_id = _content_id(reference.get(S.CONTENT_ID, ""))
        if not content_id:
            raise PackageError(_("Một <Reference> trong <edXMLManifest> thiếu <ContentId>."))
        if content_id in self.references:
            raise PackageError(_("<ContentId> “%(id)s” xuất hiện hai lần trong <edXMLManifest>.") % {"id": content_id})
        if len(self.references) >= self.max_attachments:
            raise PackageError(_("Gói khai báo quá nhiều tệp trong <edXMLManifest> (tối đa %(limit)d).")
                               % {"limit": self.max_attachments})
        self.references[content_id] = reference

    def _end_attachment(self):
        attachment, self.attachment = self.attachment, None
        content_id = _content_id(attachment.get(S.CONTENT_ID, ""))
        sink = attachment.get("_sink")
        try:
            if not content_id:
                raise PackageError(_("Một <Attachment> trong <AttachmentEncoded> thiếu <ContentId>."))
            reference = self.references.get(content_id)
            if reference is None:
                raise PackageError(_("Tệp đính kèm có <ContentId> “%(id)s” không được khai báo trong <edXMLManifest> "
                                     "(<Reference>).") % {"id": content_id[:80]})
            if any(a.content_id == content_id for a in self.attachments):
                raise PackageError(_("<ContentId> “%(id)s” xuất hiện hai lần trong <AttachmentEncoded>.")
                                   % {"id": content_id[:80]})
            if sink is None:
                raise PackageError(_("Tệp đính kèm “%(id)s” thiếu <ContentTransferEncoded>.") % {"id": content_id[:80]})
            declared = reference.get(S.CONTENT_TYPE) or attachment.get(S.CONTENT_TYPE, "")
            name = safe_file_name(reference.get(S.ATTACHMENT_NAME) or attachment.get(S.ATTACHMENT_NAME, ""),
                                  fallback=_("tep-dinh-kem-%(n)d") % {"n": len(self.attachments) + 1})
            self.attachments.append(_checked_file(sink, content_id=content_id, name=name, declared=declared))
        except Exception:
            if sink is not None:
                sink.file.close()
            raise


def _content_id(value: str) -> str:
    value = (value or "").strip()
    if value.lower().startswith(S.CID_PREFIX):
        value = value[len(S.CID_PREFIX):]
    return value.strip("<>")


def _checked_file(sink: _Base64Sink, *, content_id: str, name: str, declared: str) -> PackageFile:
    """The decoded file through the portal's own attachment checks, then its declared type."""
    upload = File(sink.file, name=name)
    upload.size = sink.decoded
    try:
        check_size(upload)
        file_type = detect_type(upload)
    except DomainError as error:
        raise PackageError(_("Tệp đính kèm <Attachment> “%(id)s”: %(reason)s") % {"id": content_id[:80],
                                                                                 "reason": error.message}) from error
    if file_type == XML:
        raise PackageError(_("Tệp đính kèm <Attachment> “%(id)s” là một gói edXML khác; hệ thống không nhận gói lồng "
                             "trong gói.") % {"id": content_id[:80]})
    expected = S.CONTENT_TYPE_ALIASES.get(declared.split(";")[0].strip().lower())
    if expected != file_type.content_type:
        raise PackageError(_("Tệp đính kèm <Attachment> “%(id)s” khai báo <ContentType> “%(declared)s” nhưng nội dung là "
                             "%(actual)s.") % {"id": content_id[:80], "declared": declared[:100] or "—",
                                               "actual": file_type.extension.upper()})
    upload.seek(0)
    if not name.lower().endswith(f".{file_type.extension}"):
        upload.name = f"{name}.{file_type.extension}"
    return PackageFile(content_id=content_id, name=upload.name, content_type=file_type.content_type,
                       size=sink.decoded, sha256=sink.digest.hexdigest(), file=upload)


def read_package(stream, *, size: int | None = None) -> DocumentPackage | StatusPackage:
    """Read a package from a binary stream, or raise PackageError. The caller closes the result
    (its attachments are temporary files)."""
    limit = conf.max_package_bytes()
    if size is not None and size > limit:
        raise PackageError(_("Gói quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.")
                           % {"size": size / 1024 / 1024, "limit": limit // 1024 // 1024})
    reader = _Reader()
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(reader)
    parser.setErrorHandler(ErrorHandler())
    read = 0
    try:
        seekable = getattr(stream, "seekable", None)
        if seekable is None or seekable():
            stream.seek(0)
        while True:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > limit:
                raise PackageError(_("Gói quá lớn: hơn %(limit)d MB; hệ thống dừng đọc.")
                                   % {"limit": limit // 1024 // 1024})
            parser.feed(chunk)
        if read == 0:
            raise PackageError(_("Tệp gói rỗng."))
        parser.close()
    except DefusedXmlException as exc:
        _discard(reader)
        raise PackageError(_("Gói có khai báo DTD, thực thể hoặc tham chiếu bên ngoài (<!DOCTYPE …>, <!ENTITY …>); "
                             "gói edXML không dùng chúng và hệ thống không nhận.")) from exc
    except SAXParseException as exc:
        _discard(reader)
        raise PackageError(_("Gói không phải XML hợp lệ (dòng %(line)s, cột %(column)s): %(reason)s.")
                           % {"line": exc.getLineNumber(), "column": exc.getColumnNumber(),
                              "reason": exc.getMessage()}) from exc
    except Exception:
        _discard(reader)
        raise
    try:
        return _result(reader)
    except Exception:
        _discard(reader)
        raise


def _discard(reader: _Reader) -> None:
    for attachment in reader.attachments:
        attachment.file.close()
    if reader.sink is not None:
        reader.sink.file.close()


def _missing(path: tuple) -> PackageError:
    return PackageError(_("Gói thiếu phần tử bắt buộc <%(path)s>.") % {"path": "/".join(path)})


def _result(reader: _Reader) -> DocumentPackage | StatusPackage:
    if reader.kind is None:
        return_path = (S.ENVELOPE, S.HEADER, S.MESSAGE_HEADER)
        raise _missing(return_path)
    if reader.kind == "status":
        for path in S.REQUIRED_STATUS:
            if not reader.fields.get(S.STATUS_FIELDS[path]):
                raise _missing((S.STATUS, *path))
        return StatusPackage(**{key: reader.fields.get(key, "") for key in S.STATUS_FIELDS.values()})
    for path in S.REQUIRED_HEADER:
        if path[0] in (S.FROM, S.TO):
            parties = [reader.sender] if path[0] == S.FROM else reader.recipients
            if not parties or not all(p and p.code for p in parties):
                raise _missing((S.MESSAGE_HEADER, *path))
        elif not reader.fields.get(S.HEADER_FIELDS[path]):
            raise _missing((S.MESSAGE_HEADER, *path))
    missing = [cid for cid in reader.references if not any(a.content_id == cid for a in reader.attachments)]
    if missing:
        raise PackageError(_("Tệp “%(name)s” (<ContentId> %(id)s) được khai báo trong <edXMLManifest> nhưng không có "
                             "trong <AttachmentEncoded>.") % {"name": reader.references[missing[0]].get(S.ATTACHMENT_NAME, ""),
                                                              "id": missing[0]})
    fields = dict(reader.fields)
    package = DocumentPackage(sender=reader.sender, recipients=reader.recipients, to_places=reader.to_places,
                              attachments=reader.attachments)
    for key, value in fields.items():
        if key in ("promulgation_date", "due_date"):
            value = parse_date(value, S.PROMULGATION_DATE if key == "promulgation_date" else S.DUE_DATE)
        setattr(package, key, value)
    return package


# --- writing ---------------------------------------------------------------------------------------------


def _text(value) -> str:
    return (str(value if value is not None else "").replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


class _Writer:
    def __init__(self, out):
        self.out = out

    def raw(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def open(self, name: str) -> None:
        self.raw(f"<{name}>")

    def close(self, name: str) -> None:
        self.raw(f"</{name}>")

    def leaf(self, name: str, value) -> None:
        value = _XML_INVALID.sub("", _text(value))
        self.raw(f"<{name}>{value}</{name}>" if value else f"<{name}/>")

    def party(self, name: str, party: Party) -> None:
        self.open(name)
        self.leaf(S.ORGAN_ID, party.code)
        self.leaf(S.ORGAN_NAME, party.name)
        self.leaf(S.ORGANIZATION_IN_CHARGE, party.in_charge or party.name)
        self.close(name)

    def start_package(self) -> None:
        self.raw(f'<?xml version="1.0" encoding="utf-8"?>\n<{S.ROOT} xmlns="{S.NAMESPACE}">')


def _date(value: datetime.date | None) -> str:
    return value.strftime(S.DATE_FORMAT) if value else ""


@dataclass
class OutgoingFile:
    name: str
    content_type: str
    open: object  # a callable returning a binary file object


def write_document_package(out, *, sender: Party, recipient: Party, document_id: str, code_number: str,
                           code_notation: str, place: str, promulgation_date: datetime.date, type_name: str,
                           subject: str, signer_name: str = "", signer_position: str = "",
                           due_date: datetime.date | None = None, priority: str = "0", sphere: str = "",
                           timestamp: datetime.datetime, files: list[OutgoingFile] = ()) -> None:
    """Write one document package to the binary stream `out`; the files are base64-encoded piece by
    piece, never whole in memory."""
    w = _Writer(out)
    w.start_package()
    w.open(S.ENVELOPE)
    w.open(S.HEADER)
    w.open(S.MESSAGE_HEADER)
    w.party(S.FROM, sender)
    w.party(S.TO, recipient)
    w.leaf(S.DOCUMENT_ID, document_id)
    w.open(S.CODE)
    w.leaf(S.CODE_NUMBER, code_number)
    w.leaf(S.CODE_NOTATION, code_notation)
    w.close(S.CODE)
    w.open(S.PROMULGATION_INFO)
    w.leaf(S.PLACE, place)
    w.leaf(S.PROMULGATION_DATE, _date(promulgation_date))
    w.close(S.PROMULGATION_INFO)
    w.open(S.DOCUMENT_TYPE)
    w.leaf(S.TYPE, S.DOCUMENT_TYPE_ADMINISTRATIVE)
    w.leaf(S.TYPE_DETAIL, "")
    w.leaf(S.TYPE_NAME, type_name)
    w.close(S.DOCUMENT_TYPE)
    w.leaf(S.SUBJECT, subject)
    w.leaf(S.CONTENT, "")
    w.open(S.SIGNER_INFO)
    w.leaf(S.COMPETENCE, "")
    w.leaf(S.POSITION, signer_position)
    w.leaf(S.FULL_NAME, signer_name)
    w.close(S.SIGNER_INFO)
    w.leaf(S.DUE_DATE, _date(due_date))
    w.open(S.TO_PLACES)
    w.leaf(S.PLACE, recipient.name)
    w.close(S.TO_PLACES)
    w.open(S.OTHER_INFO)
    w.leaf(S.PRIORITY, priority)
    w.leaf(S.SPHERE, sphere)
    w.close(S.OTHER_INFO)
    w.leaf(S.STEERING_TYPE, "0")
    w.close(S.MESSAGE_HEADER)
    w.open(S.TRACE_HEADER_LIST)
    w.open(S.TRACE_HEADER)
    w.leaf(S.ORGAN_ID, sender.code)
    w.leaf(S.TIMESTAMP, timestamp.strftime(S.TIMESTAMP_FORMAT))
    w.close(S.TRACE_HEADER)
    w.close(S.TRACE_HEADER_LIST)
    w.close(S.HEADER)
    w.open(S.BODY)
    w.open(S.MANIFEST)
    ids = [f"{index}.{_ascii(f.name)}" for index, f in enumerate(files, start=1)]
    for content_id, item in zip(ids, files):
        w.open(S.REFERENCE)
        w.leaf(S.CONTENT_ID, f"{S.CID_PREFIX}{content_id}")
        w.leaf(S.CONTENT_TYPE, item.content_type)
        w.leaf(S.ATTACHMENT_NAME, item.name)
        w.close(S.REFERENCE)
    w.close(S.MANIFEST)
    w.close(S.BODY)
    w.close(S.ENVELOPE)
    if files:
        w.open(S.ATTACHMENT_ENCODED)
        for content_id, item in zip(ids, files):
            w.open(S.ATTACHMENT)
            w.leaf(S.CONTENT_ID, content_id)
            w.leaf(S.CONTENT_TYPE, item.content_type)
            w.leaf(S.ATTACHMENT_NAME, item.name)
            w.open(S.CONTENT_TRANSFER_ENCODED)
            with item.open() as handle:
                for piece in iter(lambda: handle.read(ENCODE_CHUNK), b""):
                    out.write(base64.b64encode(piece))
                    out.write(b"\n")
            w.close(S.CONTENT_TRANSFER_ENCODED)
            w.close(S.ATTACHMENT)
        w.close(S.ATTACHMENT_ENCODED)
    w.close(S.ROOT)


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-")[:60] or "file"


def write_status_package(out, *, sender: Party, response_organ_id: str, response_code: str,
                         response_date: datetime.date | None, response_document_id: str, status_code: str,
                         description: str, timestamp: datetime.datetime, department: str = "",
                         staff: str = "") -> None:
    """Write one status package (received, refused, accepted, assigned, in progress, completed)."""
    w = _Writer(out)
    w.start_package()
    w.open(S.ENVELOPE)
    w.open(S.HEADER)
    w.open(S.STATUS)
    w.open(S.RESPONSE_FOR)
    w.leaf(S.ORGAN_ID, response_organ_id)
    w.leaf(S.CODE, response_code)
    w.leaf(S.PROMULGATION_DATE, _date(response_date))
    w.leaf(S.DOCUMENT_ID, response_document_id)
    w.close(S.RESPONSE_FOR)
    w.party(S.FROM, sender)
    w.leaf(S.STATUS_CODE, status_code)
    w.leaf(S.DESCRIPTION, description)
    w.leaf(S.TIMESTAMP, timestamp.strftime(S.TIMESTAMP_FORMAT))
    w.open(S.STAFF_INFO)
    w.leaf(S.DEPARTMENT, department)
    w.leaf(S.STAFF, staff)
    w.close(S.STAFF_INFO)
    w.close(S.STATUS)
    w.close(S.HEADER)
    w.raw(f"<{S.BODY}/>")
    w.close(S.ENVELOPE)
    w.close(S.ROOT)
