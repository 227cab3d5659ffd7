"""What the monthly reports print, for the pages of the apps below them (issue 13).

reports sits on top: it reads every app's rows, and no app imports it (tests/recordsportal/
test_layers.py). A page that shows, beside its own live figure, the figure the reports print for
the same scope (the dossier lists: "Báo cáo tháng ghi …") asks `reported_year` here; the hook
looks the provider up by name, `reports.reported`, as the home page gathers `<app>.desk`
(recordsportal/desk.py). Without the reports app the pages just show no reported figure.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

PROVIDER = "reports.reported"


def reported_year(metric: str, *, user, month, own: bool = False) -> dict | None:
    """The year-to-date figure of `metric` ("H", …) up to `month` as the reports print it for what
    `user` sees (`own`: the officer's own work only), with its "as of" time; None when no app
    provides reports."""
    app, _, _ = PROVIDER.partition(".")
    if not apps.is_installed(app) or not find_spec(PROVIDER):
        return None
    return import_module(PROVIDER).reported_year(metric, user=user, month=month, own=own)
