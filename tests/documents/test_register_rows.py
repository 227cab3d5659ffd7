"""The register's rows built in Python (documents_tags.register_rows, issue 16: as a template,
50 rows of tags were most of the register page's CPU) give the HTML of the template they
replaced, kept here as the reference."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from documents.choices import Confidentiality, Direction, Form, Status, Urgency
from documents.models import Document

pytestmark = pytest.mark.django_db

# The loop of templates/documents/_register_rows.html before it became register_rows.
REFERENCE = """{% load i18n documents_tags %}{% for d in page %}
    <tr>
      <td class="text-nowrap" data-label="{% translate "Ngày" %}">{{ d.register_date|date:"d/m/Y" }}</td>
      <td data-label="{% translate "Số" %}"><span class="badge text-bg-light" title="{{ d|choice_label:'direction' }}">{% if d.direction == "incoming" %}↓{% elif d.direction == "outgoing" %}↑{% else %}↔{% endif %} {{ d.display_number }}</span> <span class="visually-hidden">{{ d|choice_label:'direction' }}</span></td>
      <td class="text-nowrap card-title-cell"><a href="{% url 'documents:detail' d.pk %}">{{ d.number_symbol|default:"—" }}</a></td>
      <td class="card-lead">{{ d|choice_label:"kind" }}: {{ d.summary|truncatechars:110 }}{% if d.issuer or d.document_date %}<div class="small text-muted" data-testid="issuer-date">{{ d.issuer }}{% if d.issuer and d.document_date %}, {% endif %}{% if d.document_date %}{% blocktranslate with date=d.document_date|date:"d/m/Y" %}ngày {{ date }}{% endblocktranslate %}{% endif %}</div>{% endif %}{% if d.confidentiality != "normal" %} <span class="badge text-bg-dark">{{ d|choice_label:"confidentiality" }}</span>{% endif %}{% if d.urgency != "normal" %} <span class="badge text-bg-danger">{{ d|choice_label:"urgency" }}</span>{% endif %}</td>
      <td class="small" data-label="{% translate "Đơn vị" %}">{{ d.department.abbreviation|default:"—" }}{% if d.officer %}<br class="d-none d-md-inline"><span class="text-muted"><span class="d-md-none"> · </span>{{ d.officer.full_name }}</span>{% endif %}</td>
      <td data-label="{% translate "Hình thức" %}">{% if d.form == "electronic" %}<span class="badge text-bg-success">{% translate "Điện tử" %}</span>{% else %}<span class="badge text-bg-secondary">{% translate "Giấy" %}</span>{% endif %}</td>
      <td class="text-nowrap" data-label="{% translate "Hạn xử lý" %}">{{ d.deadline|date:"d/m/Y"|default:"—" }}</td>
      <td data-label="{% translate "Trạng thái" %}">{% status_badge d %}</td>
    </tr>
  {% endfor %}"""


def test_the_register_rows_are_the_html_of_the_template_they_replaced(agency, make_document):
    first = make_document(agency.dept_a, agency.officer_a, urgency=Urgency.FLASH, deadline=datetime.date(2026, 3, 1),
                          issuer="Sở Nội vụ <Hà Tĩnh>")
    second = make_document(agency.dept_b, None, form=Form.PAPER, confidentiality=Confidentiality.SECRET,
                           direction=Direction.OUTGOING)
    make_document(None, None, direction=Direction.INTERNAL, issuer="UBND tỉnh")
    # Markup in the texts, a summary to truncate, a document with no symbol, date or issuer.
    Document.objects.filter(pk=first.pk).update(summary="Về việc <b>thử</b> & \"kiểm tra\" " + "dài " * 40,
                                                status=Status.IN_PROGRESS)
    Document.objects.filter(pk=second.pk).update(number_symbol="", document_date=None, issuer="", number=None)
    page = list(Document.objects.select_related("department", "officer").order_by("pk"))
    new = Template("{% load documents_tags %}{% register_rows page %}")
    for language in ("vi", "en"):
        with translation.override(language):
            expected = Template(REFERENCE).render(Context({"page": page}))
            assert new.render(Context({"page": page})) == expected
    assert Template("{% load documents_tags %}{% register_rows page %}").render(Context({"page": []})) == ""
