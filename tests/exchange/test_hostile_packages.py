"""Hostile and broken packages: each refused with a Vietnamese message naming the element, and
nothing saved — no package row, no file in the media folder, no status sent."""

import base64
import io
import time

import pytest

from exchange import edxml, services
from exchange.models import InboundPackage, OutboundPackage

from .conftest import AGENCY_CODE, NS, PDF, SENDER_CODE, hand_package, package_bytes, stored_files

XXE = (f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       f'<edXML xmlns="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&xxe;</Subject>'
       f"</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>").encode()
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + f']><edXML xmlns="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&lol9;</Subject>'
          "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>").encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def refused(exchange, media, content, *match):
    with pytest.raises(edxml.PackageError) as caught:
        services.package_receive(acting_user=exchange.clerk, stream=io.BytesIO(content), name="goi.edxml",
                                 source="upload", size=len(content))
    for text in match:
        assert text in caught.value.message, caught.value.message
    assert not InboundPackage.objects.exists()
    assert not OutboundPackage.objects.exists()
    assert stored_files(media) == []
    return caught.value.message


@pytest.mark.django_db(transaction=True)
def test_an_xxe_package_is_refused_without_reading_the_file(exchange, media):
    message = refused(exchange, media, XXE, "DTD")
    assert "root:" not in message


@pytest.mark.django_db(transaction=True)
def test_billion_laughs_is_refused_at_once(exchange, media):
    started = time.monotonic()
    refused(exchange, media, LAUGHS, "DTD")
    assert time.monotonic() - started < 2


class Endless(io.RawIOBase):
    """A package that claims a 2 GB attachment: its base64 text never ends (it is generated as
    it is read, never held), and the test counts how much the parser read before refusing."""

    def __init__(self, declared=2 * 1024 ** 3):
        head = hand_package(attachments="<Attachment><ContentId>1</ContentId><ContentTransferEncoded>")
        self.head = head[: head.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")]
        self.remaining = declared * 4 // 3
        self.read_bytes = 0
        self.body = base64.b64encode(PDF * 1000)[:65536]

    def readable(self):
        return True

    def read(self, size=-1):
        if self.head:
            chunk, self.head = self.head, b""
        elif self.remaining > 0:
            chunk = self.body[: min(size, self.remaining)]
            self.remaining -= len(chunk)
        else:
            chunk = b""
        self.read_bytes += len(chunk)
        return chunk


@pytest.mark.django_db(transaction=True)
def test_a_2_gb_attachment_is_refused_before_it_is_decoded(exchange, media, settings):
    settings.EDXML_MAX_PACKAGE_BYTES = 4 * 1024 ** 3  # let the package cap pass: the attachment cap decides
    settings.EDXML_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
    stream = Endless()
    with pytest.raises(edxml.PackageError) as caught:
        edxml.read_package(stream)
    assert "<ContentTransferEncoded>" in caught.value.message and "5 MB" in caught.value.message
    # Refused after about the cap, not after 2 GB.
    assert stream.read_bytes < 8 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_a_package_larger_than_the_cap_is_refused_unread(exchange, media, settings):
    settings.EDXML_MAX_PACKAGE_BYTES = 1024 * 1024
    stream = Endless()
    with pytest.raises(edxml.PackageError, match="quá lớn"):
        edxml.read_package(stream, size=2 * 1024 ** 3)
    assert stream.read_bytes == 0
    # Without a declared size, the count of bytes read stops it.
    with pytest.raises(edxml.PackageError, match="quá lớn"):
        edxml.read_package(stream)
    assert stream.read_bytes < 2 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_an_executable_named_pdf_is_refused_by_its_content(exchange, media):
    content = package_bytes(files=[("cong-van.pdf", "application/pdf", EXE)])
    message = refused(exchange, media, content, "<Attachment>", "không đúng định dạng")
    assert "cong-van.pdf" in message


@pytest.mark.django_db(transaction=True)
def test_an_html_page_named_pdf_is_refused(exchange, media):
    content = package_bytes(files=[("a.pdf", "application/pdf", b"<html><script>alert(1)</script></html>")])
    refused(exchange, media, content, "<Attachment>", "HTML")


@pytest.mark.django_db(transaction=True)
def test_content_that_does_not_match_its_declared_type_is_refused(exchange, media):
    content = package_bytes(files=[("anh.png", "image/png", PDF)])
    refused(exchange, media, content, "<ContentType>", "image/png", "PDF")


@pytest.mark.django_db(transaction=True)
def test_a_path_in_attachment_name_keeps_only_the_file_name(exchange, media):
    content = package_bytes(files=[("../../../etc/cron.d/evil.pdf", "application/pdf", PDF),
                                   ("C:\\Windows\\System32\\x.pdf", "application/pdf", PDF)])
    package = services.package_receive(acting_user=exchange.clerk, stream=io.BytesIO(content), name="../../a.edxml",
                                       source="upload", size=len(content)).package
    assert [a["name"] for a in package.attachments_meta] == ["evil.pdf", "x.pdf"]
    assert package.original_name == "a.edxml"
    document = services.package_register(acting_user=exchange.clerk, package=package)
    names = set(document.attachments.values_list("original_name", flat=True))
    assert {"evil.pdf", "x.pdf"} <= names
    # Every file the portal wrote is inside the media folder, under a generated name.
    for path in stored_files(media):
        assert path.resolve().is_relative_to((media / "media").resolve())
        assert "evil" not in path.name and path.name.split(".")[0].isalnum()
    assert not (media / "etc").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("content, words", [
    (b"this is not xml", ["không phải XML hợp lệ"]),
    (hand_package()[:-30], ["không phải XML hợp lệ"]),
    (hand_package(root='<edXML xmlns="http://example.org/other">'), ["<edXML>", "không gian tên", "http://example.org/other"]),
    (hand_package(root="<edXML>"), ["không gian tên"]),
    (hand_package().replace(b"<edXML ", b"<package ").replace(b"</edXML>", b"</package>"), ["<package>"]),
    (hand_package(header=f"<To><OrganId>{AGENCY_CODE}</OrganId></To>"
                  "<Code><CodeNumber>1</CodeNumber></Code><PromulgationInfo><PromulgationDate>2026/03/02"
                  "</PromulgationDate></PromulgationInfo><Subject>x</Subject>"), ["<MessageHeader/From/OrganId>"]),
    (hand_package(header=f"<From><OrganId>{SENDER_CODE}</OrganId></From><To><OrganId>{AGENCY_CODE}</OrganId></To>"
                  "<Code><CodeNumber>1</CodeNumber></Code><Subject>x</Subject>"),
     ["<MessageHeader/PromulgationInfo/PromulgationDate>"]),
    (hand_package(header=f"<From><OrganId>{SENDER_CODE}</OrganId></From><To><OrganId>{AGENCY_CODE}</OrganId></To>"
                  "<Code><CodeNumber>1</CodeNumber></Code><PromulgationInfo><PromulgationDate>31/31/2026"
                  "</PromulgationDate></PromulgationInfo><Subject>x</Subject>"), ["<PromulgationDate>", "31/31/2026"]),
    (hand_package(attachments="<Attachment><ContentId>9</ContentId><ContentTransferEncoded>"
                  + base64.b64encode(PDF).decode() + "</ContentTransferEncoded></Attachment>"),
     ["<ContentId>", "“9”", "<edXMLManifest>"]),
    (hand_package(attachments=""), ["a.pdf", "<AttachmentEncoded>"]),
    (hand_package(attachments="<Attachment><ContentId>1</ContentId><ContentTransferEncoded>%%%%not base64"
                  "</ContentTransferEncoded></Attachment>"), ["base64"]),
    (hand_package(manifest="<Reference><ContentType>application/pdf</ContentType></Reference>"), ["<ContentId>"]),
    (hand_package().replace(b"<Subject>", '<x:script xmlns:x="http://www.w3.org/1999/xhtml"/><Subject>'.encode()),
     ["<script>", "không thuộc không gian tên"]),
    (hand_package(header=f"<From><OrganId>{SENDER_CODE}</OrganId></From><To><OrganId>{AGENCY_CODE}</OrganId></To>"
                  "<Code><CodeNumber>1</CodeNumber></Code><PromulgationInfo><PromulgationDate>2026/03/02"
                  "</PromulgationDate></PromulgationInfo><Subject>" + "x" * 70_000 + "</Subject>"),
     ["<Subject>", "quá dài"]),
    (b"", ["rỗng"]),
])
def test_a_malformed_package_is_refused_naming_the_element(exchange, media, content, words):
    refused(exchange, media, content, *words)


@pytest.mark.django_db(transaction=True)
def test_too_many_attachments_are_refused(exchange, media, settings):
    settings.EDXML_MAX_ATTACHMENTS = 2
    content = package_bytes(files=[(f"{i}.pdf", "application/pdf", PDF) for i in range(3)])
    refused(exchange, media, content, "quá nhiều tệp")


@pytest.mark.django_db(transaction=True)
def test_a_package_inside_a_package_is_refused(exchange, media):
    inner = package_bytes()
    refused(exchange, media, package_bytes(files=[("goi.edxml", "application/xml", inner)]), "gói lồng")
