"""What dossiers put on each home page (recordsportal/desk.py)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.desk import Tile
from recordsportal.roles import Role

from .choices import BatchStatus, RetentionStatus, Status
from .models import ArchiveBatch, Dossier, RetentionList
from .querysets import DUE_NOTICE_DAYS, not_retained


def desk(user, role) -> list:
    today = timezone.localdate()
    due_soon = Q(status=Status.CLOSED, due_on__isnull=False,
                 due_on__lte=today + datetime.timedelta(days=DUE_NOTICE_DAYS)) & not_retained(today)
    entries = []
    if role in (Role.OFFICER, Role.DEPARTMENT_HEAD):
        mine = Dossier.objects.kept_by(user).aggregate(
            open=Count("pk", filter=Q(status=Status.OPEN)),
            due=Count("pk", filter=due_soon),
            returned=Count("pk", filter=Q(status=Status.CLOSED) & ~Q(return_reason="")))
        base = reverse("dossiers:mine")
        entries += [
            Tile(_("Hồ sơ tôi đang lập"), mine["open"], f"{base}?status=open", "desk-open-dossiers"),
            Tile(_("Hồ sơ của tôi đến hạn nộp lưu"), mine["due"], f"{base}?due=soon", "desk-my-dossiers-due",
                 tone="danger"),
        ]
        if mine["returned"]:
            entries.append(Tile(_("Hồ sơ lưu trữ trả lại"), mine["returned"], f"{base}?status=closed",
                                "desk-dossiers-returned", tone="danger"))
    if role == Role.DEPARTMENT_HEAD:
        due = Dossier.objects.visible_to(user).filter(due_soon).count()
        entries.append(Tile(_("Hồ sơ của đơn vị đến hạn nộp lưu"), due, f"{reverse('dossiers:list')}?due=soon",
                            "desk-department-dossiers-due", tone="danger"))
    if role == Role.OFFICE:
        waiting = ArchiveBatch.objects.filter(status=BatchStatus.SUBMITTED).count()
        entries.append(Tile(_("Hồ sơ nộp lưu chờ tiếp nhận"), waiting,
                            f"{reverse('dossiers:batches')}?status={BatchStatus.SUBMITTED}", "desk-batches-to-receive"))
    if role == Role.LEADERSHIP:
        waiting = RetentionList.objects.visible_to(user).filter(status=RetentionStatus.SUBMITTED).count()
        entries.append(Tile(_("Danh mục hồ sơ giữ lại chờ duyệt"), waiting, reverse("dossiers:retention"),
                            "desk-retention-to-decide"))
    return entries
