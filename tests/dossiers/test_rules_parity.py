"""The page offers an action exactly when the service would do it: both ask dossiers/rules.py."""

import datetime

import pytest

from dossiers import rules, services
from dossiers.models import Dossier
from recordsportal.services import DomainError


@pytest.mark.parametrize("actor", ["officer_a", "officer_a2", "head_a", "clerk", "head_b"])
@pytest.mark.parametrize("closed", [False, True])
def test_delete_is_offered_exactly_when_the_service_deletes(agency, plan, closed_dossier, actor, closed):
    if closed:
        dossier = closed_dossier()
    else:
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.get(number=1),
                                        opened_on=datetime.date(2026, 1, 5))
    user = getattr(agency, actor)
    offered = not rules.delete_problems(user, dossier)
    try:
        services.dossier_delete(acting_user=user, dossier=dossier)
        deleted = True
    except DomainError as error:
        deleted = False
        assert error.message == " ".join(rules.delete_problems(user, dossier))
    assert offered == deleted
    assert Dossier.all_objects.get(pk=dossier.pk).is_deleted == deleted


@pytest.mark.parametrize("actor", ["officer_a", "officer_a2", "head_a", "clerk"])
def test_the_close_form_is_offered_to_the_keeper_and_head_of_an_open_dossier(agency, plan, actor):
    dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.get(number=1),
                                    opened_on=datetime.date(2026, 1, 5))
    offered = not rules.close_access_problems(getattr(agency, actor), dossier)
    assert offered == (actor in ("officer_a", "head_a"))


class Undo(Exception):
    """Raised after a service succeeded, to roll its changes back."""


def _done(service) -> tuple[bool, str]:
    from django.db import transaction

    try:
        with transaction.atomic():
            service()
            raise Undo
    except Undo:
        return True, ""
    except DomainError as error:
        return False, error.message


@pytest.mark.parametrize("actor", ["officer_a", "head_a", "head_b", "clerk", "leader"])
@pytest.mark.parametrize("submitted", [False, True])
def test_the_batch_actions_are_offered_exactly_when_the_service_does_them(agency, closed_dossier, login, actor,
                                                                         submitted):
    from django.urls import reverse

    from dossiers.models import ArchiveBatch

    batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a,
                                          dossiers=[closed_dossier()])
    if submitted:
        services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
    user = getattr(agency, actor)
    batch = ArchiveBatch.objects.select_related("department").get(pk=batch.pk)
    receive = rules.batch_receive_problems(user, batch)
    response = login(user).get(reverse("dossiers:batch_detail", args=[batch.pk]))
    if response.status_code == 200:
        assert response.context["may_receive"] == (not receive)
    assert _done(lambda: services.archive_batch_receive(acting_user=user, batch=batch)) == (
        not receive, " ".join(receive))
    dossier = batch.lines.get().dossier
    edit = rules.batch_edit_problems(user, batch)
    assert _done(lambda: services.archive_batch_remove(acting_user=user, batch=batch, dossier=dossier)) == (
        not edit, " ".join(edit))


@pytest.mark.parametrize("actor", ["officer_a", "head_a", "head_b", "clerk", "leader"])
def test_a_retention_list_is_offered_exactly_when_the_service_makes_it(agency, login, actor):
    from django.urls import reverse

    user = getattr(agency, actor)
    problems = rules.retention_create_problems(user, agency.dept_a)
    page = login(user).get(reverse("dossiers:retention"))
    assert (agency.dept_a in page.context["departments"]) == (not problems)
    assert _done(lambda: services.retention_list_create(acting_user=user, department=agency.dept_a)) == (
        not problems, " ".join(problems))
    if not problems:
        retention_list = services.retention_list_create(acting_user=user, department=agency.dept_a)
        submit = rules.retention_submit_problems(user, retention_list)
        assert submit == ["Danh mục chưa có hồ sơ nào."]
        assert _done(lambda: services.retention_list_submit(acting_user=user, retention_list=retention_list)) == (
            False, " ".join(submit))


@pytest.mark.parametrize("actor", ["officer_a", "officer_a2", "head_a", "head_b", "clerk", "leader"])
def test_hand_over_is_offered_exactly_when_the_service_hands_over(agency, login, actor):
    """One rule (rules.hand_over_problems) for the button, the page and the service: the head of
    the leaving officer's department, nobody else (issue 13: the service also let the Office
    through, which no page offered)."""
    from django.urls import reverse

    user = getattr(agency, actor)
    services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
    problems = rules.hand_over_problems(user, user.department)
    client = login(user)
    listing = client.get(reverse("dossiers:list"))
    assert (reverse("dossiers:hand_over") in listing.content.decode()) == (not problems)
    page = client.get(reverse("dossiers:hand_over"))
    assert (page.status_code == 200) == (not problems)
    done, message = _done(lambda: services.dossiers_hand_over(
        acting_user=user, from_officer=agency.officer_a, to_officer=agency.officer_a2))
    expected = rules.hand_over_problems(user, agency.officer_a.department)
    assert (done, message) == (not expected, " ".join(expected))
    assert done == (actor == "head_a")
