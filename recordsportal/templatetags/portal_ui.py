"""The portal's own controls in templates: the month selector, the words the scripts show (the
date picker's month names, the file picker's), and a small form's input kept after a failed
submit."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join, json_script
from django.utils.translation import gettext as _

from ..forms import restore_failed_form

register = template.Library()

MONTHS_BACK_YEARS = 4  # the selector offers this year and the four before it (any month stays reachable by URL)


def month_names() -> list[str]:
    """The months by name in the page's language ("Tháng 12"; "December" in English): one text each,
    so that a translation can name them."""
    return [_("Tháng 1"), _("Tháng 2"), _("Tháng 3"), _("Tháng 4"), _("Tháng 5"), _("Tháng 6"), _("Tháng 7"),
            _("Tháng 8"), _("Tháng 9"), _("Tháng 10"), _("Tháng 11"), _("Tháng 12")]


def month_and_year(month: int, year: int, names: list[str]) -> str:
    return _("{month} năm {year}").replace("{month}", names[month - 1]).replace("{year}", str(year))


@register.simple_tag
def month_select(selected: datetime.date, name: str = "month", id: str = "id_month", css: str = "form-select"):
    """One selector of months in words ("Tháng 12 năm 2026"), newest first and grouped by year,
    whose value is the `yyyy-mm` the pages read: never the browser's month control, whose
    calendar ("December 2026") follows the browser's language."""
    today = timezone.localdate()
    last = max(today.replace(day=1), selected.replace(day=1))
    first_year = min(selected.year, today.year - MONTHS_BACK_YEARS)
    names = month_names()
    groups = []
    for year in range(last.year, first_year - 1, -1):
        top = last.month if year == last.year else 12
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((f"{year}-{m:02d}", " selected" if (year, m) == (selected.year, selected.month) else "",
              month_and_year(m, year, names)) for m in range(top, 0, -1)))
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', _("Năm %(year)s") % {"year": year}, options))
    return format_html('<select class="{}" name="{}" id="{}">{}</select>', css, name, id,
                       format_html_join("", "{}", ((g,) for g in groups)))


@register.simple_tag
def portal_texts():
    """The words static/js shows (in the page's language), as a JSON block the scripts read: an
    inline script would be refused by the Content-Security-Policy, a JSON block is data."""
    return json_script({
        "months": month_names(),
        "monthYear": _("{month} năm {year}"),
        "weekdays": [_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN")],
        "weekdayNames": [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"),
                         _("Chủ Nhật")],
        "chooseDate": _("Chọn ngày trên lịch"),
        "calendar": _("Lịch chọn ngày"),
        "previousMonth": _("Tháng trước"),
        "nextMonth": _("Tháng sau"),
        "today": _("Hôm nay"),
        "close": _("Đóng"),
        "scrollRegion": _("Bảng, cuộn ngang để xem hết"),
    }, "portal-texts")


@register.simple_tag(takes_context=True)
def restore_failed(context, form):
    """`form`, or — right after the same form failed on this page (a small form posted from a
    detail page, which redirects back) — a copy bound to what was typed, with its errors."""
    request = context.get("request")
    if form is None or request is None:
        return form
    return restore_failed_form(request, form)


@register.simple_tag
def field_in_row(field, row=""):
    """A field of a table row (a formset line) with no <label> of its own: its column name and
    row number as its accessible name ("Mét giá, dòng 2"), and a checkbox styled as the others."""
    label = str(field.label)
    name = _("%(label)s, dòng %(row)s") % {"label": label, "row": row} if row else label
    attrs = {"aria-label": name}
    if field.widget_type == "checkbox" and "form-check-input" not in field.field.widget.attrs.get("class", ""):
        attrs["class"] = f"{field.field.widget.attrs.get('class', '')} form-check-input".strip()
    return field.as_widget(attrs=attrs)


@register.simple_tag
def department_rows(departments, people_url):
    """The rows of the agency's departments on the Office's, leadership's and administrator's home
    (templates/home/_departments.html), built in Python with one escape per value: as a template
    loop, 200 departments' rows were ~12 ms of the page's CPU (issue 16). The same HTML as the loop
    they replace (compared in tests/recordsportal/test_department_rows.py)."""
    from html import escape

    from django.utils.formats import localize
    from django.utils.safestring import mark_safe

    link = escape(str(people_url))
    out = []
    for d in departments:
        head = (d.head.full_name if d.head_id and d.head else "") or "—"
        out.append(
            "\n        <tr>\n"
            f'          <td class="tree-indent-{d.depth}">{escape(d.name)}</td>\n'
            f'          <td><span class="badge text-bg-light">{escape(d.abbreviation)}</span></td>\n'
            f"          <td>{escape(head)}</td>\n"
            f'          <td class="text-end"><a href="{link}?department={d.pk}">{escape(str(localize(d.member_count)))}</a></td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(out))  # nosec B308, B703: every value above is escaped, an integer or our own markup
