"""E against hand-counted fixtures: boundaries, empty periods, moves, confidential documents."""

import datetime

import pytest
from django.core.management import call_command

from documents.choices import Confidentiality, Direction, Form
from documents.models import Document
from reports.compliance import compute_month
from reports.models import Metric, Snapshot

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def figure(scope_key, month=MARCH, metric=Metric.ELECTRONIC_EXCHANGE):
    snapshot = Snapshot.objects.filter(month=month, metric=metric, scope_key=scope_key).first()
    return (snapshot.numerator, snapshot.denominator, snapshot.excluded) if snapshot else None


def test_ratio_per_department_officer_and_agency(agency, make_document):
    # dept_a: officer_a 3 electronic + 1 paper; officer_a2 1 paper. dept_b: officer_b 2 electronic.
    for _ in range(3):
        make_document(agency.dept_a, agency.officer_a)
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)
    make_document(agency.dept_a, agency.officer_a2, form=Form.PAPER, direction=Direction.OUTGOING)
    make_document(agency.dept_b, agency.officer_b, direction=Direction.INTERNAL)
    make_document(agency.dept_b, agency.officer_b)
    compute_month(MARCH)
    assert figure(f"department:{agency.dept_a.pk}") == (3, 5, 0)
    assert figure(f"department:{agency.dept_b.pk}") == (2, 2, 0)
    assert figure(f"officer:{agency.officer_a.pk}") == (3, 4, 0)
    assert figure(f"officer:{agency.officer_a2.pk}") == (0, 1, 0)
    assert figure("agency") == (5, 7, 0)
    assert Snapshot.objects.get(scope_key=f"department:{agency.dept_a.pk}", metric="E").ratio == 60.0


def test_a_department_includes_its_units(agency, make_document):
    make_document(agency.unit_a1, agency.officer_a1_unit, form=Form.PAPER)
    make_document(agency.dept_a, agency.officer_a)
    compute_month(MARCH)
    assert figure(f"department:{agency.unit_a1.pk}") == (0, 1, 0)
    assert figure(f"department:{agency.dept_a.pk}") == (1, 2, 0)


def test_month_boundaries_are_local_dates(agency, make_document):
    make_document(agency.dept_a, day=datetime.date(2026, 2, 28))
    make_document(agency.dept_a, day=datetime.date(2026, 3, 1))
    make_document(agency.dept_a, day=datetime.date(2026, 3, 31))
    make_document(agency.dept_a, day=datetime.date(2026, 4, 1))
    compute_month(MARCH)
    assert figure(f"department:{agency.dept_a.pk}") == (2, 2, 0)


def test_year_boundary(agency, make_document):
    make_document(agency.dept_a, day=datetime.date(2025, 12, 31), form=Form.PAPER)
    make_document(agency.dept_a, day=datetime.date(2026, 1, 1))
    compute_month(datetime.date(2025, 12, 1))
    compute_month(datetime.date(2026, 1, 1))
    assert figure(f"department:{agency.dept_a.pk}", month=datetime.date(2025, 12, 1)) == (0, 1, 0)
    assert figure(f"department:{agency.dept_a.pk}", month=datetime.date(2026, 1, 1)) == (1, 1, 0)


def test_empty_period_has_no_ratio(agency, make_document):
    make_document(agency.dept_a)
    compute_month(datetime.date(2026, 4, 1))
    assert Snapshot.objects.filter(month=datetime.date(2026, 4, 1)).count() == 0
    assert figure(f"department:{agency.dept_b.pk}") is None
    assert Snapshot(numerator=0, denominator=0).ratio is None


def test_confidential_documents_are_left_out_and_counted_beside(agency, make_document, settings):
    make_document(agency.dept_a)
    make_document(agency.dept_a, form=Form.PAPER, confidentiality=Confidentiality.SECRET)
    compute_month(MARCH)
    assert figure(f"department:{agency.dept_a.pk}") == (1, 1, 1)
    settings.COMPLIANCE_EXCLUDE_CONFIDENTIAL = False
    compute_month(MARCH)
    assert figure(f"department:{agency.dept_a.pk}") == (1, 2, 0)


def test_documents_keep_the_department_they_were_counted_for(agency, make_document):
    """An officer who moves leaves earlier months where they were counted."""
    make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 1, 15))
    agency.officer_a.department = agency.dept_b
    agency.officer_a.save()
    make_document(agency.dept_b, agency.officer_a, day=datetime.date(2026, 6, 15))
    compute_month(datetime.date(2026, 1, 1))
    compute_month(datetime.date(2026, 6, 1))
    assert figure(f"department:{agency.dept_a.pk}", month=datetime.date(2026, 1, 1)) == (1, 1, 0)
    assert figure(f"department:{agency.dept_b.pk}", month=datetime.date(2026, 1, 1)) is None
    assert figure(f"department:{agency.dept_b.pk}", month=datetime.date(2026, 6, 1)) == (1, 1, 0)


def test_recomputing_is_idempotent_and_follows_changes(agency, make_document):
    doc = make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)
    compute_month(MARCH)
    compute_month(MARCH)
    assert Snapshot.objects.filter(month=MARCH, metric="E").count() == 3  # agency, dept_a, officer_a
    assert figure(f"department:{agency.dept_a.pk}") == (0, 1, 0)
    # The document changes form and department: the recomputation follows, and dept_a's row goes.
    Document.objects.filter(pk=doc.pk).update(form=Form.ELECTRONIC, department=agency.dept_b)
    compute_month(MARCH)
    assert figure(f"department:{agency.dept_b.pk}") == (1, 1, 0)
    assert figure(f"department:{agency.dept_a.pk}") is None
    # A deleted document no longer counts.
    Document.all_objects.filter(pk=doc.pk).update(is_deleted=True)
    compute_month(MARCH)
    assert Snapshot.objects.filter(month=MARCH).count() == 0


def test_management_command_recomputes_a_range(agency, make_document, capsys):
    make_document(agency.dept_a, day=datetime.date(2026, 1, 5))
    make_document(agency.dept_a, day=datetime.date(2026, 3, 5))
    call_command("compute_compliance", "--from", "2026-01", "--to", "2026-03")
    assert figure(f"department:{agency.dept_a.pk}", month=datetime.date(2026, 1, 1)) == (1, 1, 0)
    assert figure(f"department:{agency.dept_a.pk}") == (1, 1, 0)
    assert "03/2026" in capsys.readouterr().out


def test_computation_is_sql_aggregates_not_a_loop(agency, make_document, django_assert_max_num_queries):
    for index in range(40):
        make_document(agency.dept_a if index % 2 else agency.dept_b, agency.officer_a)
    # Department paths, one GROUP BY per metric, the upserts and the stale deletes: a fixed number
    # of statements whatever the number of documents.
    with django_assert_max_num_queries(12):
        compute_month(MARCH)
