"""The indexes a register import writes (issue 16, migration 0019, docs/benchmarks.md "h16imp").

A document's four user keys that most documents leave empty (assigned_by, dispatched_by,
submitted_to, deleted_by) are indexed only where set, the history table only on what its readers
ask (the document, the date, the user), and the `import_key` has no LIKE copy of its unique index.
These tests hold the queries that read those columns to their indexes: the lookups of a user's
deletion, a document's history, the journal by person, the demo's check that it was seeded.
The plans are read with sequential scans disabled (a test table is small: a scan would win
whatever the indexes); PostgreSQL only. The protections themselves are checked on every database."""

import datetime

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from documents import demo
from documents.choices import Direction
from documents.models import SPARSE_USER_KEYS, Document
from recordsportal.audit import save as audited_save
from reports.journal import journal_page
from tests.conftest import require
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def plan(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def document(**values) -> Document:
    return Document.all_objects.create(direction=Direction.INCOMING, summary="V/v thử", series="den",
                                       register_year=2026, register_date=datetime.date(2026, 3, 2), **values)


@pytest.mark.parametrize("key", SPARSE_USER_KEYS)
def test_a_user_named_by_a_sparse_key_of_a_document_cannot_be_deleted(agency, key):
    user = UserFactory(username=f"by_{key}", department=agency.dept_a)
    named = document(**{key: user})
    document()  # and one that leaves the key empty, as an import does
    with pytest.raises(ProtectedError) as caught:
        user.delete()
    assert named in caught.value.protected_objects


def test_deleting_a_user_reads_each_sparse_key_through_its_partial_index(agency):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    user = UserFactory(username="named_everywhere", department=agency.dept_a)
    document(**dict.fromkeys(SPARSE_USER_KEYS, user))
    with CaptureQueriesContext(connection) as ctx, pytest.raises(ProtectedError):
        user.delete()
    for key in SPARSE_USER_KEYS:
        # The collector's query of the key, as Django wrote it (values inlined by the driver).
        lookups = [q["sql"] for q in ctx.captured_queries
                   if 'FROM "documents_document"' in q["sql"] and f'"documents_document"."{key}_id" IN' in q["sql"]]
        assert lookups, (key, [q["sql"] for q in ctx.captured_queries])
        text = plan(lookups[0])
        assert f"doc_{key}_set" in text, text
        assert "Seq Scan" not in text, text


def test_a_documents_history_page_and_the_journal_by_person_read_the_history_indexes(agency):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    registered = document(created_by=agency.clerk)
    registered.summary = "V/v thử, sửa"
    audited_save(registered, acting_user=agency.clerk)
    history = Document.history.model._meta.db_table
    # The document's page (documents/views/detail.py): its history rows, newest first.
    sql, params = registered.history.select_related("history_user")[:20].query.sql_with_params()
    text = plan(sql, params)
    assert f"Seq Scan on {history}" not in text, text
    assert "_id_" in text, text  # simple-history's index on the document id
    # The journal (reports/journal.py) of one person's changes to documents, and of a period.
    for filters in ({"person": agency.clerk.pk}, {"since": datetime.date(2026, 3, 1)}):
        with CaptureQueriesContext(connection) as ctx:
            rows, _after = journal_page(kind="document", **filters)
        assert rows
        queries = [q["sql"] for q in ctx.captured_queries if f'FROM "{history}"' in q["sql"]]
        assert queries, [q["sql"] for q in ctx.captured_queries]
        for sql in queries:
            text = plan(sql)
            assert f"Seq Scan on {history}" not in text, (filters, text)


def test_the_demos_seeded_check_reads_the_unique_import_key(agency):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    sql, params = Document.all_objects.filter(import_key=demo.SEEDED_KEY).order_by().query.sql_with_params()
    text = plan(sql, params)
    assert "documents_document_import_key_key" in text, text
    assert "Seq Scan" not in text, text
