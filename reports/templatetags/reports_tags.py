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

    from recordsportal.ratios import ratio_shown

    texts = _figure_texts()
    testid = escape(str(testid))
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
    return mark_safe(html)  # nosec B308, B703: every value above is escaped or an integer


@register.inclusion_tag("reports/_as_of.html", takes_context=True)
def as_of(context, state):
    """The "as of" line of a page of figures: when they were computed, whether the month is
    closed (frozen) and whether a recomputation waits for the Office."""
    from recordsportal.roles import Role

    user = context["request"].user
    return {"state": state, "can_see_months": any(user.has_role(r) for r in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN))}
