"""The register filters, shared by the HTML list, the Excel export and the API."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import Department, User
from recordsportal.params import DepartmentFilter, YearFilter

from .choices import Confidentiality, Direction, Form, Kind, PaperReason, Status, Urgency
from .models import Document
from .querysets import OPEN_STATUSES

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")
ALL = _("Tất cả")


class FilterForm(BootstrapFormMixin, forms.Form):
    pass

# Columns a user may sort by: public name -> model ordering (id breaks ties, so pages are stable).
SORTABLE = {
    "date": ("register_date", "id"),
    "number": ("register_year", "number", "id"),
    "symbol": ("number_symbol", "id"),
    "deadline": ("deadline", "id"),
    "department": ("department__name", "id"),
}


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_search")
    direction = django_filters.ChoiceFilter(label=_("Loại sổ"), choices=Direction.choices, empty_label=ALL)
    date_from = django_filters.DateFilter(label=_("Từ ngày"), field_name="register_date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("Đến ngày"), field_name="register_date", lookup_expr="lte", widget=DATE_INPUT)
    year = YearFilter(label=_("Năm"), field_name="register_year", method="filter_year")
    kind = django_filters.ChoiceFilter(label=_("Tên loại"), choices=Kind.choices, empty_label=ALL)
    department = DepartmentFilter(
        label=_("Phòng, đơn vị"), queryset=Department.objects.active(), method="filter_department", empty_label=ALL
    )
    officer = django_filters.ModelChoiceFilter(label=_("Cán bộ"), queryset=User.objects.filter(is_active=True), empty_label=ALL)
    form = django_filters.ChoiceFilter(label=_("Hình thức"), choices=Form.choices, empty_label=ALL)
    urgency = django_filters.ChoiceFilter(label=_("Độ khẩn"), choices=Urgency.choices, empty_label=ALL)
    confidentiality = django_filters.ChoiceFilter(label=_("Độ mật"), choices=Confidentiality.choices, empty_label=ALL)
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=Status.choices, empty_label=ALL)
    # The paper documents by their reason (issue 14): "justified", "unjustified" (which, as in
    # paper_counts, includes paper without a recorded reason) or one reason.
    paper_reason = django_filters.ChoiceFilter(
        label=_("Lý do văn bản giấy"), method="filter_paper_reason", empty_label=ALL,
        choices=[("justified", _("Có lý do chính đáng"))] + list(PaperReason.choices),
    )
    overdue = django_filters.BooleanFilter(label=_("Quá hạn"), method="filter_overdue", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), method="filter_sort",
        choices=[(key, key) for key in SORTABLE] + [(f"-{key}", f"-{key}") for key in SORTABLE],
    )

    class Meta:
        model = Document
        form = FilterForm
        fields = ["q", "direction", "date_from", "date_to", "year", "kind", "department", "officer", "form",
                  "urgency", "confidentiality", "status", "paper_reason", "overdue", "sort"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)  # within the plausible years (YearFilter)
        # register_year is the year of register_date (every writer sets both from the same date):
        # the date range lets the newest-first list start at the year's end in the date index
        # instead of walking every later document (550 ms → a few ms on 2M rows).
        return queryset.filter(
            register_year=year, register_date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        )

    def filter_department(self, queryset, name, value):
        # A department includes its units: their ids, so no join on the department table.
        units = Department.objects.filter(path__startswith=value.path).values("pk")
        return queryset.filter(department_id__in=units)

    def filter_paper_reason(self, queryset, name, value):
        from django.db.models import Q

        justified = Q(paper_reason__in=PaperReason.justified())
        if value == "justified":
            return queryset.filter(justified, form=Form.PAPER)
        if value == PaperReason.UNJUSTIFIED:
            return queryset.filter(~justified, form=Form.PAPER)
        return queryset.filter(form=Form.PAPER, paper_reason=value)

    def filter_overdue(self, queryset, name, value):
        # A checkbox: ticked narrows the list to overdue documents; unticked (absent) means
        # "no filter", never "exclude the overdue ones".
        if not value:
            return queryset
        # Oldest deadline first (a `sort=` chosen on the page still wins: it is applied after).
        # Newest-first made PostgreSQL walk the date index through all 2M documents whenever a
        # head's scope held fewer than a page of overdue ones (1.9 s); by deadline it reads the
        # ~10,000 overdue documents through (status, deadline) and sorts them (50 ms).
        return queryset.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate()).order_by("deadline", "id")

    def filter_sort(self, queryset, name, value):
        descending = value.startswith("-")
        fields = SORTABLE[value.lstrip("-")]
        return queryset.order_by(*[f"-{f}" if descending else f for f in fields])
