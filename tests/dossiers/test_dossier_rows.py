"""The dossier lists' rows built in Python (dossiers_tags.dossier_rows, issue 16: as a template
loop, 50 rows of tags, filters and translations were most of my dossiers' and the department
list's CPU) give the HTML of the loop they replaced, kept here as the reference."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from dossiers.choices import PERMANENT, Status
from dossiers.models import Dossier
from recordsportal.models import Department, User

# The loop of templates/dossiers/_rows.html before it became dossier_rows.
REFERENCE = """{% load i18n dossiers_tags %}{% for d in page %}
    <tr>
      <td class="text-nowrap small card-lead" data-label="{% translate "Mã hồ sơ" %}"><a href="{% url 'dossiers:detail' d.pk %}">{{ d.code }}</a></td>
      <td class="card-title-cell">{{ d.title|truncatechars:100 }}</td>
      {% if show_keeper %}<td class="small" data-label="{% translate "Đơn vị · người lập" %}">{{ d.department.abbreviation }}<br class="d-none d-md-inline"><span class="text-muted"><span class="d-md-none"> · </span>{{ d.officer.full_name }}</span></td>{% endif %}
      <td class="text-nowrap small" data-label="{% translate "Mở / kết thúc" %}">{{ d.opened_on|date:"d/m/Y" }}{% if d.ended_on %} – {{ d.ended_on|date:"d/m/Y" }}{% endif %}</td>
      <td class="small" data-label="{% translate "Thời hạn" %}">{{ d.retention_label }}</td>
      <td data-label="{% translate "Hình thức" %}">{% form_badge d.form %}</td>
      <td class="text-nowrap small" data-label="{% translate "Hạn nộp lưu" %}">{{ d.due_on|date:"d/m/Y"|default:"—" }} {% due_badge d today %}</td>
      <td data-label="{% translate "Trạng thái" %}">{% dossier_status d %}</td>
    </tr>
  {% endfor %}"""

TODAY = datetime.date(2026, 3, 10)


def dossiers():
    """Every state a row shows, unsaved: open, closed and due soon, overdue or retained, submitted,
    archived; paper and electronic; markup in the texts, a title to truncate; no officer."""
    dept = Department(pk=1, name="Phòng <QLĐT>", abbreviation="QL&ĐT")
    officer = User(pk=2, username="cb", full_name='Phan "Văn" <Cán Bộ>')
    day = datetime.date(2026, 1, 5)
    rows = [
        dict(status=Status.OPEN, title="Hồ sơ <b>thử</b> & \"kiểm tra\" " + "dài " * 40, retention_years=10),
        dict(status=Status.CLOSED, ended_on=day, due_on=TODAY + datetime.timedelta(days=5), retention_years=PERMANENT),
        dict(status=Status.CLOSED, ended_on=day, due_on=TODAY - datetime.timedelta(days=1), retention_years=None),
        dict(status=Status.CLOSED, ended_on=day, due_on=TODAY - datetime.timedelta(days=1), retained_until=TODAY),
        dict(status=Status.CLOSED, ended_on=day, due_on=TODAY + datetime.timedelta(days=90), form="paper"),
        dict(status=Status.SUBMITTED, ended_on=day, due_on=TODAY, form="paper"),
        dict(status=Status.ARCHIVED, ended_on=day, due_on=TODAY - datetime.timedelta(days=400)),
        dict(status=Status.OPEN, officer=None),
    ]
    out = []
    for i, fields in enumerate(rows, start=10):
        fields = {"title": f"Hồ sơ {i}", "retention_years": 5, "form": "electronic", "officer": officer, **fields}
        d = Dossier(pk=i, code=f"H09.31.{i}/<VP>", department=dept, year=2026, opened_on=day, **fields)
        out.append(d)
    return out


@pytest.mark.parametrize("show_keeper", [True, False])
def test_the_dossier_rows_are_the_html_of_the_loop_they_replaced(show_keeper):
    page = dossiers()
    new = Template("{% load dossiers_tags %}{% dossier_rows page show_keeper today %}")
    for language in ("vi", "en"):
        with translation.override(language):
            context = {"page": page, "show_keeper": show_keeper, "today": TODAY}
            expected = Template(REFERENCE).render(Context(context))
            assert new.render(Context(context)) == expected
            assert "badge text-bg-danger" in expected and "badge text-bg-info" in expected  # the states are there


def test_no_dossier_no_rows():
    assert Template("{% load dossiers_tags %}{% dossier_rows page True %}").render(Context({"page": []})) == ""
