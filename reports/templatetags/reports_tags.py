from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def headline_cards(row, month):
    """The four headline figures: E and H for the month and for the year to date."""
    return [
        (_("Văn bản điện tử, tháng %(m)s") % {"m": month.strftime("%m/%Y")}, row.e_month, "e-month"),
        (_("Văn bản điện tử, từ đầu năm"), row.e_year, "e-year"),
        (_("Hồ sơ điện tử, tháng %(m)s") % {"m": month.strftime("%m/%Y")}, row.h_month, "h-month"),
        (_("Hồ sơ điện tử, từ đầu năm"), row.h_year, "h-year"),
    ]



_FIGURE_TEXTS: dict[str, dict[str, str]] = {}


def _figure_texts() -> dict[str, str]:
    """The figure's fixed texts, escaped, and the decimal separator, once per language (a
    department's page draws ~500 figures: a gettext, an escape and a number_format per figure
    were most of its CPU; issue 16). Translations and formats do not change while the process
    runs."""
    from django.utils.formats import get_format
    from django.utils.html import escape
    from django.utils.translation import get_language

    language = get_language() or ""
    texts = _FIGURE_TEXTS.get(language)
    if texts is None:
        texts = _FIGURE_TEXTS[language] = {
            "none": escape(_("Không có số liệu trong kỳ")),
            "passes": escape(_("Đạt")), "fails": escape(_("Chưa đạt")),
            "not_computed": escape(_("(chưa tính)")), "not_computed_months": escape(_("(chưa tính đủ các tháng)")),
            "excluded_title": escape(_("Văn bản mật không tính vào tỉ lệ (không được trao đổi điện tử theo quy định)")),
            "excluded": _("+%(n)s mật"),
            "decimal": str(get_format("DECIMAL_SEPARATOR")),
        }
    return texts


@register.simple_tag
def figure(fig, testid):
    """A ratio with its numerator and denominator, each a link to the records it counts, and a
    pass/fail mark; "—" for an empty period. Written in Python with str.format and one escape per
    value (the same HTML as format_html): the agency dashboard draws a few hundred of them, a
    department's page ~500, and an {% include %} per figure, then format_html per figure, made
    those pages slow."""
    from html import escape

    from django.utils.safestring import mark_safe

    return mark_safe(_figure_html(fig, escape(str(testid)), _figure_texts()))  # nosec B308, B703: see _figure_html


def _figure_html(fig, testid: str, texts: dict[str, str]) -> str:
    """The HTML of `figure`, `testid` already escaped, `texts` from _figure_texts(): every value
    in it is escaped or an integer."""
    from html import escape

    from recordsportal.ratios import ratio_shown

    ratio = fig.ratio
    if ratio is None:
        html = f'<span class="text-muted" title="{texts["none"]}" data-testid="{testid}">—</span>'
    else:
        passes = fig.passes
        # recordsportal.ratios.format_ratio: one decimal rounded down; a ratio is below 1,000, so
        # number_format adds no grouping and only the decimal separator differs.
        shown = str(ratio_shown(ratio)).replace(".", texts["decimal"])
        html = (
            f'<span class="fw-semibold {"text-success" if passes else "text-danger"}" data-testid="{testid}">{shown}%</span> '
            f'<span class="small text-muted text-nowrap">'
            f'(<a class="figure-link" href="{escape(fig.numerator_url)}" data-testid="{testid}-num">{fig.numerator}</a>/'
            f'<a class="figure-link" href="{escape(fig.denominator_url)}" data-testid="{testid}-den">{fig.denominator}</a>)</span> '
            # role="img": an aria-label on a bare <i> is not read out (WCAG 1.1.1).
            f'<i class="bi {"bi-check-circle-fill text-success" if passes else "bi-x-circle-fill text-danger"}" role="img" '
            f'aria-label="{texts["passes"] if passes else texts["fails"]}"></i>'
        )
    if not fig.computed:
        # "Not computed" is not "no records": both may read "—", the note says which.
        html += (f' <span class="not-computed fs-6 fw-normal text-warning-emphasis text-nowrap" data-testid="{testid}-not-computed">'
                 f'{texts["not_computed"] if ratio is None else texts["not_computed_months"]}</span>')
    if fig.excluded:
        html += (f' <span class="excluded-note text-muted text-nowrap" title="{texts["excluded_title"]}">'
                 f'{escape(texts["excluded"] % {"n": fig.excluded})}</span>')
    return html


def _cell_labels() -> tuple[str, str, str, str]:
    """The data-label of the four figure cells of a row (the column headers, shown beside each
    figure when the table becomes cards on a phone), escaped."""
    from html import escape

    return tuple(escape(_(label)) for label in ("VB điện tử trong tháng", "VB điện tử từ đầu năm",
                                                "HS điện tử trong tháng", "HS điện tử từ đầu năm"))


@register.simple_tag
def unit_rows(rows, month):
    """The rows of a department page's table of units (templates/reports/department.html), built
    in Python in one pass: the figure texts and cell labels looked up once, the units' URL
    reversed once (issue 14: as a template loop of tags, the page's ~850 figures were most of its
    CPU). The same HTML as the loop it replaced (tests/reports/test_department_page_rows.py)."""
    from django.urls import reverse
    from django.utils.dateformat import format as date_format
    from django.utils.html import conditional_escape, escape
    from django.utils.safestring import mark_safe

    texts, (l_em, l_ey, l_hm, l_hy) = _figure_texts(), _cell_labels()
    marker = 987654321
    prefix, suffix = (escape(part) for part in reverse("reports:department", args=[marker]).split(str(marker)))
    suffix += f"?month={escape(date_format(month, 'Y-m'))}"
    out = []
    for row in rows:
        out.append(
            f'\n      <tr><td class="card-title-cell"><a href="{prefix}{row.department_id}{suffix}">{conditional_escape(row.label)}</a></td>\n'
            f'        <td data-label="{l_em}">{_figure_html(row.e_month, "unit-e-month", texts)}</td>'
            f'<td data-label="{l_ey}">{_figure_html(row.e_year, "unit-e-year", texts)}</td>\n'
            f'        <td data-label="{l_hm}">{_figure_html(row.h_month, "unit-h-month", texts)}</td>'
            f'<td data-label="{l_hy}">{_figure_html(row.h_year, "unit-h-year", texts)}</td></tr>\n    '
        )
    return mark_safe("".join(out))  # nosec B308, B703: every value above is escaped, an integer or our own markup


@register.simple_tag
def officer_rows(rows):
    """The rows of a department page's table of officers, built as `unit_rows` is (~200 rows of
    four figures on a department with units); a former member's row is marked data-former."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    texts, (l_em, l_ey, l_hm, l_hy) = _figure_texts(), _cell_labels()
    out = []
    for row in rows:
        former = ' data-former="1"' if row.former else ""
        out.append(
            f'\n      <tr{former}><td class="card-title-cell">{conditional_escape(row.label)}</td>\n'
            f'        <td data-label="{l_em}">{_figure_html(row.e_month, "row-e-month", texts)}</td>\n'
            f'        <td data-label="{l_ey}">{_figure_html(row.e_year, "row-e-year", texts)}</td>\n'
            f'        <td data-label="{l_hm}">{_figure_html(row.h_month, "row-h-month", texts)}</td>\n'
            f'        <td data-label="{l_hy}">{_figure_html(row.h_year, "row-h-year", texts)}</td></tr>\n    '
        )
    return mark_safe("".join(out))  # nosec B308, B703: every value above is escaped, an integer or our own markup


@register.inclusion_tag("reports/_as_of.html", takes_context=True)
def as_of(context, state):
    """The "as of" line of a page of figures: when they were computed, whether the month is
    closed (frozen) and whether a recomputation waits for the Office."""
    from recordsportal.roles import Role

    user = context["request"].user
    return {"state": state, "can_see_months": any(user.has_role(r) for r in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN))}
