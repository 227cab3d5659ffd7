"""How a compliance ratio is shown: one rule for the dashboard, the PDFs, the workbooks and the
violation evidence."""

from decimal import ROUND_DOWN, Decimal

from django.utils.formats import number_format

ONE_PLACE = Decimal("0.1")


def ratio_shown(value) -> Decimal | None:
    """One decimal, rounded *down*: a figure shown never reaches a target the real one misses
    (320/337 = 94.955% is shown 94,9% in red, not a red "95,0%"). None stays None (no data)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_DOWN)


def format_ratio(value) -> str:
    """'94,9' (the agency's decimal comma, recordsportal/formats); '—' for an empty period."""
    shown = ratio_shown(value)
    return "—" if shown is None else number_format(shown, 1)


def format_target(value) -> str:
    """A target as typed by the administrator: '95', '45,5' (no trailing zeros)."""
    target = Decimal(str(value)).normalize()
    places = max(0, -target.as_tuple().exponent)
    return number_format(target, places)
