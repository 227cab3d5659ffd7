from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

STATUS_STYLES = {"open": "primary", "closed": "secondary", "submitted": "warning", "archived": "success"}
DUE_LABELS = {"soon": ("warning", "Sắp đến hạn nộp lưu"), "overdue": ("danger", "Quá hạn nộp lưu"),
              "retained": ("info", "Được giữ lại")}


@register.simple_tag
def dossier_status(dossier):
    return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_STYLES.get(dossier.status, "secondary"),
                       dossier.get_status_display())


@register.simple_tag
def form_badge(form_value):
    if form_value == "electronic":
        return format_html('<span class="badge text-bg-success">{}</span>', _("Điện tử"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("Giấy"))


@register.simple_tag
def due_badge(dossier, today=None):
    state = dossier.due_state(today)
    if not state:
        return ""
    style, label = DUE_LABELS[state]
    return format_html('<span class="badge text-bg-{}">{}</span>', style, _(label))
