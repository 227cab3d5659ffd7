import io
from types import SimpleNamespace

import pytest

from backlog import demo
from backlog.models import Campaign, DeadlineMiss, Inventory
from recordsportal.management.commands.seed_demo import seed_organisation
from recordsportal.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_2021_campaign_has_a_mix_and_is_idempotent():
    seed_organisation()
    command = SimpleNamespace(stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    demo.seed(command, admin)
    demo.seed(command, admin)
    campaign = Campaign.objects.get()
    assert campaign.deadline.isoformat() == "2021-07-30" and campaign.scope_until_year == 2015
    statuses = dict(Inventory.objects.values_list("department__abbreviation", "status"))
    assert statuses == {"VP": "accepted", "QLĐT": "accepted", "QHXD": "submitted", "QLDN": "returned",
                        "TNMT": "draft", "TTDV": "submitted", "KTTC": "submitted", "BQLDA": "draft"}
    assert set(DeadlineMiss.objects.values_list("department__abbreviation", "kind")) == {
        ("QHXD", "late"), ("TNMT", "missing"), ("BQLDA", "missing")}
    assert not Inventory.objects.get(department__abbreviation="TTDV").late  # 23:10 on the deadline day
