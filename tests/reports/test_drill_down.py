"""Drill-down by the department recorded at the time (issue 14, part 4): a department's officer
rows are the people counted for it in the period, former members included and marked, so they add
up to the department's figure; an officer's links filter by that department."""

import datetime

import pytest
from django.urls import reverse

from documents.choices import Form
from reports import dashboard
from reports.compliance import compute_month, months_between

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(agency, make_document):
    """officer_a works in dept_a until June and in dept_b from July; in July one letter he was
    given before the move still counts for dept_a. officer_a2 stays in dept_a."""
    a, b = agency.dept_a, agency.dept_b
    for month in range(1, 7):
        make_document(a, agency.officer_a, day=datetime.date(2026, month, 3), form=Form.ELECTRONIC)
        make_document(a, agency.officer_a2, day=datetime.date(2026, month, 4), form=Form.PAPER)
    make_document(a, agency.officer_a, day=datetime.date(2026, 7, 2), form=Form.PAPER)
    for month in (7, 8):
        make_document(b, agency.officer_a, day=datetime.date(2026, month, 10), form=Form.ELECTRONIC)
        make_document(b, agency.officer_b, day=datetime.date(2026, month, 11), form=Form.ELECTRONIC)
    make_document(a, None, day=datetime.date(2026, 8, 5), form=Form.PAPER)  # given to dept_a, no officer yet
    type(agency.officer_a).objects.filter(pk=agency.officer_a.pk).update(department=b)
    for month in months_between(datetime.date(2026, 1, 1), datetime.date(2026, 8, 1)):
        compute_month(month)
    agency.officer_a.refresh_from_db()
    return agency


def sums(rows, attr):
    figures = [getattr(row, attr) for row in rows]
    return sum(f.numerator for f in figures), sum(f.denominator for f in figures)


@pytest.mark.parametrize("month", [datetime.date(2026, 6, 1), datetime.date(2026, 7, 1), datetime.date(2026, 8, 1)])
def test_officer_rows_add_up_to_the_department_after_a_move(moved, month):
    for department in (moved.dept_a, moved.dept_b):
        data = dashboard.build(moved.clerk, month, department=department)
        for attr in ("e_month", "e_year"):
            head = getattr(data.headline, attr)
            assert sums(data.rows, attr) == (head.numerator, head.denominator), (department.name, month, attr)


def test_the_moved_officer_is_marked_in_his_former_department_with_its_figures_only(moved):
    data = dashboard.build(moved.clerk, datetime.date(2026, 8, 1), department=moved.dept_a)
    row = next(r for r in data.rows if r.officer_id == moved.officer_a.pk)
    assert row.former and "(đã chuyển khỏi đơn vị)" in row.label
    assert (row.e_year.numerator, row.e_year.denominator) == (6, 7)  # Jan–Jun electronic, July's paper letter
    assert f"department={moved.dept_a.pk}&officer={moved.officer_a.pk}" in row.e_year.denominator_url
    unassigned = next(r for r in data.rows if r.officer_id is None)
    assert (unassigned.e_month.numerator, unassigned.e_month.denominator) == (0, 1)

    in_b = dashboard.build(moved.clerk, datetime.date(2026, 8, 1), department=moved.dept_b)
    row_b = next(r for r in in_b.rows if r.officer_id == moved.officer_a.pk)
    assert not row_b.former and (row_b.e_year.numerator, row_b.e_year.denominator) == (2, 2)


def test_the_officer_link_opens_the_records_of_that_department_only(moved, login):
    data = dashboard.build(moved.clerk, datetime.date(2026, 8, 1), department=moved.dept_a)
    row = next(r for r in data.rows if r.officer_id == moved.officer_a.pk)
    page = login(moved.clerk).get(row.e_year.denominator_url).content.decode()
    # His 7 records counted for dept_a (Jan–Jul), not the 2 of dept_b.
    assert "7 văn bản phù hợp" in page
    page_b = login(moved.clerk).get(reverse("reports:department", args=[moved.dept_a.pk]), {"month": "2026-08"}).content.decode()
    assert 'data-former="1"' in page_b and moved.officer_a.full_name in page_b
