"""What a month's computation writes, statement by statement (issue 16: the first computation
cost 3.4x the raw aggregate). The figures themselves are checked in test_compliance.py and,
independently counted, in tests/faults/test_worker_killed.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.choices import Form
from documents.models import Document
from reports.compliance import compute_month
from reports.models import CandidateSnapshot, ReportMonth, Snapshot

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def writes(ctx):
    return [q["sql"].strip().split(None, 3)[:3] for q in ctx.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE", "CREATE", "DROP"))]


def test_a_first_computation_inserts_each_metric_in_one_statement(agency, make_document):
    make_document(agency.dept_a, agency.officer_a)
    make_document(agency.dept_b, agency.officer_b, form=Form.PAPER)
    with CaptureQueriesContext(connection) as ctx:
        compute_month(MARCH)
    table = Snapshot._meta.db_table
    # The month's state, then one plain INSERT per metric: no temporary table, no stale delete.
    assert writes(ctx) == [["INSERT", "INTO", "reports_reportmonth"], ["INSERT", "INTO", table], ["INSERT", "INTO", table]]
    assert not any("ON CONFLICT" in q["sql"] for q in ctx.captured_queries if table in q["sql"])
    assert Snapshot.objects.filter(month=MARCH, metric="E").count() == 5  # agency, A, B, officer A, officer B


def test_a_refresh_upserts_changes_and_drops_stale_scopes_without_a_temporary_table(agency, make_document):
    document = make_document(agency.dept_a, agency.officer_a)
    make_document(agency.dept_b, agency.officer_b)
    compute_month(MARCH)
    Document.objects.filter(pk=document.pk).update(department=agency.dept_b, officer=agency.officer_b)
    with CaptureQueriesContext(connection) as ctx:
        compute_month(MARCH)
    assert not any(w[0] in ("CREATE", "DROP") for w in writes(ctx))
    keys = set(Snapshot.objects.filter(month=MARCH, metric="E").values_list("scope_key", flat=True))
    assert keys == {"agency", f"department:{agency.dept_b.pk}", f"officer:{agency.officer_b.pk}"}
    assert not Snapshot.objects.filter(scope="stale").exists()


def test_a_closed_month_unchanged_leaves_no_candidate_and_a_change_leaves_one(agency, make_document):
    document = make_document(agency.dept_a, agency.officer_a)
    compute_month(MARCH)
    ReportMonth.objects.filter(month=MARCH).update(closed_at=datetime.datetime(2026, 4, 10, tzinfo=datetime.UTC))
    compute_month(MARCH)
    assert not CandidateSnapshot.objects.exists() and ReportMonth.objects.get(month=MARCH).candidate_at is None
    Document.objects.filter(pk=document.pk).update(form=Form.PAPER)
    compute_month(MARCH)
    assert ReportMonth.objects.get(month=MARCH).candidate_at is not None
    assert CandidateSnapshot.objects.get(month=MARCH, metric="E", scope_key="agency").numerator == 0
    assert Snapshot.objects.get(month=MARCH, metric="E", scope_key="agency").numerator == 1  # frozen


def test_a_refresh_of_an_unchanged_month_writes_nothing_and_counts_nothing_again(agency, make_document):
    make_document(agency.dept_a, agency.officer_a)
    first = compute_month(MARCH)
    with CaptureQueriesContext(connection) as ctx:
        again = compute_month(MARCH)
    table = Snapshot._meta.db_table
    # The month's state, one upsert per metric (writing no row), and no stale delete or recount.
    assert writes(ctx) == [["INSERT", "INTO", "reports_reportmonth"], ["INSERT", "INTO", table], ["INSERT", "INTO", table]]
    assert again == first and first["E"] == Snapshot.objects.filter(month=MARCH, metric="E").count() > 0
    assert sum(q["sql"].count("COUNT(*) FROM") for q in ctx.captured_queries) == 1


def test_a_refresh_that_empties_a_metric_reports_no_scope_for_it(agency, make_document):
    document = make_document(agency.dept_a, agency.officer_a)
    assert compute_month(MARCH)["E"] > 0
    Document.objects.filter(pk=document.pk).update(is_deleted=True)
    written = compute_month(MARCH)
    assert written["E"] == 0 == Snapshot.objects.filter(month=MARCH, metric="E").count()


@pytest.mark.parametrize("exclude_confidential", [True, False])
def test_the_grouped_statements_compiled_once_are_the_orms_for_each_month(settings, exclude_confidential):
    """compliance.grouped_statements reuses the ORM's SQL compiled with placeholder dates: for any
    month it is the statement the querysets give, the month's dates in it, per setting."""
    from reports.compliance import e_grouped_rows, grouped_statements, h_grouped_rows

    settings.COMPLIANCE_EXCLUDE_CONFIDENTIAL = exclude_confidential
    for start, end in ((MARCH, datetime.date(2026, 4, 1)), (datetime.date(2025, 12, 1), datetime.date(2026, 1, 1))):
        expected = [(metric, *rows.query.sql_with_params())
                    for metric, rows in (("E", e_grouped_rows(start, end)), ("H", h_grouped_rows(start, end)))]
        assert [(metric, sql, tuple(params)) for metric, sql, params in grouped_statements(start, end)] == \
            [(metric, sql, tuple(params)) for metric, sql, params in expected]
