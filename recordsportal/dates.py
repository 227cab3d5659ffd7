"""Plausible dates: one rule for every date and period a person, a file or an API client gives.

A date in the portal lies between 1 January of `first_year()` and today (or, for a report
period, the end of next year). `first_year()` is the setting `RECORDS_FIRST_YEAR` (environment
variable of the same name, 1990 by default): the oldest year whose records the agency keeps in
the portal — its register books, imported e-office registers, dossiers. A date before it is a
typing error (01/01/0001, 1/1/26 read as year 26), and a date after today cannot have happened yet:
an arrival dated 02/01/2027 entered on 06/12/2026 would take number 01 of next year's register.

The rules return message fragments ("ngày văn bản 01/01/0001 …"): the importer shows them after
"Dòng N, cột X (Tiêu đề):", forms, services and the API as a sentence (`sentence()`).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def first_year() -> int:
    return settings.RECORDS_FIRST_YEAR


def last_period_year() -> int:
    """The last year a report period may name: next year (a plan or a target set in advance)."""
    return timezone.localdate().year + 1


def sentence(fragment: str) -> str:
    """A rule's fragment as a message of its own: capitalised, with a full stop."""
    return f"{capfirst(fragment)}."


def _shown(value: datetime.date) -> str:
    # strftime pads years below 1000 inconsistently across platforms; write the parts ourselves.
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def date_problem(value: datetime.date | None, *, label: str, future: bool = False) -> str | None:
    """Why `value` is not a plausible `label` (a lower-case name: "ngày đến"), or None.
    `future=True` allows dates after today (a deadline); never beyond the last period year."""
    if value is None:
        return None
    if value.year < first_year():
        return _("%(label)s %(date)s không hợp lệ: chỉ nhận từ năm %(first)s trở đi") % {
            "label": label, "date": _shown(value), "first": first_year()}
    today = timezone.localdate()
    if not future and value > today:
        return _("%(label)s %(date)s sau ngày hôm nay (%(today)s)") % {
            "label": label, "date": _shown(value), "today": _shown(today)}
    if future and value.year > last_period_year():
        return _("%(label)s %(date)s không hợp lệ: chỉ nhận đến năm %(last)s") % {
            "label": label, "date": _shown(value), "last": last_period_year()}
    return None


def year_problem(year: int) -> str | None:
    """Why `year` is not a plausible period (a report's year, a register's, a plan's), or None."""
    if not first_year() <= year <= last_period_year():
        return _("năm %(year)s không hợp lệ: chỉ nhận từ năm %(first)s đến năm %(last)s") % {
            "year": year, "first": first_year(), "last": last_period_year()}
    return None
