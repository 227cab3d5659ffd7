"""What backlog inventories tell the heads (notifications app): a campaign opened, an inventory
returned by the Office, a reminder. Called by the services inside their transaction."""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from recordsportal.models import User


def _heads(inventory):
    return User.objects.heads_of(inventory.department)


def campaign_opened(campaign, inventory) -> None:
    notify(recipients=_heads(inventory), kind=Kind.CAMPAIGN, key=f"inventory:{inventory.pk}:opened",
           title=_("Đợt kiểm kê tài liệu tồn đọng: %(title)s, hạn nộp %(deadline)s") % {
               "title": campaign.title, "deadline": campaign.deadline.strftime("%d/%m/%Y")},
           url=reverse("backlog:inventory", args=[inventory.pk]))


def inventory_returned(inventory, *, reason) -> None:
    notify(recipients=_heads(inventory), kind=Kind.RETURNED,
           key=f"inventory:{inventory.pk}:returned:{inventory.reviewed_at.isoformat()}",
           title=_("Văn phòng trả lại bản kiểm kê tài liệu tồn đọng của %(department)s") % {
               "department": inventory.department.name},
           body=_("Lý do: %(reason)s") % {"reason": reason}, url=reverse("backlog:inventory", args=[inventory.pk]))


def reminded(inventory, *, moment) -> None:
    """In the portal only: the reminder itself went out by e-mail (services.campaign_send_reminders)."""
    notify(recipients=_heads(inventory), kind=Kind.CAMPAIGN, email=False,
           key=f"inventory:{inventory.pk}:reminded:{moment.date().isoformat()}",
           title=_("Nhắc nộp bản kiểm kê tài liệu tồn đọng: %(title)s, hạn %(deadline)s") % {
               "title": inventory.campaign.title, "deadline": inventory.campaign.deadline.strftime("%d/%m/%Y")},
           url=reverse("backlog:inventory", args=[inventory.pk]))
