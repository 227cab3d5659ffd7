"""Dossier list filters, shared by the pages and the API."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import Department, User
from recordsportal.params import DepartmentFilter, YearFilter

from .choices import Form, Status
from .models import Dossier

ALL = _("Tất cả")


class FilterForm(BootstrapFormMixin, forms.Form):
    pass


class DossierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_search")
    year = YearFilter(label=_("Năm"), method="filter_year")
    # The period a ratio counts (links from the dashboard's H figures).
    opened_from = django_filters.DateFilter(label=_("Mở từ ngày"), field_name="opened_on", lookup_expr="gte",
                                            widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    opened_to = django_filters.DateFilter(label=_("Mở đến ngày"), field_name="opened_on", lookup_expr="lte",
                                          widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=Status.choices, empty_label=ALL)
    form = django_filters.ChoiceFilter(label=_("Hình thức"), choices=Form.choices, empty_label=ALL)
    department = DepartmentFilter(
        label=_("Đơn vị"), queryset=Department.objects.active(), method="filter_department", empty_label=ALL)
    officer = django_filters.ModelChoiceFilter(label=_("Người lập"), queryset=User.objects.filter(is_active=True),
                                               empty_label=ALL)
    due = django_filters.ChoiceFilter(
        label=_("Nộp lưu"), method="filter_due", empty_label=ALL,
        choices=[("soon", _("Đến hạn trong 30 ngày và quá hạn")), ("year", _("Phải nộp lưu trong năm nay")),
                 ("overdue", _("Quá hạn"))],
    )

    class Meta:
        model = Dossier
        form = FilterForm
        fields = ["q", "year", "opened_from", "opened_to", "status", "form", "department", "officer", "due"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_year(self, queryset, name, value):
        # The year a dossier is formed is the year it was opened: a date range uses the
        # (…, opened_on) indexes, `year = 2021` would scan.
        year = int(value)  # within the plausible years (YearFilter)
        return queryset.filter(opened_on__gte=datetime.date(year, 1, 1), opened_on__lte=datetime.date(year, 12, 31))

    def filter_department(self, queryset, name, value):
        # The department and its units, resolved to ids first (see DossierQuerySet.visible_to).
        return queryset.in_department(value)

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "year":
            return queryset.due_by(datetime.date(today.year, 12, 31))
        return queryset.overdue(today) if value == "overdue" else queryset.due_soon(today)


def department_choices_for(user):
    """Only the departments a head leads in their filter (the Office sees all)."""
    return Department.objects.visible_to(user)
