"""The Office's home lists the agency's departments (portal_ui.department_rows, issue 16: as a
template loop, 200 rows were ~12 ms of the page's CPU) with the HTML of the loop they replaced,
kept here as the reference."""

from django.template import Context, Template
from django.utils import translation

from recordsportal.models import Department, User

# The loop of templates/home/_departments.html before it became department_rows.
REFERENCE = """{% load i18n %}{% for d in departments %}
        <tr>
          <td class="tree-indent-{{ d.depth }}">{{ d.name }}</td>
          <td><span class="badge text-bg-light">{{ d.abbreviation }}</span></td>
          <td>{{ d.head.full_name|default:"—" }}</td>
          <td class="text-end"><a href="{{ people_url }}?department={{ d.pk }}">{{ d.member_count }}</a></td>
        </tr>
      {% endfor %}"""


def departments():
    """Unsaved: a tree three deep, markup in the texts, no head, a head without a name, counts."""
    head = User(pk=5, username="tp", full_name='Ngô "Thị" <Trưởng> & Co')
    nameless = User(pk=6, username="tp2", full_name="")
    rows = [
        Department(pk=1, name="Văn phòng", abbreviation="VP", path="/1/", head=head),
        Department(pk=2, name="Phòng <Quản lý> & Đầu tư", abbreviation="QL&ĐT", path="/2/", head=None),
        Department(pk=3, name="Tổ Thẩm định", abbreviation="TTĐ", path="/2/3/", head=nameless),
        Department(pk=4, name="Nhóm 'Một'", abbreviation="N1", path="/2/3/4/", head=head),
    ]
    for count, d in zip((12, 0, 1250, 3), rows):
        d.member_count = count
    return rows


def test_the_department_rows_are_the_html_of_the_loop_they_replaced():
    rows = departments()
    new = Template("{% load portal_ui %}{% department_rows departments people_url %}")
    for language in ("vi", "en"):
        with translation.override(language):
            context = {"departments": rows, "people_url": "/people/"}
            expected = Template(REFERENCE).render(Context(context))
            assert new.render(Context(context)) == expected
            assert "tree-indent-2" in expected and "&lt;Trưởng&gt;" in expected


def test_no_department_no_rows():
    assert Template("{% load portal_ui %}{% department_rows departments '/people/' %}").render(
        Context({"departments": []})) == ""
