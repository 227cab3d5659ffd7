"""Numbers never duplicate or skip under concurrency (PostgreSQL, real threads and connections)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from documents import services
from documents.choices import Kind
from documents.models import Document

from ..conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_concurrent_issues_get_exactly_one_to_twenty(agency):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    start = threading.Barrier(20)
    errors = []

    def issue(index):
        try:
            start.wait()
            services.outgoing_issue(
                acting_user=agency.clerk, kind=Kind.DECISION, summary=f"Quyết định số thứ {index}",
                department=agency.office, issue_date=datetime.date(2026, 5, 4),
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = sorted(Document.objects.filter(series="outgoing", register_year=2026).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    symbols = set(Document.objects.values_list("number_symbol", flat=True))
    assert len(symbols) == 20
