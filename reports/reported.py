"""The figures the reports print, as the apps' pages ask for them through the hook
recordsportal/reported.py (the apps do not import reports)."""

from .querysets import officer_key, report_keys_for
from .querysets import reported_year as _reported_year


def reported_year(metric: str, *, user, month, own: bool = False) -> dict:
    keys = [officer_key(user.pk)] if own else report_keys_for(user)
    return _reported_year(metric, keys, month)
