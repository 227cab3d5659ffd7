"""A search in a department's or an officer's scope (issue 16) reads the scope's rows by the
indexes designed for it — never a backwards walk of the register_date index filtering by scope,
which PostgreSQL chose when it misjudged the words' selectivity (0.8 s for a rare word on 2M
documents). PostgreSQL only: skipped on SQLite, failed in CI without it (`require`)."""

import re

import pytest
from django.db import connection
from django.db.models import Q
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
    Document.objects.bulk_create(
        [
            Document(
                direction=Direction.INCOMING,
                series="bulk",
                register_year=day.year,
                number=i,
                number_symbol=f"{i}/BULK",
                summary="Văn bản thử",
                register_date=day,
                document_date=day,
                department=department,
                search_text=f"{i}/bulk van ban thu " + "x" * 200,
            )
            for i, department in enumerate([agency.dept_a, agency.unit_a1, agency.dept_b] * 1000, start=1)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE documents_document")
        cursor.execute("VACUUM ANALYZE documents_document_recipient_departments")
    return made


def test_small_scope_search_of_common_words_reads_the_scope_by_its_own_indexes_not_the_date_index(
    agency, documents, monkeypatch
):
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
    assert re.search(
        r"Index Only Scan using doc_recipient_search .*\n(.*\n)?\s*Filter: \(\(strpos\(search_text", covering
    ), covering
    # Not the date index, not the trigram bitmap whose selectivity PostgreSQL misjudges. (The
    # dates are read with the ids, from the same entries: the column is named, no index of it.)
    assert not walks_a_date_index(plan) and "Backward" not in plan, plan
    assert "doc_search_trgm" not in plan, plan
    assert_page_read_by_ids(ctx)


def test_small_scope_search_of_a_rare_word_asks_the_trigram_index_alone(agency, documents):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with CaptureQueriesContext(connection) as ctx:
        found = list(Document.objects.visible_to(agency.head_a).search("VinFast"))
    assert [d.pk for d in found] == [documents["unit"].pk]
    probe = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "documents_document"."id" AS "pk"') and "LIKE" in q["sql"]
    ]
    assert len(probe) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    # As the probe runs it: only the trigram bitmap may serve it, bounded by LIMIT and a timeout.
    plan = explain(probe[0], "enable_indexscan")
    assert "Bitmap Index Scan on doc_search_trgm" in plan, plan
    assert "LIMIT 2001" in probe[0], probe[0]
    assert_page_read_by_ids(ctx)


def walks_a_date_index(plan: str) -> bool:
    """An index ordered by register_date: the plain one, doc_date_scope or doc_direction_scope."""
    return bool(re.search(r"(using|Scan on) (\S*register_date\S*|doc_date_scope|doc_direction_scope) ", plan))


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
    steps = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "documents_document"."id" AS "pk"') and "strpos" in q["sql"].lower()
    ]
    assert len(steps) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    plan = explain(steps[0])
    assert "officer" in plan and "Backward" not in plan and not walks_a_date_index(plan), plan


def register_ids(client, url) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', client.get(url).content.decode())]


def register_page(client, url) -> tuple[list[int], str]:
    """The page's ids and the count it shows ("1.234 văn bản phù hợp · trang 2, …")."""
    html = client.get(url).content.decode()
    shown = re.search(r'data-testid="result-count">([^<]*)<', html)
    return [int(pk) for pk in re.findall(r'href="/documents/(\d+)/"', html)], shown.group(1) if shown else ""


@pytest.mark.parametrize("query", ["", "?direction=incoming", "?page=2", "?sort=number"])
def test_small_scope_register_list_reads_its_page_and_count_over_the_scope_ids(
    agency, documents, login, monkeypatch, query
):
    """A unit head's register at 2M documents: PostgreSQL guessed 1.5M rows for the scope's OR
    (9,700 in fact), so the capped count read the whole table (1 s) and a deep page walked the
    date index through it (1.7 s). The page and the count are read over the scope's ids."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    client = login(agency.head_a)
    url = reverse("documents:list") + query
    with CaptureQueriesContext(connection) as ctx:
        narrowed = register_page(client, url)
    # Exactly the rows, in the order, and the count of the plain query (the scope too large to
    # be narrowed, and a filter on top: counted by a COUNT query as ever).
    monkeypatch.setattr(querysets, "SMALL_SCOPE_IDS", 1)
    with CaptureQueriesContext(connection) as plain_ctx:
        plain = register_page(client, url)
    assert narrowed == plain and len(plain[0]) >= 2 and "văn bản" in plain[1]
    steps = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("(SELECT") and " UNION " in q["sql"]]
    assert len(steps) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    assert "LIMIT 15001" in steps[0], steps[0]

    def reads(captured):  # the page and the count, over the ids
        return [
            q["sql"]
            for q in captured
            if q["sql"].startswith(('SELECT "documents_document"."id", ', "SELECT COUNT(*)"))
            and '"documents_document"."id" = ANY(' in q["sql"]
        ]

    assert not reads(plain_ctx.captured_queries)
    assert [
        q
        for q in plain_ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "documents_document" in q["sql"]
    ]
    reads = reads(ctx.captured_queries)
    if "direction" not in query:
        # No filter but the scope: the scope's ids are the rows, their number the count shown.
        # No COUNT query at all (it read each id by the primary key: 38,000 buffers for a unit
        # head's 9,700 documents), only the page over the ids after the first.
        assert not [
            q
            for q in ctx.captured_queries
            if q["sql"].startswith("SELECT COUNT(*)") and "documents_document" in q["sql"]
        ]
        assert len(reads) == (1 if "page=2" in query else 0), [q["sql"][:120] for q in ctx.captured_queries]
        return
    assert len(reads) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    # A filter on top (on these few rows another filter's index may rightly serve the count):
    # the count over the ids, not a read of the table.
    assert reads[0].startswith("SELECT COUNT(*)"), reads[0][:120]
    assert "Backward" not in explain(reads[0]), explain(reads[0])


def test_the_agency_register_is_not_narrowed_to_ids(agency, documents, login):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    client = login(agency.clerk)
    with CaptureQueriesContext(connection) as ctx:
        assert register_ids(client, reverse("documents:list"))
    assert not [q for q in ctx.captured_queries if " UNION " in q["sql"]]


def count_queries(captured) -> int:
    return len([q for q in captured if "COUNT(" in q["sql"].upper() and "documents_document" in q["sql"]])


def test_count_known_from_the_scope_ids_is_the_plain_count_and_forgotten_after_a_filter(agency, documents, monkeypatch):
    """The scope's ids read for a narrowed register or search give its count without a COUNT
    query — only while no filter narrows the rows further (issue 16)."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from recordsportal.pagination import capped_count

    head = agency.head_a
    plain = Document.objects.visible_to(head)
    expected = len(list(plain.values_list("pk", flat=True)))
    incoming = plain.filter(direction=Direction.INCOMING).count()
    assert 0 < incoming < expected

    with CaptureQueriesContext(connection) as ctx:
        narrowed = Document.objects.visible_to(head).in_small_scope()
        assert narrowed.count() == expected
        assert capped_count(narrowed, cap=10) == (10, True)
    assert count_queries(ctx.captured_queries) == 0
    # Another filter after: counted by a query, and right.
    with CaptureQueriesContext(connection) as ctx:
        assert narrowed.filter(direction=Direction.INCOMING).count() == incoming
        assert narrowed.exclude(direction=Direction.INCOMING).count() == expected - incoming
        assert narrowed.extra(where=["direction = %s"], params=[Direction.INCOMING]).count() == incoming
    assert count_queries(ctx.captured_queries) == 3
    assert narrowed.none().count() == 0
    assert (
        narrowed.values_list("pk", flat=True)
        .union(Document.objects.filter(department=agency.dept_b).values_list("pk", flat=True))
        .count()
        > expected
    )
    # A filter before the narrowing: the ids are the scope's, not the rows', so a query too.
    filtered = Document.objects.visible_to(head).filter(direction=Direction.INCOMING).in_small_scope()
    with CaptureQueriesContext(connection) as ctx:
        assert filtered.count() == incoming
    assert count_queries(ctx.captured_queries) == 1

    # A scope over SMALL_SCOPE_IDS: at least the ids read, enough for a capped count below them.
    monkeypatch.setattr(querysets, "SMALL_SCOPE_IDS", 5)
    large = Document.objects.visible_to(head).in_small_scope()
    with CaptureQueriesContext(connection) as ctx:
        assert capped_count(large, cap=3) == (3, True)
    assert count_queries(ctx.captured_queries) == 0
    with CaptureQueriesContext(connection) as ctx:  # more than it knows: counted
        assert capped_count(large, cap=expected + 5) == (expected, False)
        assert large.count() == expected
    assert count_queries(ctx.captured_queries) == 2


def test_count_of_a_scoped_search_is_its_matches_without_a_count_query(agency, documents, monkeypatch):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    monkeypatch.setattr(querysets, "RARE_MATCHES", 1)  # the scope is read: its matches are the rows
    for user in (agency.head_a, agency.officer_a):
        expected = len(list(Document.objects.visible_to(user).filter(search_text__contains="quyet dinh")))
        found = Document.objects.visible_to(user).search("Quyết định")
        with CaptureQueriesContext(connection) as ctx:
            assert found.count() == expected
        assert count_queries(ctx.captured_queries) == 0
        # A filter after the search: a COUNT query, and the right number.
        incoming = (
            Document.objects.visible_to(user)
            .filter(search_text__contains="quyet dinh", direction=Direction.INTERNAL)
            .count()
        )
        with CaptureQueriesContext(connection) as ctx:
            assert found.filter(direction=Direction.INTERNAL).count() == incoming
        # (No matches at all: `pk IN ()`, which Django answers without a query.)
        assert count_queries(ctx.captured_queries) == (1 if expected else 0)
    # A rare word's ids are the agency's matches, not the scope's: counted by a query.
    monkeypatch.setattr(querysets, "RARE_MATCHES", 2000)
    rare = Document.objects.visible_to(agency.head_a).search("dau tu")
    with CaptureQueriesContext(connection) as ctx:
        assert rare.count() == len(
            list(Document.objects.visible_to(agency.head_a).filter(search_text__contains="dau tu"))
        )
    assert count_queries(ctx.captured_queries) >= 1


def test_head_filtered_register_count_reads_the_direction_index_alone(agency, documents, login):
    """The capped count of a head's list with a direction and a year: the scope's columns are in
    the entries of `doc_direction_scope` (migration documents/0016), so it is an index-only
    scan — not the date index walked through the heap (27,175 buffers for the head of ten units
    on the bench's 2M documents; 2,388 index-only)."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    year = documents["dept"].register_date.year
    client = login(agency.head_a)
    url = reverse("documents:list") + f"?direction=incoming&year={year}"
    with CaptureQueriesContext(connection) as ctx, pytest.MonkeyPatch.context() as patch:
        patch.setattr(querysets, "SMALL_SCOPE_IDS", 1)  # a scope too large to be read by its ids
        assert register_ids(client, url)
    count = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "documents_document" in q["sql"]
    ]
    assert len(count) == 1, [q["sql"][:120] for q in ctx.captured_queries]
    plan = explain(count[0], "enable_bitmapscan")
    assert "Index Only Scan using doc_direction_scope" in plan, plan


def undated(document, **fields):
    """The document without a register date (an imported one may have none)."""
    Document.objects.filter(pk=document.pk).update(register_date=None, **fields)
    return document


def page_query(captured) -> str:
    pages = [q["sql"] for q in captured if q["sql"].startswith('SELECT "documents_document"."id", ')]
    assert len(pages) == 1, [q["sql"][:120] for q in captured]
    return pages[0]


def array_length(sql: str) -> int:
    """The number of ids in the page's `"documents_document"."id" = ANY('{…}')` (one such array)."""
    arrays = re.findall(r"\"documents_document\".\"id\" = ANY\('\{([\d,]*)\}'", sql)
    assert len(arrays) == 1, sql[:300]
    return len(arrays[0].split(","))


@pytest.mark.parametrize("small", [True, False])
def test_register_pages_chosen_by_the_scopes_dates_are_the_plain_pages(
    agency, documents, make_document, monkeypatch, small
):
    """A page of a head's register in the model's order (-register_date, -id) reads just its rows
    (issue 16): a small scope's page is chosen from the dates read with its ids (a unit head's
    page 150 read all his 9,687 rows to sort them), a large scope's from the entries of
    `doc_date_scope` (the head of ten units' page 200 walked the date index through the heap).
    The rows are the plain query's, in its order — ties on the date by id, a document without a
    date first, as PostgreSQL sorts NULL in a descending order."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    no_date = undated(make_document(agency.dept_a))
    if not small:
        monkeypatch.setattr(querysets, "SMALL_SCOPE_IDS", 5)
    head = agency.head_a
    plain = Document.objects.visible_to(head).select_related("department", "officer")
    total = plain.count()
    assert total > 2000 and plain[0:1][0].pk == no_date.pk
    for start, stop in [(0, 51), (50, 101), (1950, 2001), (total - 30, total + 21)]:
        expected = [d.pk for d in plain[start:stop]]
        narrowed = plain.in_small_scope()
        with CaptureQueriesContext(connection) as ctx:
            assert [d.pk for d in narrowed[start:stop]] == expected, (start, stop)
        sql = page_query(ctx.captured_queries)
        if small:  # the slice's ids alone, by the primary key
            assert array_length(sql) == len(expected)
            assert "Index Cond: (id = ANY (" in explain(sql), explain(sql)
        else:  # the ids chosen by an index-only walk of doc_date_scope, then those rows
            assert "Index Only Scan Backward using doc_date_scope" in explain(sql, "enable_bitmapscan"), explain(sql)
    # The whole register's order too (every page of it).
    assert [d.pk for d in plain.in_small_scope()[0:total]] == [d.pk for d in plain[0:total]]
    # reverse(): the oldest first.
    assert [d.pk for d in plain.in_small_scope().reverse()[0:60]] == [d.pk for d in plain.reverse()[0:60]]
    # Another order, a filter: the slice is Django's (the ids are not the rows' order or the rows).
    by_number = plain.in_small_scope().order_by("number", "id")
    assert [d.pk for d in by_number[10:20]] == [d.pk for d in plain.order_by("number", "id")[10:20]]
    incoming = plain.in_small_scope().filter(direction=Direction.INTERNAL)
    assert [d.pk for d in incoming[0:5]] == [d.pk for d in plain.filter(direction=Direction.INTERNAL)[0:5]]


def test_scoped_search_page_reads_only_its_matches_in_order(agency, documents, make_document, monkeypatch, login):
    """A head's search reads its matches with their dates: the page is the slice's ids alone (the
    head's `trien khai` read all 4,961 matches to sort them: 19,961 buffers, 617 after), the
    rows and the count shown are the plain search's."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from django.urls import reverse

    no_date = undated(make_document(agency.unit_a1), search_text=search_key("Văn bản thử không ngày"))
    monkeypatch.setattr(querysets, "RARE_MATCHES", 1)  # the scope's matches are read
    head = agency.head_a
    expected = [d.pk for d in Document.objects.visible_to(head).filter(search_text__contains="van ban thu")]
    assert len(expected) > 2000 and expected[0] == no_date.pk
    found = Document.objects.visible_to(head).search("Văn bản thử")
    with CaptureQueriesContext(connection) as ctx:
        assert [d.pk for d in found[0:51]] == expected[0:51]
    assert array_length(page_query(ctx.captured_queries)) == 51
    assert [d.pk for d in found[1000:1051]] == expected[1000:1051]
    assert [d.pk for d in found[0 : len(expected)]] == expected

    client = login(head)
    with CaptureQueriesContext(connection) as ctx:
        ids, shown = register_page(client, reverse("documents:list") + "?q=van+ban+thu&page=3")
    assert ids == expected[100:150] and f"{len(expected):,}".replace(",", ".") in shown, shown
    assert array_length(page_query(ctx.captured_queries)) == 51
    assert count_queries(ctx.captured_queries) == 0


@pytest.mark.parametrize(
    "filters",
    [
        {"direction": Direction.INCOMING},
        {"register_year": 2026, "register_date__range": ("2026-01-01", "2026-12-31")},
        {"register_date__gte": "2026-03-10", "register_date__lt": "2026-03-11", "direction": Direction.INTERNAL},
        {"register_date__lte": "2020-01-01"},
        {"number__gt": 5, "direction": Direction.INCOMING},  # the number: left to PostgreSQL
    ],
)
def test_filters_on_the_values_read_with_the_ids_give_the_plain_rows(agency, documents, make_document, filters):
    """A filtered small-scope register (`?direction=incoming&year=2025`: a unit head's count read
    his 9,687 ids by the primary key for 718 rows): the direction, the date and the year read with
    the ids (migration documents/0018) are tested on them, so the page reads its rows alone and
    the count only the ids that pass. The rows, their order and their number are the plain
    query's, whichever conditions are evaluated there and whichever are left to PostgreSQL."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    undated(make_document(agency.dept_a))
    make_document(agency.unit_a1, direction=Direction.INTERNAL)
    head = agency.head_a
    plain = Document.objects.visible_to(head).filter(**filters).select_related("department", "officer")
    expected = [d.pk for d in plain]
    narrowed = Document.objects.visible_to(head).filter(**filters).select_related("department").in_small_scope()
    for start, stop in [(0, 51), (50, 101), (len(expected) - 3, len(expected) + 48)]:
        with CaptureQueriesContext(connection) as ctx:
            assert [d.pk for d in narrowed[max(start, 0) : stop]] == expected[max(start, 0) : stop]
        if expected[max(start, 0) : stop] and "number__gt" not in filters:  # evaluated: the slice's ids alone
            assert array_length(page_query(ctx.captured_queries)) <= stop - max(start, 0)
    with CaptureQueriesContext(connection) as ctx:
        assert narrowed.count() == len(expected)
    if expected:  # counted by a query (a filter), over the ids that pass the conditions evaluated
        count = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(count) == 1 and array_length(count[0]) >= len(expected), count
        if "number__gt" not in filters:
            assert array_length(count[0]) == len(expected)
    # The same after a search: the words' matches, then the filter.
    searched = Document.objects.visible_to(head).search("van ban thu").filter(**filters)
    plain_search = Document.objects.visible_to(head).filter(search_text__contains="van ban thu", **filters)
    assert [d.pk for d in searched[0:51]] == [d.pk for d in plain_search[0:51]]
    assert searched.count() == plain_search.count()
    # A condition that is not a plain lookup (an OR, an exclude): left to PostgreSQL, same rows.
    either = narrowed.filter(Q(direction=Direction.INTERNAL) | Q(kind="QD")).exclude(number=1)
    assert [d.pk for d in either[0:51]] == [
        d.pk for d in plain.filter(Q(direction=Direction.INTERNAL) | Q(kind="QD")).exclude(number=1)[0:51]
    ]
