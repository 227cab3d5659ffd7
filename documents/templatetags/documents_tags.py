from django import template
from django.utils.html import format_html

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
    return format_html('<a class="link-dark text-decoration-none" href="{}">{}{}</a>', href, label, arrow)


@register.inclusion_tag("documents/_status_badge.html")
def status_badge(document, today=None):
    return {"document": document, "style": STATUS_STYLES.get(document.status, "secondary"),
            "overdue": document.is_overdue}
