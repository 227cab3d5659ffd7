"""Queries on the hot paths of the load test that must be able to use an index on PostgreSQL
(bench/run_load.py found them reading all 2M documents). Checked with sequential scans disabled:
if no index matches the query as the ORM writes it, the plan still shows a Seq Scan."""

import datetime

import pytest
from django.db import connection

from documents.choices import Direction
from documents.models import Document
from recordsportal.text import normalize_text
from tests.conftest import require

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_duplicate_check_on_registering_uses_its_index(agency):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    # The query of documents.services.find_duplicate, as it builds it.
    candidates = Document.objects.filter(direction=Direction.INCOMING,
                                         number_symbol__iexact=normalize_text("125/ubnd-kt"),
                                         document_date=datetime.date(2026, 3, 2))
    # Without the register's default ordering, which an empty test table lets the date index
    # satisfy more cheaply: the question is whether an index matches the conditions.
    text = plan(candidates.order_by())
    assert "doc_symbol_date" in text, text
    assert "Seq Scan on documents_document" not in text, text
