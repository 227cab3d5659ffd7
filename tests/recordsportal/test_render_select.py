"""The portal's selects written in Python (recordsportal.forms.render_select, issue 16: ~200
department options on every register page) give the HTML the previous version gave, kept here as
the reference (an option through format_html), and what Django's own Select renders."""

from django import forms
from django.test.html import parse_html
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from recordsportal.forms import BootstrapFormMixin, render_select


def previous_render_select(widget, name, value, attrs=None, renderer=None):
    """render_select before its options became f-strings (one format_html per option)."""
    from django.forms.utils import flatatt

    value = widget.format_value(value)
    values = {value} if isinstance(value, str) else {str(v) for v in value}
    parts = [format_html("<select name=\"{}\"{}>", name, flatatt(widget.build_attrs(widget.attrs, attrs)))]
    selected = False

    def option(option_value, label):
        nonlocal selected
        option_value = "" if option_value is None else str(option_value)
        is_selected = not selected and option_value in values
        selected |= is_selected
        return format_html("<option value=\"{}\"{}>{}</option>", option_value,
                           mark_safe(" selected") if is_selected else "", label)

    for option_value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            parts.append(format_html("<optgroup label=\"{}\">", option_value))
            parts += [option(v, sub) for v, sub in label]
            parts.append(mark_safe("</optgroup>"))
        else:
            parts.append(option(option_value, label))
    parts.append(mark_safe("</select>"))
    return mark_safe("".join(parts))


CHOICES = [
    ("", "— Tất cả —"),
    ("a&b", 'Phòng <Quản lý> & "Đầu tư"'),
    ("it's", gettext_lazy("Điện tử")),
    ("safe", mark_safe("<b>đã an toàn</b>")),
    (3, "ba"),
    ("Nhóm <1>", [("x", "Một"), ("y", "Hai & ba")]),
    ("3", "ba lần nữa"),
]


def test_the_selects_are_the_html_of_the_previous_version_and_of_django():
    widget = forms.Select(choices=CHOICES, attrs={"class": "form-select", "data-x": 'a"b'})
    for value in (None, "", "a&b", "3", 3, "y", ["it's", "x"], "missing"):
        new = render_select(widget, "department", value, {"id": "id_department"})
        assert new == previous_render_select(widget, "department", value, {"id": "id_department"}), value
        assert parse_html(new) == parse_html(forms.Select.render(widget, "department", value, {"id": "id_department"}))


def test_a_portal_form_renders_its_selects_in_python():
    class Form(BootstrapFormMixin, forms.Form):
        kind = forms.ChoiceField(choices=CHOICES[1:3])

    html = str(Form(initial={"kind": "it's"})["kind"])
    assert '<option value="it&#x27;s" selected>' in html and "&lt;Quản lý&gt;" in html
