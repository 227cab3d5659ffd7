"""A search in a department's or an officer's scope (issue 16) reads the scope's rows by the
indexes designed for it — never a backwards walk of the register_date index filtering by scope,
which PostgreSQL chose when it misjudged the words' selectivity (0.8 s for a rare word on 2M
documents). PostgreSQL only: skipped on SQLite, failed in CI without it (`require`)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import querysets
from documents.choices import Confidentiality, Direction
from documents.models import Document
from recordsportal.text import search_key
from tests.conftest import require

# VACUUM (the visibility map that makes index-only scans index-only) cannot run in a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def explain(sql: str, *disabled: str) -> str:
    # Tiny test tables: a sequential scan (or a bitmap of the department index, when the search
    # texts are a few bytes) would win whatever the indexes. The question is which index the
    # query is written for, as on the 2M documents of bench/ (docs/benchmarks.md).
    settings = ("enable_seqscan", *disabled)
    with connection.cursor() as cursor:
        for name in settings:
            cursor.execute(f"SET {name} = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for name in settings:
                cursor.execute(f"RESET {name}")


@pytest.fixture
def documents(agency, make_document):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")

    def doc(summary, department, **extra):
        document = make_document(department, **extra)
        # As services._normalise stores it (the fixture's create() does not).
        document.summary = summary
        document.search_text = search_key(f"{document.number_symbol} {summary} {document.issuer}")
        document.save(update_fields=["summary", "search_text"])
        return document

    made = {
        "unit": doc("Quyết định đầu tư dự án VinFast", agency.unit_a1),
        "dept": doc("Quyết định phê duyệt đầu tư", agency.dept_a),
        "other": doc("Quyết định đầu tư của phòng khác", agency.dept_b),
        "secret": doc("Quyết định đầu tư (mật)", agency.dept_a, confidentiality=Confidentiality.SECRET),
        "led": doc("Quyết định đầu tư giao trưởng phòng", agency.dept_b, officer=agency.head_a),
        "sent": doc("Quyết định đầu tư gửi phòng A", agency.dept_b, direction=Direction.INTERNAL),
        "nothing": doc("Công văn về việc khác", agency.dept_a),
    }
    made["sent"].recipient_departments.add(agency.unit_a1)
    # Enough of the department's rows for its covering index to beat its plain index plus the
    # heap, as on the bench's 100,000 (the planner's costs on a handful of rows are a toss-up).
    day = made["dept"].register_date
    Document.objects.bulk_create([
        Document(direction=Direction.INCOMING, series="bulk", register_year=day.year, number=i,
                 number_symbol=f"{i}/BULK", summary="Văn bản thử", register_date=day, document_date=day,
                 department=department, search_text=f"{i}/bulk van ban thu " + "x" * 200)
        for i, department in enumerate([agency.dept_a, agency.unit_a1, agency.dept_b] * 1000, start=1)
    ])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE documents_document")
        cursor.execute("VACUUM ANALYZE documents_document_recipient_departments")
    return made


def test_small_scope_search_of_common_words_reads_the_scope_by_its_own_indexes_not_the_date_index(
        agency, documents, monkeypatch):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setattr(querysets, "RARE_MATCHES", 1)  # the words are common: the scope is read
    with CaptureQueriesContext(connection) as ctx:
        found = list(Document.objects.visible_to(agency.head_a).search("quyết định ĐẦU TƯ"))
    # The same rows as the plain search: the head's department and unit, sent to the unit, led
    # by the head; not the confidential one, not another department's.
    assert {d.pk for d in found} == {documents[k].pk for k in ("unit", "dept", "led", "sent")}

    step = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("(SELECT") and " UNION " in q["sql"]]
    assert len(step) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    plan = explain(step[0])
    # The named documents: the officer and drafter indexes.
    assert "officer" in plan and "created_by" in plan, plan
    # The departments' documents: an index-only scan of the covering index (migration
    # documents/0011), the words tested on the index entries. The documents sent to them: looked
    # up by id (`doc_id_search` on the bench data; a few rows here take the primary key).
    covering = explain(step[0], "enable_bitmapscan")
    assert "Index Only Scan using doc_department_search" in covering, covering
    assert "Index Cond: (id = ANY ($" in covering, covering
    # Which ids to look up: the recipient rows of the head's departments whose copy of the search
    # text holds the words, one range per department of `doc_recipient_search` (migration
    # documents/0014), not every document sent to them (~29,600 lookups for a head of ten units).
    assert re.search(r"Index Only Scan using doc_recipient_search .*\n(.*\n)?\s*Filter: \(\(strpos\(search_text", covering), covering
    # Not the date index, not the trigram bitmap whose selectivity PostgreSQL misjudges.
    assert "register_date" not in plan and "Backward" not in plan, plan
    assert "doc_search_trgm" not in plan, plan
    assert_page_read_by_ids(ctx)


def test_small_scope_search_of_a_rare_word_asks_the_trigram_index_alone(agency, documents):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with CaptureQueriesContext(connection) as ctx:
        found = list(Document.objects.visible_to(agency.head_a).search("VinFast"))
    assert [d.pk for d in found] == [documents["unit"].pk]
    probe = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "documents_document"."id" AS "pk"')
             and "LIKE" in q["sql"]]
    assert len(probe) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    # As the probe runs it: only the trigram bitmap may serve it, bounded by LIMIT and a timeout.
    plan = explain(probe[0], "enable_indexscan")
    assert "Bitmap Index Scan on doc_search_trgm" in plan, plan
    assert "LIMIT 2001" in probe[0], probe[0]
    assert_page_read_by_ids(ctx)


def assert_page_read_by_ids(ctx):
    # The page itself: the found ids by the primary key, then sorted — no date walk.
    page = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "documents_document"."id", ')]
    page_plan = explain(page[-1])
    assert "Index Cond: (id = " in page_plan, page_plan  # the primary key or doc_id_search
    assert "Backward" not in page_plan and "doc_search_trgm" not in page_plan, page_plan


def test_officer_search_of_common_words_reads_their_own_documents_by_index(agency, documents, monkeypatch):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setattr(querysets, "RARE_MATCHES", 1)
    with CaptureQueriesContext(connection) as ctx:
        mine = list(Document.objects.visible_to(agency.officer_b).search("quyet dinh"))
    assert mine == []
    steps = [q["sql"] for q in ctx.captured_queries
             if q["sql"].startswith('SELECT "documents_document"."id" AS "pk"') and "strpos" in q["sql"].lower()]
    assert len(steps) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    plan = explain(steps[0])
    assert "officer" in plan and "Backward" not in plan and "register_date" not in plan, plan


def register_ids(client, url) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', client.get(url).content.decode())]


@pytest.mark.parametrize("query", ["", "?direction=incoming", "?page=2", "?sort=number"])
def test_small_scope_register_list_reads_its_page_and_count_over_the_scope_ids(
        agency, documents, login, monkeypatch, query):
    """A unit head's register at 2M documents: PostgreSQL guessed 1.5M rows for the scope's OR
    (9,700 in fact), so the capped count read the whole table (1 s) and a deep page walked the
    date index through it (1.7 s). The page and the count are read over the scope's ids."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    client = login(agency.head_a)
    url = reverse("documents:list") + query
    with CaptureQueriesContext(connection) as ctx:
        narrowed = register_ids(client, url)
    # Exactly the rows, in the order, of the plain query (the scope too large to be narrowed).
    monkeypatch.setattr(querysets, "SMALL_SCOPE_IDS", 1)
    with CaptureQueriesContext(connection) as plain_ctx:
        plain = register_ids(client, url)
    assert narrowed == plain and len(plain) >= 2
    steps = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("(SELECT") and " UNION " in q["sql"]]
    assert len(steps) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    assert "LIMIT 15001" in steps[0], steps[0]

    def reads(captured):  # the page and the count, over the ids
        return [q["sql"] for q in captured if q["sql"].startswith(('SELECT "documents_document"."id", ', "SELECT COUNT(*)"))
                and '"documents_document"."id" = ANY(' in q["sql"]]

    assert not reads(plain_ctx.captured_queries)
    reads = reads(ctx.captured_queries)
    assert len(reads) == (2 if "page=2" in query else 1), [q["sql"][:120] for q in ctx.captured_queries]
    if "direction" in query:
        return  # on these few rows another filter's index may rightly serve it
    # The count by the primary key, not a read of the table. (Which index serves the page the
    # planner decides from the number of ids: on these few rows, a date index may do.)
    plan = explain(next(sql for sql in reads if sql.startswith("SELECT COUNT(*)")))
    assert "Index Cond: (id = ANY" in plan, plan
    assert "Backward" not in plan, plan


def test_the_agency_register_is_not_narrowed_to_ids(agency, documents, login):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    client = login(agency.clerk)
    with CaptureQueriesContext(connection) as ctx:
        assert register_ids(client, reverse("documents:list"))
    assert not [q for q in ctx.captured_queries if " UNION " in q["sql"]]
