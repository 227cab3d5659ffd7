"""The inventory upload states its row cap before the upload and enforces it with a clear
Vietnamese message, nothing saved (issue 12, item 7)."""

import pytest
from django.urls import reverse

from backlog import excel

from .conftest import LINES_A, as_rows, fill_template, upload_file

pytestmark = pytest.mark.django_db


def test_the_inventory_upload_form_states_its_row_cap_before_the_upload(agency, inventory_a, login):
    page = login(agency.head_a).get(reverse("backlog:inventory", args=[inventory_a.pk])).content.decode()
    form = page.split(reverse("backlog:inventory_upload", args=[inventory_a.pk]), 1)[1].split("</form>", 1)[0]
    assert "Tối đa 2.000 dòng số liệu và 5 MB mỗi tệp." in form


def test_an_inventory_over_the_row_cap_is_refused_with_a_clear_message(agency, inventory_a, template_a, login,
                                                                        monkeypatch):
    monkeypatch.setattr(excel, "MAX_LINES", 2)
    content = fill_template(template_a, as_rows(LINES_A))  # three lines
    response = login(agency.head_a).post(reverse("backlog:inventory_upload", args=[inventory_a.pk]),
                                         {"file": upload_file(content)})
    assert response.status_code == 400
    assert "Tệp có quá nhiều dòng; tối đa 2 dòng mỗi lần." in response.content.decode()
    assert not inventory_a.lines.exists()
