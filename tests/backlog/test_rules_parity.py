"""The backlog pages offer an action exactly when the service would do it, and the service refuses
with the very messages of backlog/rules.py (issue 13: one shape for "may this happen")."""

from functools import partial

import pytest
from django.db import transaction
from django.urls import reverse

from backlog import rules, services
from backlog.models import Campaign, Inventory
from recordsportal.services import DomainError

from .conftest import LINES_A

pytestmark = pytest.mark.django_db

ACTORS = ["clerk", "admin", "leader", "head_a", "head_b", "officer_a"]


class Undo(Exception):
    """Raised after a service succeeded, to roll its changes back."""


def attempt(action) -> tuple[bool, str]:
    try:
        with transaction.atomic():
            action()
            raise Undo
    except Undo:
        return True, ""
    except DomainError as error:
        return False, error.message


def context_of(client, url, key):
    response = client.get(url)
    return response.context[key] if response.status_code == 200 else None


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("closed", [False, True])
def test_campaign_actions_are_offered_exactly_when_the_service_does_them(agency, campaign, login, actor, closed):
    if closed:
        services.campaign_close(acting_user=agency.clerk, campaign=campaign)
    user = getattr(agency, actor)
    client = login(user)
    cases = {
        "may_update": (rules.campaign_update_problems, lambda c: services.campaign_update(
            acting_user=user, campaign=c, title="Đợt sửa", deadline=c.deadline, effort_norm=c.effort_norm)),
        "may_close": (rules.campaign_close_problems, lambda c: services.campaign_close(acting_user=user, campaign=c)),
        "may_remind": (rules.campaign_remind_problems, None),
    }
    page = reverse("backlog:campaign", args=[campaign.pk])
    for key, (rule, service) in cases.items():
        campaign = Campaign.objects.get(pk=campaign.pk)  # as stored: a service run before was rolled back
        problems = rule(user, campaign)
        offered = context_of(client, page, key)
        if offered is not None:  # the page is the user's to see
            assert offered == (not problems), (key, actor)
        if service is not None:
            done, message = attempt(partial(service, campaign))
            assert done == (not problems), (key, actor)
            assert message == " ".join(problems)
    problems = rules.campaign_open_problems(user)
    offered = context_of(client, reverse("backlog:index"), "may_open")
    if offered is not None:
        assert offered == (not problems)
    done, message = attempt(lambda: services.campaign_open(
        acting_user=user, title="Đợt mới", scope_until_year=2015, deadline=campaign.deadline,
        departments=[agency.dept_a]))
    assert (done, message) == (not problems, " ".join(problems))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("state", ["draft", "submitted", "accepted"])
def test_review_is_offered_exactly_when_the_service_returns_or_accepts(agency, inventory_a, login, actor, state):
    if state != "draft":
        services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
        services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a)
    if state == "accepted":
        services.inventory_accept(acting_user=agency.clerk, inventory=Inventory.objects.get(pk=inventory_a.pk))
    user = getattr(agency, actor)
    inventory = Inventory.objects.select_related("campaign", "department").get(pk=inventory_a.pk)
    problems = rules.inventory_review_problems(user, inventory)
    offered = context_of(login(user), reverse("backlog:inventory", args=[inventory.pk]), "can_review")
    if offered is not None:
        assert offered == (not problems), actor
    for service in (lambda i: services.inventory_accept(acting_user=user, inventory=i),
                    lambda i: services.inventory_return(acting_user=user, inventory=i, reason="Thiếu dòng.")):
        inventory = Inventory.objects.select_related("campaign", "department").get(pk=inventory_a.pk)
        assert attempt(partial(service, inventory)) == (not problems, " ".join(problems)), actor


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted", "closed"])
def test_editing_is_offered_to_the_head_exactly_when_the_service_saves(agency, campaign, inventory_a, login, state):
    if state in ("submitted", "accepted"):
        services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
        services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a)
    if state == "accepted":
        services.inventory_accept(acting_user=agency.clerk, inventory=Inventory.objects.get(pk=inventory_a.pk))
    if state == "closed":
        services.campaign_close(acting_user=agency.clerk, campaign=campaign)
    inventory = Inventory.objects.select_related("campaign", "department").get(pk=inventory_a.pk)
    problems = rules.inventory_edit_problems(inventory)
    offered = context_of(login(agency.head_a), reverse("backlog:inventory", args=[inventory.pk]), "editable")
    assert offered == (not problems)
    assert attempt(lambda: services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory,
                                                         lines=LINES_A)) == (not problems, " ".join(problems))
