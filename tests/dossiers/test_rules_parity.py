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
