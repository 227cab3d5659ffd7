"""The registers' and dossier lists' department select (recordsportal.params.DepartmentFilter,
issue 16): its options read as (id, name) pairs give the HTML the previous ModelChoiceFilter gave
with one model instance per option, and the chosen department still validates and filters."""

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from documents.filters import ALL as DOCUMENT_ALL
from documents.filters import DocumentFilter
from documents.models import Document
from dossiers.filters import ALL as DOSSIER_ALL
from dossiers.filters import DossierFilter, department_choices_for
from dossiers.models import Dossier
from recordsportal.models import Department


class PreviousDocumentFilter(DocumentFilter):
    department = django_filters.ModelChoiceFilter(
        label=DocumentFilter.base_filters["department"].label,
        queryset=Department.objects.active(),
        method="filter_department",
        empty_label=DOCUMENT_ALL,
    )


class PreviousDossierFilter(DossierFilter):
    department = django_filters.ModelChoiceFilter(
        label=DossierFilter.base_filters["department"].label,
        queryset=Department.objects.active(),
        method="filter_department",
        empty_label=DOSSIER_ALL,
    )


@pytest.fixture
def departments(agency):
    Department.objects.create(name='Phòng <Kế hoạch> & "Tài chính"', abbreviation="KHTC", order=2)
    Department.objects.create(name="Phòng cũ", abbreviation="PC", is_active=False)
    Department.objects.create(name="Ban O'Neil", abbreviation="ON", order=1)
    return agency


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_register_department_select_is_the_html_of_the_previous_filter(departments, language):
    chosen = departments.dept_a.pk
    with translation.override(language):
        for data in ({}, {"department": str(chosen)}, {"department": "999999"}, {"department": "x"}):
            new = DocumentFilter(data, queryset=Document.objects.all()).form["department"]
            old = PreviousDocumentFilter(data, queryset=Document.objects.all()).form["department"]
            assert str(new) == str(old), data
            assert "Phòng &lt;Kế hoạch&gt; &amp; &quot;Tài chính&quot;" in str(new)
            assert "Phòng cũ" not in str(new)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_head_dossier_list_department_select_is_the_html_of_the_previous_filter(departments, language):
    with translation.override(language):
        for user in (departments.clerk, departments.head_a):
            for data in ({}, {"department": str(departments.unit_a1.pk)}):
                new = DossierFilter(data, queryset=Dossier.objects.all())
                old = PreviousDossierFilter(data, queryset=Dossier.objects.all())
                for filterset in (new, old):  # as dossiers.views.dossiers.dossier_list narrows it
                    filterset.form.fields["department"].queryset = department_choices_for(user)
                assert str(new.form["department"]) == str(old.form["department"]), (user, data)


def test_the_chosen_department_still_validates_and_filters(departments, make_document):
    in_unit = make_document(department=departments.unit_a1)
    make_document(department=departments.dept_b)
    chosen = DocumentFilter({"department": str(departments.dept_a.pk)}, queryset=Document.objects.all())
    assert list(chosen.qs) == [in_unit]  # the department and its units
    assert chosen.form.cleaned_data["department"] == departments.dept_a
    unknown = DocumentFilter({"department": "999999"}, queryset=Document.objects.all())
    unknown.qs  # noqa: B018 - validates the form
    assert "department" in unknown.form.errors


def test_the_select_is_one_query_and_no_model_instances(departments):
    form = DocumentFilter({}, queryset=Document.objects.all()).form
    with CaptureQueriesContext(connection) as queries:
        html = str(form["department"])
    assert len(queries) == 1
    assert html.count("<option") == Department.objects.active().count() + 1
