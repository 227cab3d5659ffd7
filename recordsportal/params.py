"""Query parameters: one reader for the month, the year and an object id in every page, download
and API call, so that none of them reaches a date computation or the database out of range.

An empty parameter means the default (this month, this year, no filter). A value that is not a
month, a year or an id of the expected shape, or lies outside the plausible range
(recordsportal/dates.py), raises `BadParameter`: a 400 whose Vietnamese message names the
parameter — the error page for a page or a download (recordsportal/views/errors.py), JSON for
the API (recordsportal/api/exceptions.py, as for every DomainError).
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .dates import first_year, last_period_year, sentence, year_problem
from .services import DomainError

# The largest id the database holds (a signed 64-bit primary key): a larger one cannot name a
# row, and SQLite refuses to even compare with it (OverflowError).
MAX_ID = 2**63 - 1

_MONTH = (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"), re.compile(r"^(?P<m>\d{1,2})/(?P<y>\d{4})$"))
_INTEGER = re.compile(r"^[+-]?[0-9]{1,20}$")  # ASCII digits only: "²".isdigit() is true, int("²") fails


class BadParameter(DomainError, BadRequest):
    """A query parameter out of shape or range: 400 with a message naming it."""


def _integer(value: str) -> int | None:
    value = value.strip()
    return int(value) if _INTEGER.match(value) else None


def parse_year(value: str | None, *, name: str = "year") -> int:
    """`?year=2026`; this year when empty."""
    if value is None or not str(value).strip():
        return timezone.localdate().year
    year = _integer(str(value))
    if year is None:
        raise BadParameter(sentence(_("năm “%(value)s” không hợp lệ: cần 4 chữ số, ví dụ %(example)s")
                                    % {"value": str(value)[:40], "example": timezone.localdate().year}), field=name)
    problem = year_problem(year)
    if problem:
        raise BadParameter(sentence(problem), field=name)
    return year


def parse_month(value: str | None, *, name: str = "month") -> datetime.date:
    """`?month=2026-03` (also 03/2026), as the first day of that month; this month when empty."""
    today = timezone.localdate()
    if value is None or not str(value).strip():
        return today.replace(day=1)
    text = str(value).strip()
    match = next((m for pattern in _MONTH if (m := pattern.match(text))), None)
    if match is None or not 1 <= int(match["m"]) <= 12:
        raise BadParameter(sentence(_("tháng “%(value)s” không hợp lệ: cần dạng yyyy-mm, ví dụ %(example)s")
                                    % {"value": text[:40], "example": today.strftime("%Y-%m")}), field=name)
    if year_problem(int(match["y"])):
        raise BadParameter(_("Tháng %(month)s/%(year)s không hợp lệ: chỉ nhận từ 01/%(first)s đến 12/%(last)s.") % {
            "month": f"{int(match['m']):02d}", "year": match["y"], "first": first_year(), "last": last_period_year()},
            field=name)
    return datetime.date(int(match["y"]), int(match["m"]), 1)


def parse_id(value: str | None, *, name: str) -> int | None:
    """An object id used as a filter (`?department=12`); None when empty. Anything that cannot
    name a row (not a positive integer within the database's range) is refused, not compared:
    SQLite cannot even compare with an integer beyond 64 bits (OverflowError)."""
    if value is None or not str(value).strip():
        return None
    number = _integer(str(value))
    if number is None or not 1 <= number <= MAX_ID:
        raise BadParameter(sentence(_("“%(value)s” không phải mã hợp lệ (tham số %(name)s): cần một số nguyên dương")
                                    % {"value": str(value)[:40], "name": name}), field=name)
    return number


def posted_ids(values) -> list[int]:
    """The ids among posted values (the rows ticked in a list): a value that cannot name a row
    is left out, like a row that no longer exists."""
    return [number for value in values
            if (number := _integer(str(value))) is not None and 1 <= number <= MAX_ID]


class YearField(forms.IntegerField):
    """A year in a filter or a form, within the plausible range at the time it is checked (the
    range moves with the calendar, so it is not fixed when the form class is defined)."""

    default_error_messages = {"invalid": gettext_lazy("Nhập năm bằng 4 chữ số, ví dụ 2026.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", None)
        kwargs.setdefault("max_value", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        # A 5,000-digit number is not a year: refuse it before int() spends time on it.
        if isinstance(value, str) and len(value.strip()) > 20:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        problem = year_problem(value) if value is not None else None
        if problem:
            raise forms.ValidationError(sentence(problem), code="year_range")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(min=first_year(), max=last_period_year())
        return attrs


class YearFilter(django_filters.NumberFilter):
    """`?year=` of a list (the page and its API): a year out of range is a field error (the page
    shows it and ignores the filter; the API answers 400), never a query."""

    field_class = YearField


class _NameChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A department select's options as (id, name) read with values_list: the same options as
    one model instance per row (`str(department)` is its name), without building ~200 instances
    on every register page (issue 16: ~2 ms of the register's CPU)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class _NameChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _NameChoiceIterator


class DepartmentFilter(django_filters.ModelChoiceFilter):
    """`?department=` of a list: a ModelChoiceFilter of departments (validation reads the chosen
    one, as before) whose select lists (id, name) pairs instead of model instances."""

    field_class = _NameChoiceField
