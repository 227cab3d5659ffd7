"""What dossiers tell people (notifications app): a retention list decided by leadership,
dossiers the archive returned. Called by the services inside their transaction."""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from recordsportal.models import User

from .choices import BatchStatus, Decision


def retention_decided(retention_list) -> None:
    recipients = [retention_list.created_by, *User.objects.heads_of(retention_list.department)]
    approved = retention_list.lines.filter(decision=Decision.APPROVED).count()
    total = retention_list.lines.count()
    notify(recipients=recipients, kind=Kind.DECISION, key=f"retention:{retention_list.pk}:decided",
           title=_("Lãnh đạo đã duyệt danh mục hồ sơ giữ lại của %(department)s: đồng ý %(approved)s/%(total)s hồ sơ") % {
               "department": retention_list.department.name, "approved": approved, "total": total},
           url=reverse("dossiers:retention_detail", args=[retention_list.pk]))


def dossiers_returned(batch, returns: dict, dossiers) -> None:
    """Each officer whose dossier the archive returned, with the reason; the batch's author when
    the whole batch came back."""
    for dossier in dossiers:
        if dossier.pk in returns:
            notify(recipients=[dossier.officer], kind=Kind.RETURNED, key=f"batch:{batch.pk}:dossier:{dossier.pk}:returned",
                   title=_("Lưu trữ trả lại hồ sơ %(code)s") % {"code": dossier.code},
                   body=_("Lý do: %(reason)s") % {"reason": returns[dossier.pk]},
                   url=reverse("dossiers:detail", args=[dossier.pk]))
    if batch.status == BatchStatus.RETURNED:
        notify(recipients=[batch.created_by, *User.objects.heads_of(batch.department)], kind=Kind.RETURNED,
               key=f"batch:{batch.pk}:returned", title=_("Lưu trữ trả lại lần nộp lưu của %(department)s") % {
                   "department": batch.department.name},
               body=batch.receipt_note, url=reverse("dossiers:batch_detail", args=[batch.pk]))
