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

