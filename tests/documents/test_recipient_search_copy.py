"""The recipients table carries a copy of each document's search text (migration documents/0014,
PostgreSQL only), so a head's search reads "sent to my departments" as one index range
(`DocumentQuerySet._matches_in_scope`). The copy must never lag behind the document: a stale one
would hide a match from the head, or show one for words the document no longer has. PostgreSQL's
triggers keep it, whatever writes; these tests go through the portal's own writers."""

import pytest
from django.db import connection

from documents import querysets, services
from documents.choices import Kind
from documents.models import Document
from recordsportal.models import Agency
from recordsportal.text import search_key
from tests.conftest import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql(db):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    agency = Agency.load()
    agency.abbreviation = "BQL"
    agency.save()


def copies(document) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT department_id, search_text FROM documents_document_recipient_departments "
                       "WHERE document_id = %s", [document.pk])
        return dict(cursor.fetchall())


def sent(agency, summary="Đề nghị phối hợp thẩm định dự án", departments=None):
    return services.internal_send(acting_user=agency.officer_b, kind=Kind.OFFICIAL_LETTER, summary=summary,
                                  recipient_departments=departments or [agency.unit_a1])


def test_sending_an_internal_document_copies_its_search_text_to_each_recipient_row(agency):
    document = sent(agency, departments=[agency.dept_a, agency.unit_a1])
    document.refresh_from_db()
    assert "tham dinh du an" in document.search_text
    assert copies(document) == {agency.dept_a.pk: document.search_text, agency.unit_a1.pk: document.search_text}


def test_a_recipient_added_later_gets_the_search_text(agency):
    document = sent(agency)
    document.recipient_departments.add(agency.dept_a)
    document.refresh_from_db()
    assert copies(document)[agency.dept_a.pk] == document.search_text


def test_a_changed_search_text_is_copied_to_the_recipient_rows(agency):
    document = sent(agency)
    # As the register import's update does (documents/importer.py `_apply_changes`): the
    # document normalised again and bulk-updated.
    document.summary = "Kế hoạch kiểm tra doanh nghiệp"
    services._normalise(document)
    Document.all_objects.bulk_update([document], ["summary", "search_text"])
    assert copies(document) == {agency.unit_a1.pk: search_key(f"{document.number_symbol} Kế hoạch kiểm tra doanh nghiệp "
                                                              f"{document.issuer}")}
    # And through save(), as every service writes (services._save).
    document.summary = "Báo cáo tiến độ giải ngân"
    services._save(document, agency.officer_b)
    assert set(copies(document).values()) == {document.search_text}
    assert "giai ngan" in document.search_text


def test_head_search_follows_a_document_sent_to_his_unit_after_its_words_change(agency, monkeypatch):
    monkeypatch.setattr(querysets, "RARE_MATCHES", 0)  # no rare-word shortcut: the scope's branches are read
    document = sent(agency, summary="Đề nghị phối hợp thẩm định dự án")
    found = Document.objects.visible_to(agency.head_a).search("thẩm định")
    assert found._narrowed_to_ids and [d.pk for d in found] == [document.pk]
    document.summary = "Báo cáo tiến độ giải ngân"
    services._save(document, agency.officer_b)
    assert not Document.objects.visible_to(agency.head_a).search("thẩm định").exists()
    found = Document.objects.visible_to(agency.head_a).search("giải ngân")
    assert found._narrowed_to_ids and [d.pk for d in found] == [document.pk]
