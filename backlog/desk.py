"""What backlog inventories put on each home page (recordsportal/desk.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from recordsportal.desk import Tile
from recordsportal.roles import Role

from .models import Campaign, Inventory


def desk(user, role) -> list:
    if role not in (Role.DEPARTMENT_HEAD, Role.OFFICE):
        return []
    inventories = Inventory.objects.visible_to(user).filter(campaign__status=Campaign.Status.OPEN).aggregate(
        to_submit=Count("pk", filter=Q(status__in=Inventory.EDITABLE)),
        returned=Count("pk", filter=Q(status=Inventory.Status.RETURNED)),
        submitted=Count("pk", filter=Q(status=Inventory.Status.SUBMITTED)))
    url = reverse("backlog:index")
    if role == Role.DEPARTMENT_HEAD:
        return [Tile(_("Bản kiểm kê tài liệu tồn đọng cần nộp"), inventories["to_submit"], url, "desk-inventories-due",
                     tone="danger" if inventories["returned"] else "primary",
                     note=_("%(count)s bị trả lại") % {"count": inventories["returned"]} if inventories["returned"] else "")]
    campaigns = Campaign.objects.filter(status=Campaign.Status.OPEN).count()
    return [
        Tile(_("Đợt kiểm kê đang mở"), campaigns, url, "desk-open-campaigns"),
        Tile(_("Bản kiểm kê chờ Văn phòng xem xét"), inventories["submitted"], url, "desk-inventories-to-review"),
    ]
