"""`Department.objects.visible_to(user)`: the one answer to "which departments may this user see",
asked by the dashboard, its drill-down and the dossier filters."""

from recordsportal.models import Department


def test_departments_visible_to_each_role(agency):
    inactive = Department.objects.create(name="Phòng cũ", abbreviation="PC", is_active=False)
    everyone = set(Department.objects.filter(is_active=True))
    assert inactive not in everyone
    assert set(Department.objects.visible_to(agency.clerk)) == everyone
    assert set(Department.objects.visible_to(agency.leader)) == everyone
    assert set(Department.objects.visible_to(agency.head_a)) == {agency.dept_a, agency.unit_a1}
    assert list(Department.objects.visible_to(agency.officer_a)) == []


def test_the_dashboard_and_the_dossier_filter_offer_the_same_departments(agency):
    from dossiers.filters import department_choices_for
    from reports.querysets import departments_in_view

    for user in (agency.clerk, agency.head_a, agency.officer_b):
        assert set(departments_in_view(user)) == set(department_choices_for(user)) == set(
            Department.objects.visible_to(user))
