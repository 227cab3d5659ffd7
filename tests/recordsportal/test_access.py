"""The shared scoping helper: who sees whose work."""

import pytest
from django.http import Http404
from django.urls import reverse

from recordsportal.access import Scope, scope_filter, scope_of
from recordsportal.guards import get_visible_or_404
from recordsportal.models import User

pytestmark = pytest.mark.django_db


def visible_usernames(viewer):
    return set(User.objects.visible_to(viewer).values_list("username", flat=True))


def test_scopes_by_role(agency):
    assert scope_of(agency.officer_a) is Scope.OWN
    assert scope_of(agency.head_a) is Scope.DEPARTMENT
    for agency_wide in (agency.clerk, agency.leader, agency.admin):
        assert scope_of(agency_wide) is Scope.AGENCY


def test_officer_sees_only_own_work(agency):
    assert visible_usernames(agency.officer_a) == {"officer_a"}


def test_department_head_sees_department_and_its_units_not_others(agency):
    seen = visible_usernames(agency.head_a)
    assert {"head_a", "officer_a", "officer_a2", "officer_a1"} <= seen
    assert "officer_b" not in seen and "head_b" not in seen and "clerk" not in seen


def test_head_recorded_on_department_without_head_role_still_sees_it(agency):
    from recordsportal.roles import Role

    agency.officer_a2.groups.filter(name=Role.DEPARTMENT_HEAD).delete()
    agency.dept_b.head = agency.officer_a2
    agency.dept_b.save()
    viewer = User.objects.get(pk=agency.officer_a2.pk)
    assert "officer_b" in visible_usernames(viewer)


def test_office_and_leadership_see_the_agency(agency):
    everyone = set(User.objects.values_list("username", flat=True))
    assert visible_usernames(agency.clerk) == everyone
    assert visible_usernames(agency.leader) == everyone


def test_inactive_user_sees_nothing(agency):
    agency.clerk.is_active = False
    assert scope_of(agency.clerk) is Scope.NONE
    assert not User.objects.filter(scope_filter(agency.clerk, owners=["pk"])).exists()


def test_out_of_scope_object_is_a_404_like_a_missing_one(agency):
    scoped = User.objects.visible_to(agency.head_a)
    assert get_visible_or_404(scoped, pk=agency.officer_a.pk) == agency.officer_a
    with pytest.raises(Http404):
        get_visible_or_404(scoped, pk=agency.officer_b.pk)
    with pytest.raises(Http404):
        get_visible_or_404(scoped, pk=999_999)


def test_moving_a_department_moves_its_subtree(agency):
    agency.dept_a.parent = agency.dept_b
    agency.dept_a.save()
    agency.unit_a1.refresh_from_db()
    assert agency.unit_a1.path == f"/{agency.dept_b.pk}/{agency.dept_a.pk}/{agency.unit_a1.pk}/"
    viewer = User.objects.get(pk=agency.head_b.pk)
    assert "officer_a1" in visible_usernames(viewer)


def test_people_page_and_api_use_the_same_scope(agency, login):
    client = login(agency.head_b)
    page = client.get(reverse("people")).content.decode()
    assert agency.officer_b.full_name in page
    assert agency.officer_a.full_name not in page
    api = client.get("/api/v1/users/").json()
    assert {row["username"] for row in api["results"]} == visible_usernames(agency.head_b)


def test_officer_cannot_open_the_people_page(agency, login):
    response = login(agency.officer_a).get(reverse("people"))
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in response.content.decode()
