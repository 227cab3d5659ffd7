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



@register.simple_tag
def figure(fig, testid):
    """A ratio with its numerator and denominator, each a link to the records it counts, and a
    pass/fail mark; "—" for an empty period. Written in Python: the agency dashboard draws a
    few hundred of them, and an {% include %} per figure made the page slow."""
    from django.utils.html import format_html

    from recordsportal.ratios import format_ratio

    if fig.ratio is None:
        html = format_html('<span class="text-muted" title="{}" data-testid="{}">—</span>',
                           _("Không có số liệu trong kỳ"), testid)
    else:
        passes = fig.passes
        html = format_html(
            '<span class="fw-semibold {}" data-testid="{}">{}%</span> <span class="small text-muted text-nowrap">'
            '(<a class="figure-link" href="{}" data-testid="{}-num">{}</a>/'
            '<a class="figure-link" href="{}" data-testid="{}-den">{}</a>)</span> '
            # role="img": an aria-label on a bare <i> is not read out (WCAG 1.1.1).
            '<i class="bi {}" role="img" aria-label="{}"></i>',
            "text-success" if passes else "text-danger", testid, format_ratio(fig.ratio),
            fig.numerator_url, testid, fig.numerator, fig.denominator_url, testid, fig.denominator,
            "bi-check-circle-fill text-success" if passes else "bi-x-circle-fill text-danger",
            _("Đạt") if passes else _("Chưa đạt"),
        )
    if not fig.computed:
        # "Not computed" is not "no records": both may read "—", the note says which.
        html += format_html(' <span class="not-computed fs-6 fw-normal text-warning-emphasis text-nowrap" data-testid="{}-not-computed">{}</span>',
                            testid, _("(chưa tính)") if fig.ratio is None else _("(chưa tính đủ các tháng)"))
    if fig.excluded:
        html += format_html(' <span class="excluded-note text-muted text-nowrap" title="{}">{}</span>',
                            _("Văn bản mật không tính vào tỉ lệ (không được trao đổi điện tử theo quy định)"),
                            _("+%(n)s mật") % {"n": fig.excluded})
    return html


@register.inclusion_tag("reports/_as_of.html", takes_context=True)
def as_of(context, state):
    """The "as of" line of a page of figures: when they were computed, whether the month is
    closed (frozen) and whether a recomputation waits for the Office."""
    from recordsportal.roles import Role

    user = context["request"].user
    return {"state": state, "can_see_months": any(user.has_role(r) for r in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN))}
