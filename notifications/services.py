"""Write rules for notifications: one function per action.

`notify` is called by the other apps' services, inside their transaction: the notification rows
commit with the change they report. The e-mail is sent by Celery once the transaction has
committed (`transaction.on_commit`), and again by the sweeper (`emails_send` every few minutes)
if the queue was down at that moment: nothing is lost. Each row is e-mailed in its own
transaction, its row locked and marked in the same transaction as the send, so a retried task
skips what was sent and sends what was not; nothing is sent twice, except in the one window no
mail system closes — the server accepted the message and the worker died before the commit —
where the retry sends it again with the same Message-ID, which mail clients show once.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.links import absolute_url
from recordsportal.services import DomainError

from .models import Kind, Notification, Preference

EmailMode = Preference.EmailMode
# The sweeper leaves the e-mails of the last minutes to the task queued when they were written.
SWEEP_AFTER = datetime.timedelta(minutes=2)


# --- writing notifications ---------------------------------------------------------------------------


def email_modes(users) -> dict[int, str]:
    """Each user's e-mail mode, in one query (no row: immediate, the default)."""
    ids = [u.pk for u in users]
    chosen = dict(Preference.objects.filter(user_id__in=ids).values_list("user_id", "email_mode"))
    return {pk: chosen.get(pk, EmailMode.IMMEDIATE) for pk in ids}


def notify(*, recipients: Iterable, kind: str, key: str, title: str, url: str, body: str = "",
           email: bool = True, queue: bool = True) -> int:
    """One notification per recipient for the event `key`, written in the caller's transaction.

    Inactive people and repeats are skipped; a (recipient, key) pair already written is left as
    it is, so running the same job twice notifies once. `url` is a path of the portal (the
    e-mail makes it absolute from SITE_URL). `email=False`: the caller has already e-mailed the
    event (the backlog reminders), the notification is for the portal only. `queue=False`: a
    batch job queues one send for all its notifications (`queue_emails`). Returns the number of
    recipients considered."""
    assert kind in Kind.values, kind
    assert url.startswith("/") and not url.startswith("//"), url
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return 0
    now = timezone.now()
    modes = email_modes(people.values())
    rows = [
        Notification(
            recipient_id=pk, kind=kind, key=key[:150], title=title[:300], body=body, url=url, created_at=now,
            # Nothing to send: the person reads notifications in the portal only, or has no address.
            emailed_at=None if email and user.email and modes[pk] != EmailMode.OFF else now,
        )
        for pk, user in people.items()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if email and queue:
        queue_emails(key)
    return len(rows)


def queue_emails(key: str | None = None) -> None:
    """Once the caller's transaction commits, send the immediate e-mails (of one event, or all
    pending). A broker that is down loses nothing: the rows wait, and the sweeper sends them."""
    transaction.on_commit(lambda: _enqueue(key), robust=True)


def _enqueue(key: str | None) -> None:
    from recordsportal.queueing import enqueue

    from .tasks import send_emails

    enqueue(send_emails, key=key)


# --- reading them ------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, acting_user, notification: Notification) -> bool:
    """Mark one of one's own notifications read. False when it already was."""
    if notification.recipient_id != acting_user.pk:
        raise DomainError(_("Thông báo này không phải của bạn."))
    return bool(Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now()))


@transaction.atomic
def notifications_mark_all_read(*, acting_user) -> int:
    return Notification.objects.for_user(acting_user).unread().update(read_at=timezone.now())


def safe_target(notification: Notification) -> str:
    """Where opening a notification leads: its path, only ever inside the portal."""
    parts = urlsplit(notification.url)
    if parts.scheme or parts.netloc or not notification.url.startswith("/"):
        return "/"
    return notification.url


@transaction.atomic
def preference_set(*, acting_user, email_mode: str) -> Preference:
    """A person chooses how notifications reach them by e-mail. Turning e-mail off also drops the
    e-mails still waiting (they are in the portal)."""
    if email_mode not in EmailMode.values:
        raise DomainError(_("Cách nhận thông báo không hợp lệ."), field="email_mode")
    preference, _created = Preference.objects.update_or_create(user=acting_user, defaults={"email_mode": email_mode})
    if email_mode == EmailMode.OFF:
        Notification.objects.for_user(acting_user).filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return preference


def preference_of(user) -> str:
    return email_modes([user])[user.pk]


# --- e-mail ------------------------------------------------------------------------------------------


def _message_id(notification_ids) -> str:
    # The same message for the same rows on every try: a re-send after a crash is one message.
    host = urlsplit(settings.SITE_URL).hostname or "records-portal.local"
    return f"<notification.{'.'.join(str(pk) for pk in notification_ids)}@{host}>"


def _footer() -> str:
    return _("Đổi cách nhận thông báo: %(link)s") % {"link": absolute_url("notifications:preferences")}


def _immediate_message(notification: Notification, connection) -> EmailMessage:
    user = notification.recipient
    body = _("Kính gửi %(name)s,\n\n%(title)s\n%(body)s\nXem tại: %(link)s\n\n%(footer)s\n") % {
        "name": user.full_name or user.username, "title": notification.title,
        "body": f"{notification.body}\n" if notification.body else "",
        "link": settings.SITE_URL + safe_target(notification), "footer": _footer(),
    }
    return EmailMessage(
        subject=_("[Cổng hồ sơ] %(title)s") % {"title": notification.title[:150]}, body=body, to=[user.email],
        connection=connection, headers={"Message-ID": _message_id([notification.pk])},
    )


def _pending(mode: str):
    pending = Notification.objects.filter(emailed_at__isnull=True).exclude(recipient__email="")
    if mode == EmailMode.IMMEDIATE:
        # No preference row means the default, immediate.
        return pending.exclude(recipient__notification_preference__email_mode__in=[EmailMode.DIGEST, EmailMode.OFF])
    return pending.filter(recipient__notification_preference__email_mode=mode)


def emails_send(*, key: str | None = None, created_before: datetime.datetime | None = None) -> int:
    """Send the immediate e-mails still to send (of one event, or all of them written before a
    moment: the sweeper). One transaction per e-mail: the row is locked (a concurrent run skips
    it), sent, marked. A failure raises after the e-mails before it were marked, so the retry
    sends only the rest. Returns the number sent."""
    pending = _pending(EmailMode.IMMEDIATE)
    if key is not None:
        pending = pending.filter(key=key)
    if created_before is not None:
        pending = pending.filter(created_at__lt=created_before)
    sent = 0
    connection = get_connection()
    for pk in list(pending.order_by("id").values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            notification = (Notification.objects.select_for_update(skip_locked=True).select_related("recipient")
                            .filter(pk=pk, emailed_at__isnull=True).first())
            if notification is None:  # sent meanwhile by another run
                continue
            _immediate_message(notification, connection).send(fail_silently=False)
            Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def digests_send() -> int:
    """The daily digest: one e-mail per person who chose it, listing what they have not been
    e-mailed yet. Per person one transaction (rows locked, sent, marked). Returns e-mails sent."""
    users = list(_pending(EmailMode.DIGEST).values_list("recipient_id", flat=True).distinct().order_by("recipient_id"))
    sent = 0
    connection = get_connection()
    for user_id in users:
        with transaction.atomic():
            rows = list(_pending(EmailMode.DIGEST).select_for_update(skip_locked=True).select_related("recipient")
                        .filter(recipient_id=user_id).order_by("created_at", "id"))
            if not rows:
                continue
            user = rows[0].recipient
            lines = "\n".join(
                f"- {timezone.localtime(n.created_at):%d/%m %H:%M} {n.title}\n  {settings.SITE_URL}{safe_target(n)}"
                for n in rows)
            body = _("Kính gửi %(name)s,\n\nCác thông báo trong ngày (%(count)s):\n%(lines)s\n\n"
                     "Xem tất cả: %(all)s\n\n%(footer)s\n") % {
                "name": user.full_name or user.username, "count": len(rows), "lines": lines,
                "all": absolute_url("notifications:list"), "footer": _footer()}
            EmailMessage(
                subject=_("[Cổng hồ sơ] %(count)s thông báo mới") % {"count": len(rows)}, body=body, to=[user.email],
                connection=connection, headers={"Message-ID": _message_id([n.pk for n in rows])},
            ).send(fail_silently=False)
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
            sent += 1
    return sent
