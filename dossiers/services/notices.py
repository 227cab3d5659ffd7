"""Notices to officers of dossiers falling due for the archive."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.links import absolute_url


from ..models import (
    Dossier,
)


def due_notices_send(*, today: datetime.date | None = None) -> int:
    """Tell each officer, once, of their dossiers falling due for the archive within 30 days (or
    overdue). One e-mail per officer; each dossier is marked so a second run sends nothing."""
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    pending = (Dossier.objects.due_soon(today).filter(due_notice_sent_on__isnull=True)
               .select_related("officer").order_by("officer_id", "due_on", "id"))
    by_officer: dict[int, list[Dossier]] = {}
    for dossier in pending:
        by_officer.setdefault(dossier.officer_id, []).append(dossier)
    sent = 0
    for dossiers in by_officer.values():
        officer = dossiers[0].officer
        with transaction.atomic():
            # Claim first: a concurrent run finds nothing left to send.
            claimed = Dossier.objects.filter(pk__in=[d.pk for d in dossiers], due_notice_sent_on__isnull=True).update(
                due_notice_sent_on=today)
            if not claimed or not officer.email:
                continue
            lines = [f"- {d.code}: {d.title} (hạn {d.due_on:%d/%m/%Y})" for d in dossiers]
            send_mail(
                _("Hồ sơ đến hạn nộp lưu vào lưu trữ cơ quan"),
                _("Kính gửi %(name)s,\n\nCác hồ sơ sau đến hạn nộp lưu trong 30 ngày tới hoặc đã quá hạn:\n%(lines)s\n\n"
                  "Xem và nộp lưu tại: %(link)s\n")
                % {"name": officer.full_name, "lines": "\n".join(lines), "link": absolute_url("dossiers:mine")},
                None, [officer.email],
            )
            sent += 1
    return sent
