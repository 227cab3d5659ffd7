"""A document shown inside a dossier is shown as its viewer may read it (issue 12): a head sees
his officer's dossier, but a confidential document the officer leads stays "Văn bản mật" for
him — no number, no summary — on the page, in the API and in the messages about the dossier,
while the officer who may open the document reads it in full.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from documents import services as document_services
from documents.choices import Confidentiality, Form
from dossiers import services
from tests.conftest import scan_upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET_NUMBER, SECRET_SUMMARY = "155/CT-TTHT", "V/v an toàn lao động tại công trường nhà máy"
ARRIVAL = datetime.date(2026, 3, 3)


@pytest.fixture
def secret(agency):
    """A confidential (Mật) paper document led by officer A: his head may not open it."""
    document = document_services.incoming_register(
        acting_user=agency.clerk, number_symbol=SECRET_NUMBER, issuer="Công an tỉnh", summary=SECRET_SUMMARY,
        document_date=ARRIVAL, arrival_date=ARRIVAL, form=Form.PAPER, received_medium=Form.PAPER,
        confidentiality=Confidentiality.SECRET)
    return document_services.incoming_assign(acting_user=agency.leader, document=document,
                                             department=agency.dept_a, officer=agency.officer_a)


@pytest.fixture
def dossier(agency, identifier, secret):
    dossier = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ an toàn lao động", retention_years=10,
                                    opened_on=datetime.date(2026, 3, 1))
    services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=secret)
    return dossier


def test_a_head_sees_a_confidential_document_in_his_officers_dossier_as_van_ban_mat(agency, login, secret, dossier):
    client = login(agency.head_a)
    assert client.get(reverse("documents:detail", args=[secret.pk])).status_code == 404
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Văn bản mật" in page
    assert SECRET_NUMBER not in page and "an toàn lao động tại công trường" not in page
    assert reverse("documents:detail", args=[secret.pk]) not in page
    # The paper reason names it as the head may read it, too.
    assert "Văn bản mật được xử lý bằng giấy." in page


def test_the_api_gives_a_head_the_confidential_item_as_van_ban_mat(agency, login, secret, dossier):
    response = login(agency.head_a).get(f"/api/v1/dossiers/{dossier.pk}/items/")
    assert response.status_code == 200
    [item] = response.json()
    assert item["display_title"] == "Văn bản mật"
    assert item["document_number_symbol"] is None and item["document_visible"] is False
    body = json.dumps(response.json(), ensure_ascii=False)
    assert SECRET_NUMBER not in body and "an toàn lao động tại công trường" not in body


def test_the_officer_who_leads_the_document_reads_it_in_the_dossier(agency, login, secret, dossier):
    client = login(agency.officer_a)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert SECRET_NUMBER in page and "an toàn lao động tại công trường" in page
    assert f'href="{reverse("documents:detail", args=[secret.pk])}"' in page
    [item] = client.get(f"/api/v1/dossiers/{dossier.pk}/items/").json()
    assert item["display_title"] == f"{SECRET_NUMBER} – {SECRET_SUMMARY[:60]}"
    assert item["document_number_symbol"] == SECRET_NUMBER and item["document_visible"] is True
    # The agency-wide roles may open confidential documents: they read it too.
    [item] = login(agency.clerk).get(f"/api/v1/dossiers/{dossier.pk}/items/").json()
    assert item["document_number_symbol"] == SECRET_NUMBER


def test_a_head_closing_the_dossier_is_told_of_the_confidential_document_without_its_number(
        agency, login, secret, dossier):
    response = login(agency.head_a).post(reverse("dossiers:close", args=[dossier.pk]), {
        "ended_on": "02/03/2026", "sheets": "4", "version": dossier.version}, follow=True)
    page = response.content.decode()
    assert "Văn bản mật có ngày 03/03/2026, sau ngày kết thúc." in page
    assert SECRET_NUMBER not in page


def test_a_document_out_of_the_heads_scope_is_shown_without_number_or_summary(agency, login, identifier):
    """Not only confidential ones: officer A co-handles department B's document; his head may not
    open it, so his dossier shows it as out of his view."""
    document = document_services.incoming_register(
        acting_user=agency.clerk, number_symbol="88/UBND-KT", issuer="UBND tỉnh", summary="V/v doanh nghiệp FDI",
        document_date=ARRIVAL, arrival_date=ARRIVAL, attachments=[scan_upload()])  # electronic: its scan
    document = document_services.incoming_assign(acting_user=agency.leader, document=document,
                                                 department=agency.dept_b, officer=agency.officer_b,
                                                 co_handlers=[agency.officer_a])
    dossier = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ phối hợp", retention_years=5,
                                    opened_on=datetime.date(2026, 3, 1))
    services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=document)
    page = login(agency.head_a).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "Văn bản không thuộc phạm vi được xem" in page
    assert "88/UBND-KT" not in page and "doanh nghiệp FDI" not in page
    [item] = login(agency.head_a).get(f"/api/v1/dossiers/{dossier.pk}/items/").json()
    assert item["display_title"] == "Văn bản không thuộc phạm vi được xem"
    assert login(agency.officer_a).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode().count(
        "88/UBND-KT") == 1


# What shows a document's number or summary through a relation (`item.document.summary`,
# `document__number_symbol`, `source="document.…"`, `{{ item.document }}`) bypasses the viewer's
# scope; every such surface goes through `documents.querysets.documents_shown_to` instead.
RELATION_READS = re.compile(
    r"\.document\.(number_symbol|summary|display_number|issuer)\b"
    r"|document__(number_symbol|summary|issuer|search_text)\b"
    r"|source=[\"']document\."
    r"|\{\{\s*[\w.]+\.document\s*[|}]"
    r"|str\([\w.]+\.document\)"
)


# Surfaces that only the agency-wide roles open — who may open every document, confidential
# ones included — may print a related document as it is. Each is a folder of templates and the
# URL namespace whose every matrix row must keep the officer and the head out (checked below).
AGENCY_ONLY_SURFACES = {
    "templates/exchange/": "exchange:",  # the Office's edXML inbox and outbox
}


def _is_app_folder(path: Path) -> bool:
    return (path / "apps.py").exists() or path.name in {"templates", "recordsportal"}


def test_no_surface_reads_a_documents_number_or_summary_through_a_relation():
    found = []
    folders = [path for path in ROOT.iterdir() if path.is_dir() and _is_app_folder(path)]
    for folder in folders:
        for path in folder.rglob("*"):
            relative = path.relative_to(ROOT).as_posix()
            if (path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts
                    or any(relative.startswith(prefix) for prefix in AGENCY_ONLY_SURFACES)):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if RELATION_READS.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "use documents.querysets.documents_shown_to (the viewer's scope):\n" + "\n".join(found)


def test_the_surfaces_allowed_to_print_a_related_document_are_closed_to_officers_and_heads():
    from tests import matrix

    for namespace in AGENCY_ONLY_SURFACES.values():
        rows = {key: entry for key, entry in matrix.TABLE.items() if key.startswith(namespace)}
        assert rows, namespace
        for key, entry in rows.items():
            for scope, by_role in entry.statuses.items():
                assert by_role["officer"] != "200" and by_role["head"] != "200", (key, scope)


def test_the_relation_check_sees_the_reads_it_forbids():
    for line in ('{{ item.document.summary|truncatechars:90 }}', 'source="document.number_symbol"',
                 '.values("document__summary")', "return str(self.document)", "{{ line.document }}"):
        assert RELATION_READS.search(line), line
    assert not RELATION_READS.search("{{ item.shown.summary }}")
