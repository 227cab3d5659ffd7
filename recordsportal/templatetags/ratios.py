from django import template

from ..ratios import format_ratio, ratio_shown

register = template.Library()


@register.filter
def ratio(value) -> str:
    """{{ fig.ratio|ratio }}%: one decimal, rounded down (recordsportal.ratios)."""
    return format_ratio(value)


@register.filter
def ratio_unlocalized(value) -> str:
    """For attributes read by code (a progress bar's width): '94.9'."""
    shown = ratio_shown(value)
    return "" if shown is None else str(shown)
