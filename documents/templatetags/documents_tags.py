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
