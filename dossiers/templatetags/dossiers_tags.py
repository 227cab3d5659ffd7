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


def _day(value) -> str:
    """The `date:"d/m/Y"` filter for a date; "" for none."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


@register.simple_tag
def dossier_rows(page, show_keeper, today=None):
    """The dossier lists' rows (templates/dossiers/_rows.html, my dossiers and the department's
    list), built in Python with one escape per value: as a template loop, 50 rows of tags,
    filters and translations (~800 gettext calls a page) were most of the page's CPU (issue 16,
    bench/profile_routes.py). The same HTML as the loop they replace (compared in
    tests/dossiers/test_dossier_rows.py)."""
    from html import escape

    from django.urls import reverse
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator

    rows = list(page)
    if not rows:
        return ""
    labels = ("Mã hồ sơ", "Đơn vị · người lập", "Mở / kết thúc", "Thời hạn", "Hình thức", "Hạn nộp lưu", "Trạng thái")
    texts = {label: escape(_(label)) for label in labels}
    forms = {"electronic": form_badge("electronic"), "paper": form_badge("paper")}
    statuses, badges = {}, {}
    marker = 987654321
    detail = reverse("dossiers:detail", args=[marker]).split(str(marker))
    out = []
    for d in rows:
        if d.status not in statuses:
            statuses[d.status] = dossier_status(d)
        state = d.due_state(today)
        if state and state not in badges:
            badges[state] = due_badge(d, today)
        keeper = ""
        if show_keeper:
            officer = escape(d.officer.full_name) if d.officer_id and d.officer else ""
            keeper = (f'<td class="small" data-label="{texts["Đơn vị · người lập"]}">{escape(d.department.abbreviation)}'
                      f'<br class="d-none d-md-inline"><span class="text-muted"><span class="d-md-none"> · </span>'
                      f"{officer}</span></td>")
        ended = f" – {_day(d.ended_on)}" if d.ended_on else ""
        out.append(
            "\n    <tr>\n"
            f'      <td class="text-nowrap small card-lead" data-label="{texts["Mã hồ sơ"]}"><a href="{detail[0]}{d.pk}{detail[1]}">{escape(d.code)}</a></td>\n'
            f'      <td class="card-title-cell">{escape(Truncator(d.title).chars(100))}</td>\n'
            f"      {keeper}\n"
            f'      <td class="text-nowrap small" data-label="{texts["Mở / kết thúc"]}">{_day(d.opened_on)}{ended}</td>\n'
            f'      <td class="small" data-label="{texts["Thời hạn"]}">{escape(d.retention_label)}</td>\n'
            f'      <td data-label="{texts["Hình thức"]}">{forms["electronic" if d.form == "electronic" else "paper"]}</td>\n'
            f'      <td class="text-nowrap small" data-label="{texts["Hạn nộp lưu"]}">{_day(d.due_on) or "—"} {badges.get(state, "")}</td>\n'
            f'      <td data-label="{texts["Trạng thái"]}">{statuses[d.status]}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # nosec B308, B703: every value above is escaped, an integer or our own markup
