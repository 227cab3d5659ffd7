"""Issue 17, item 1: "Nộp bản kiểm kê" submits what is on the screen. The lines typed in the table
are saved (checked like a draft save) and then submitted in one step; a wrong cell submits nothing
and keeps every typed value on the page. The browser side (typed lines survive submit, leaving
with unsaved lines asks) is in test_browser_typed_lines.py."""

from decimal import Decimal

import pytest
from django.urls import reverse

from .conftest import LINES_A
from .test_views import formset_data

pytestmark = pytest.mark.django_db


def test_it_saves_the_typed_lines_and_submits_them(agency, inventory_a, login):
    client = login(agency.head_a)
    response = client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]), formset_data(LINES_A[:2], inventory_a.version))
    assert response.status_code == 302
    inventory_a.refresh_from_db()
    assert inventory_a.status == "submitted" and not inventory_a.declared_none
    assert sorted(inventory_a.lines.values_list("shelf_metres", flat=True)) == [Decimal("3.25"), Decimal("12.5")]


def test_a_wrong_cell_submits_nothing_and_keeps_the_typed_values(agency, inventory_a, login):
    client = login(agency.head_a)
    lines = [LINES_A[0], dict(LINES_A[1], shelf_metres="-1")]
    response = client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]), formset_data(lines, inventory_a.version))
    assert response.status_code == 400
    page = response.content.decode()
    assert "phải là số không âm" in page and "chưa lưu và chưa nộp" in page
    assert 'value="Hồ sơ dự án đầu tư"' in page and 'value="Công văn đi, đến"' in page
    inventory_a.refresh_from_db()
    assert inventory_a.status != "submitted" and inventory_a.lines.count() == 0


def test_an_empty_table_with_no_lines_declared_submits_as_none(agency, inventory_a, login):
    client = login(agency.head_a)
    data = dict(formset_data([], inventory_a.version), declare_none="on")
    assert client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]), data).status_code == 302
    inventory_a.refresh_from_db()
    assert inventory_a.status == "submitted" and inventory_a.declared_none


def test_an_empty_table_without_the_declaration_is_refused_and_nothing_changes(agency, inventory_a, login):
    client = login(agency.head_a)
    response = client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]), formset_data([], inventory_a.version))
    assert response.status_code == 400
    assert "chưa có dòng nào" in response.content.decode()
    inventory_a.refresh_from_db()
    assert inventory_a.status != "submitted"


def test_a_stale_page_is_refused_without_losing_the_typed_lines(agency, inventory_a, login):
    client = login(agency.head_a)
    stale = inventory_a.version
    client.post(reverse("backlog:inventory", args=[inventory_a.pk]), formset_data(LINES_A[2:], stale))
    response = client.post(reverse("backlog:inventory_submit", args=[inventory_a.pk]), formset_data(LINES_A[:2], stale))
    assert response.status_code == 400
    assert 'value="Hồ sơ dự án đầu tư"' in response.content.decode()
    inventory_a.refresh_from_db()
    assert inventory_a.status != "submitted" and list(inventory_a.lines.values_list("description", flat=True)) == ["Tài liệu thẩm định"]


def test_the_submit_button_belongs_to_the_lines_form(agency, inventory_a, login):
    page = login(agency.head_a).get(reverse("backlog:inventory", args=[inventory_a.pk])).content.decode()
    assert 'form="lines-form"' in page and 'formaction="%s"' % reverse("backlog:inventory_submit", args=[inventory_a.pk]) in page
    assert "chỉ những dòng đã lưu được nộp" not in page and "chưa có dòng nào" not in page
