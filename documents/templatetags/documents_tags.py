from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

register = template.Library()

STATUS_STYLES = {
    "draft": "secondary", "registered": "info", "submitted": "primary", "assigned": "warning",
    "in_progress": "warning", "done": "success", "issued": "success",
}


@register.simple_tag(takes_context=True)
def sort_header(context, key, label):
    """A column header that sorts by `key`, toggling the direction on the current column."""
    current = context.get("current_sort", "")
    base = context.get("sort_query_string", "")
    new = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else " ▼" if current == f"-{key}" else ""
    href = f"?{base}&sort={new}" if base else f"?sort={new}"
    # The marks explain themselves on hover and to screen readers (the legend under the table too).
    if current == key:
        title = gettext("Đang sắp xếp theo %(column)s, tăng dần; bấm để sắp xếp giảm dần") % {"column": label}
    elif current == f"-{key}":
        title = gettext("Đang sắp xếp theo %(column)s, giảm dần; bấm để sắp xếp tăng dần") % {"column": label}
    else:
        title = gettext("Sắp xếp theo %(column)s") % {"column": label}
    return format_html('<a class="link-dark text-decoration-none" href="{}" title="{}">{}{}</a>', href, title, label, arrow)


# (model, field, language) -> {value: label}. Django's get_FOO_display() rebuilds a dict of every
# choice on each call and hashes each lazy label (a gettext per choice): on the register page
# (50 rows, 5 labels each) that was ~40 ms of a loaded 2-core machine's time, for the same
# few strings.
_LABELS: dict[tuple, dict] = {}


@register.filter
def choice_label(obj, field_name):
    """`{{ d|choice_label:"kind" }}` is `d.get_kind_display()`, from a per-language cache."""
    field = obj._meta.get_field(field_name)
    key = (obj._meta.label, field_name, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field.attname)
    return labels.get(value, value)


@register.simple_tag
def status_badge(document, today=None):
    """The status as a badge, and "overdue" beside it. Built in Python: as an inclusion tag it
    rendered a template per row of the register."""
    badge = format_html('<span class="badge text-bg-{}">{}</span>', STATUS_STYLES.get(document.status, "secondary"),
                        choice_label(document, "status"))
    if document.is_overdue:
        badge += format_html(' <span class="badge text-bg-danger" data-testid="overdue">{}</span>', gettext("Quá hạn"))
    return badge


def _day(value) -> str:
    """The `date:"d/m/Y"` filter for a date."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.simple_tag
def register_rows(page):
    """The register's rows (templates/documents/_register_rows.html), built in Python with one
    escape per value: as a template, 50 rows of tags, filters, translations and URL reversals were
    most of the page's CPU (issue 16, bench/profile_routes.py). The same HTML as the template
    they replace (compared in tests/documents/test_register_rows.py)."""
    from html import escape

    from django.urls import reverse
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator

    rows = list(page)
    if not rows:
        return ""
    texts = {label: escape(gettext(label)) for label in
             ("Ngày", "Số", "Đơn vị", "Hình thức", "Hạn xử lý", "Trạng thái", "Điện tử", "Giấy")}
    on_day = gettext("ngày %(date)s")
    marker = 987654321
    detail = reverse("documents:detail", args=[marker]).split(str(marker))
    arrows = {"incoming": "↓", "outgoing": "↑"}
    out = []
    for d in rows:
        direction = escape(str(choice_label(d, "direction")))
        lead = f"{escape(str(choice_label(d, 'kind')))}: {escape(Truncator(d.summary).chars(110))}"
        if d.issuer or d.document_date:
            lead += '<div class="small text-muted" data-testid="issuer-date">' + escape(d.issuer)
            if d.issuer and d.document_date:
                lead += ", "
            if d.document_date:
                lead += on_day % {"date": escape(_day(d.document_date))}  # as blocktranslate: the value escaped
            lead += "</div>"
        if d.confidentiality != "normal":
            lead += f' <span class="badge text-bg-dark">{escape(str(choice_label(d, "confidentiality")))}</span>'
        if d.urgency != "normal":
            lead += f' <span class="badge text-bg-danger">{escape(str(choice_label(d, "urgency")))}</span>'
        department = (d.department.abbreviation if d.department_id else "") or "—"
        unit = escape(department)
        if d.officer_id and d.officer:
            unit += ('<br class="d-none d-md-inline"><span class="text-muted"><span class="d-md-none"> · </span>'
                     f"{escape(d.officer.full_name)}</span>")
        form = (f'<span class="badge text-bg-success">{texts["Điện tử"]}</span>' if d.form == "electronic"
                else f'<span class="badge text-bg-secondary">{texts["Giấy"]}</span>')
        out.append(
            "\n    <tr>\n"
            f'      <td class="text-nowrap" data-label="{texts["Ngày"]}">{_day(d.register_date) if d.register_date else ""}</td>\n'
            f'      <td data-label="{texts["Số"]}"><span class="badge text-bg-light" title="{direction}">'
            f'{arrows.get(d.direction, "↔")} {escape(d.display_number)}</span> <span class="visually-hidden">{direction}</span></td>\n'
            f'      <td class="text-nowrap card-title-cell"><a href="{detail[0]}{d.pk}{detail[1]}">{escape(d.number_symbol or "—")}</a></td>\n'
            f'      <td class="card-lead">{lead}</td>\n'
            f'      <td class="small" data-label="{texts["Đơn vị"]}">{unit}</td>\n'
            f'      <td data-label="{texts["Hình thức"]}">{form}</td>\n'
            f'      <td class="text-nowrap" data-label="{texts["Hạn xử lý"]}">{_day(d.deadline) if d.deadline else "—"}</td>\n'
            f'      <td data-label="{texts["Trạng thái"]}">{status_badge(d)}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # nosec B308, B703: every value above is escaped, an integer or our own markup
