"""Notifications: what reaches a person about their work, in the portal and by e-mail.

A notification is written in the same transaction as the change it reports (an assignment, a
return, a decision), so it is never lost when the change commits and never exists when it rolls
back; the e-mail follows after the commit (tasks.py). One row per event and recipient: `key`
names the event (`handling-note:42:officer`, `due-soon:17:2026-03-20`) and the pair is unique,
so a task that runs twice, or a daily job retried, writes nothing twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUBMITTED = "submitted", _("Văn bản trình xin ý kiến chỉ đạo")
    ASSIGNED = "assigned", _("Được giao xử lý")
    DISPATCHED = "dispatched", _("Được giao việc")
    CO_HANDLER = "co_handler", _("Được phân công phối hợp")
    RECEIVED = "received", _("Văn bản nội bộ gửi đến")
    DUE_SOON = "due_soon", _("Sắp đến hạn xử lý")
    OVERDUE = "overdue", _("Quá hạn xử lý")
    RETURNED = "returned", _("Bị trả lại")
    DECISION = "decision", _("Quyết định của lãnh đạo")
    VIOLATION = "violation", _("Vi phạm")
    CAMPAIGN = "campaign", _("Kiểm kê tài liệu tồn đọng")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own notifications: nobody reads another's (404, like any record out of scope)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=150)
    title = models.CharField(_("nội dung"), max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, help_text=_("Đường dẫn trong cổng tới bản ghi được thông báo."))
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When the e-mail was dealt with: sent (at once or in the digest), or not wanted (the person
    # receives notifications in the portal only, or has no address). Null: still to send.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_one_per_event_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_new"),
            # The bell's count on every page: the few unread rows of one person.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The e-mail tasks: the few rows still to send.
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How a person wants their notifications by e-mail (in the portal they always arrive)."""

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi e-mail ngay khi có thông báo")
        DIGEST = "digest", _("Gửi một e-mail tổng hợp mỗi ngày")
        OFF = "off", _("Không gửi e-mail, chỉ xem trên cổng")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_mode = models.CharField(_("nhận thông báo qua e-mail"), max_length=10, choices=EmailMode.choices,
                                  default=EmailMode.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self):
        return f"{self.user_id}: {self.email_mode}"
