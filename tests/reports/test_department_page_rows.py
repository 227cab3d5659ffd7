"""A department's page (issue 14): its tables' rows built in Python (reports_tags.unit_rows and
officer_rows: as a template loop of tags, the page's figures were most of its CPU) give the HTML of
the loops they replaced, kept here as the reference; the figures of a page read in one aggregate
are those of figures_for; the officers' rows are read in one query with whether each is a member."""

import datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from documents.choices import Confidentiality, Form
from recordsportal.models import Department, User
from reports import dashboard
from reports import querysets as q
from reports.compliance import compute_month
from reports.models import Metric

pytestmark = pytest.mark.django_db

# The loops of templates/reports/department.html before they became unit_rows and officer_rows.
LABELS = (
    '{% load i18n reports_tags %}{% translate "VB điện tử trong tháng" as l_e_month %}'
    '{% translate "VB điện tử từ đầu năm" as l_e_year %}{% translate "HS điện tử trong tháng" as l_h_month %}'
    '{% translate "HS điện tử từ đầu năm" as l_h_year %}'
)
UNITS = (
    LABELS
    + """{% for row in d.units %}
      <tr><td class="card-title-cell"><a href="{% url 'reports:department' row.department_id %}?month={{ month|date:'Y-m' }}">{{ row.label }}</a></td>
        <td data-label="{{ l_e_month }}">{% figure row.e_month "unit-e-month" %}</td><td data-label="{{ l_e_year }}">{% figure row.e_year "unit-e-year" %}</td>
        <td data-label="{{ l_h_month }}">{% figure row.h_month "unit-h-month" %}</td><td data-label="{{ l_h_year }}">{% figure row.h_year "unit-h-year" %}</td></tr>
    {% endfor %}"""
)
OFFICERS = (
    LABELS
    + """{% for row in d.rows %}
      <tr{% if row.former %} data-former="1"{% endif %}><td class="card-title-cell">{{ row.label }}</td>
        <td data-label="{{ l_e_month }}">{% figure row.e_month "row-e-month" %}</td>
        <td data-label="{{ l_e_year }}">{% figure row.e_year "row-e-year" %}</td>
        <td data-label="{{ l_h_month }}">{% figure row.h_month "row-h-month" %}</td>
        <td data-label="{{ l_h_year }}">{% figure row.h_year "row-h-year" %}</td></tr>
    {% endfor %}"""
)


@pytest.fixture
def busy(agency, make_document):
    """dept_a with two units (one with markup in its name) and, over February–April 2026: electronic
    and paper records, a confidential one (E's excluded count), records with no officer, an officer
    who left for dept_b, and a person whose name holds markup. March is never computed."""
    from dossiers.models import Dossier

    a = agency.dept_a
    unit_b = Department.objects.create(name='Tổ <Kiểm tra> & "Giám sát"', abbreviation="KT", parent=a)
    tricky = User.objects.create(username="tricky", full_name="Lê <b>Văn</b> & 'Thử'", department=unit_b)

    def dossier(department, officer, day, form):
        number = Dossier.objects.count() + 1
        Dossier.objects.create(
            department=department,
            officer=officer,
            opened_on=day,
            form=form,
            year=day.year,
            title=f"Hồ sơ {number}",
            number_symbol=f"{number}.T",
            code=f"T.{day.year}.{number}",
        )

    for day in (datetime.date(2026, 2, 5), datetime.date(2026, 4, 6)):
        make_document(a, agency.officer_a, day=day, form=Form.ELECTRONIC)
        make_document(a, agency.officer_a2, day=day, form=Form.PAPER)
        make_document(agency.unit_a1, agency.officer_a1_unit, day=day, form=Form.ELECTRONIC)
        make_document(unit_b, tricky, day=day, form=Form.PAPER)
        make_document(a, None, day=day, form=Form.PAPER)
        make_document(a, agency.officer_a2, day=day, confidentiality=Confidentiality.SECRET)
        dossier(a, agency.officer_a, day, Form.ELECTRONIC)
        dossier(unit_b, tricky, day, Form.PAPER)
    make_document(a, agency.officer_a, day=datetime.date(2026, 3, 9), form=Form.PAPER)
    for month in (datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)):
        compute_month(month)
    User.objects.filter(pk=agency.officer_a.pk).update(department=agency.dept_b)
    return agency


@pytest.mark.parametrize("month", [datetime.date(2026, 4, 1), datetime.date(2026, 2, 1), datetime.date(2026, 5, 1)])
def test_the_department_rows_are_the_html_of_the_loops_they_replaced(busy, month):
    data = dashboard.build(busy.clerk, month, department=busy.dept_a)
    assert (
        len(data.units) == 2 and any(row.former for row in data.rows) and any(r.officer_id is None for r in data.rows)
    )
    context = {"d": data, "month": month}
    for language in ("vi", "en"):
        with translation.override(language):
            assert Template("{% load reports_tags %}{% unit_rows d.units month %}").render(
                Context(context)
            ) == Template(UNITS).render(Context(context))
            assert Template("{% load reports_tags %}{% officer_rows d.rows %}").render(Context(context)) == Template(
                OFFICERS
            ).render(Context(context))
    page = Template("{% load reports_tags %}{% officer_rows d.rows %}").render(Context(context))
    assert "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; &#x27;Thử&#x27;" in page and "<b>" not in page
    # The cases a figure draws: a ratio, "—", not computed (January and March), excluded confidential ones.
    assert all(mark in page for mark in ("figure-link", "—", "not-computed", "excluded-note", 'data-former="1"'))
    assert (
        Template("{% load reports_tags %}{% unit_rows d.units month %}{% officer_rows d.rows %}").render(
            Context({"d": {"units": [], "rows": []}, "month": month})
        )
        == ""
    )


def test_the_department_page_without_officers_says_so(agency, login):
    empty = Department.objects.create(name="Tổ trống", abbreviation="TT")
    page = login(agency.clerk).get(f"/reports/departments/{empty.pk}/", {"month": "2026-03"}).content.decode()
    assert '<tr><td colspan="5" class="text-muted">Không có cán bộ.</td></tr>' in page


@pytest.mark.parametrize("exclude", [True, False])
def test_the_page_figures_are_figures_for_each_metric_and_period(busy, exclude):
    keys = [
        "agency",
        q.department_key(busy.dept_a.pk),
        q.department_key(busy.unit_a1.pk),
        q.department_key(busy.dept_b.pk),
        q.officer_key(busy.officer_a.pk),
        q.officer_key(busy.clerk.pk),
        "nobody",
    ]
    metrics = (Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS)
    with override_settings(COMPLIANCE_EXCLUDE_CONFIDENTIAL=exclude):
        for month in (datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)):
            figures = q.page_figures(metrics, keys, month)
            for metric in metrics:
                for ytd in (False, True):
                    assert figures[(metric, ytd)] == q.figures_for(metric, keys, month, year_to_date=ytd), (
                        month,
                        metric,
                        ytd,
                    )


def test_the_trends_of_both_metrics_are_each_metrics_trend(busy):
    key = q.department_key(busy.dept_a.pk)
    both = q.trends((Metric.ELECTRONIC_EXCHANGE, Metric.ELECTRONIC_DOSSIERS), key, datetime.date(2026, 4, 1))
    months = [point["month"] for point in both[Metric.ELECTRONIC_EXCHANGE]]
    assert months[0] == datetime.date(2025, 5, 1) and months[-1] == datetime.date(2026, 4, 1) and len(months) == 12
    # February and April computed (2 of 5 documents, 1 of 2 dossiers electronic), March not.
    assert [point["ratio"] for point in both[Metric.ELECTRONIC_EXCHANGE]] == [None] * 9 + [40.0, None, 40.0]
    assert [point["ratio"] for point in both[Metric.ELECTRONIC_DOSSIERS]] == [None] * 9 + [50.0, None, 50.0]
    assert both[Metric.ELECTRONIC_DOSSIERS] == q.trend(Metric.ELECTRONIC_DOSSIERS, key, datetime.date(2026, 4, 1))


def test_people_counted_for_the_department_who_are_no_longer_active_members_are_marked_former(busy):
    """Former: moved to another department (officer_a), left with no department, or deactivated;
    today's members with no records are listed too."""
    User.objects.filter(pk=busy.officer_a2.pk).update(department=None)
    User.objects.filter(pk=busy.officer_a1_unit.pk).update(is_active=False)
    newcomer = User.objects.create(username="newcomer", full_name="Người Mới", department=busy.unit_a1)
    data = dashboard.build(busy.clerk, datetime.date(2026, 4, 1), department=busy.dept_a)
    former = {row.officer_id: row.former for row in data.rows}
    assert former[busy.officer_a.pk] and former[busy.officer_a2.pk] and former[busy.officer_a1_unit.pk]
    assert former[newcomer.pk] is False and former[busy.head_a.pk] is False
    assert (
        next(r for r in data.rows if r.officer_id == busy.officer_a2.pk).label
        == "Đỗ Thị Cán Bộ A2 (đã chuyển khỏi đơn vị)"
    )
    assert next(r for r in data.rows if r.officer_id == newcomer.pk).label == "Người Mới"


@pytest.mark.parametrize("month", [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)])
def test_the_drill_down_statement_compiled_once_reads_what_its_queryset_reads(busy, month):
    """querysets.drill_down runs the statement compiled once per number of months, with the
    department's path and the months swapped in: the same rows as the queryset for that month."""
    from django.db import connection

    for department in (busy.dept_a, busy.unit_a1, busy.dept_b, busy.office):
        expected = sorted(
            q.drill_down_rows(department.path, q.months_list(*q.months_of_year_until(month)), month), key=str
        )
        sql, params = q.drill_down_statement(department.path, month)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert sorted(cursor.fetchall(), key=str) == expected, (department.name, month)
    # officer_a in April: February's and April's letter and dossier, all electronic (March not computed).
    figures = q.drill_down(busy.dept_a, datetime.date(2026, 4, 1))[busy.officer_a.pk]
    assert figures == {("E", True): (2, 2, 0), ("E", False): (1, 1, 0), ("H", True): (2, 2, 0), ("H", False): (1, 1, 0)}
