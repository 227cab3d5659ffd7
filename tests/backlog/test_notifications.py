"""Backlog inventory events reach the heads (issue 15): a campaign opened, an inventory the
Office returned, a reminder (in the portal; the reminder e-mail itself is the backlog's)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from backlog import services
from backlog.models import Inventory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(agency):
    return services.campaign_open(acting_user=agency.clerk, title="Kiểm kê 2026", scope_until_year=2015,
                                  deadline=datetime.date(2026, 12, 31), departments=[agency.dept_a, agency.dept_b])


def test_opening_a_campaign_tells_each_departments_head(agency, campaign):
    inventory = Inventory.objects.get(campaign=campaign, department=agency.dept_a)
    [notification] = Notification.objects.filter(recipient=agency.head_a, kind=Kind.CAMPAIGN)
    assert "Kiểm kê 2026" in notification.title and notification.url == f"/backlog/inventories/{inventory.pk}/"
    assert Notification.objects.filter(recipient=agency.head_b, kind=Kind.CAMPAIGN).count() == 1
    assert not Notification.objects.filter(recipient=agency.officer_a).exists()


def test_a_returned_inventory_tells_the_head_why(agency, campaign):
    inventory = Inventory.objects.get(campaign=campaign, department=agency.dept_a)
    Inventory.objects.filter(pk=inventory.pk).update(status=Inventory.Status.SUBMITTED, submitted_at=timezone.now(),
                                                   first_submitted_at=timezone.now())
    inventory.refresh_from_db()
    services.inventory_return(acting_user=agency.clerk, inventory=inventory, reason="Thiếu số mét giá")
    [notification] = Notification.objects.filter(recipient=agency.head_a, kind=Kind.RETURNED)
    assert "Thiếu số mét giá" in notification.body


def test_a_reminder_is_in_the_portal_without_a_second_email(agency, campaign):
    Notification.objects.update(emailed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
    agency.head_a.email = "head_a@bql.example.vn"
    agency.head_a.save()
    mail.outbox.clear()
    services.campaign_send_reminders(acting_user=agency.clerk, campaign=campaign)
    reminders = Notification.objects.filter(recipient=agency.head_a, kind=Kind.CAMPAIGN, key__contains="reminded")
    assert reminders.count() == 1 and reminders.get().emailed_at is not None
    assert len(mail.outbox) == 1  # the backlog's own reminder only
