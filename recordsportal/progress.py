"""Long work in Celery with progress: a row of the work's own that the task writes and the page
polls (htmx, every second), never the Celery result backend.

`ProgressRow` is the abstract model such a row extends (the file plan import today; the register
and inventory imports can follow): a state, the rows read out of how many, the errors found so
far, when it started and when it last moved. A task writes it through `report()`, at most every
`REPORT_EVERY` seconds, with an UPDATE of its own, outside the transaction that saves the work,
so the page sees it move; the work itself is saved in one transaction together with the final
state, so a worker killed half-way leaves no half-saved rows and the task can simply run again.
"""

import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A row that has not moved for this long while unfinished: its worker died or its message was
# lost (the broker was down); the page then offers to run it again (the task is idempotent).
STALE_AFTER_SECONDS = 120
REPORT_EVERY = 0.5  # seconds between two progress writes
MAX_ERRORS_KEPT = 500  # the messages stored on the row; the count covers them all


class ProgressRow(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ xử lý")
        READING = "reading", _("Đang đọc và kiểm tra tệp")
        SAVING = "saving", _("Đang lưu")
        DONE = "done", _("Đã xong")
        REFUSED = "refused", _("Không nhập được: tệp có lỗi")
        FAILED = "failed", _("Lỗi hệ thống")

    FINISHED = (State.DONE, State.REFUSED, State.FAILED)

    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("số dòng của tệp"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("số dòng đã đọc"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    errors = models.JSONField(_("các lỗi"), default=list, blank=True)
    result_count = models.PositiveIntegerField(_("số bản ghi đã lưu"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> float | None:
        """Share of the rows read, for the progress bar; None until the total is known."""
        if self.state == self.State.DONE:
            return 100.0
        if not self.rows_total:
            return None
        return min(100.0, 100.0 * self.rows_read / self.rows_total)

    @property
    def stale(self) -> bool:
        return not self.finished and (timezone.now() - self.updated_at).total_seconds() > STALE_AFTER_SECONDS

    def write(self, **fields) -> None:
        """Set `fields` on this object and in its row, at once (its own UPDATE, committed with
        the caller's autocommit, so a page polling from another connection sees it)."""
        fields.setdefault("updated_at", timezone.now())
        for name, value in fields.items():
            setattr(self, name, value)
        type(self)._default_manager.filter(pk=self.pk).update(**fields)

    def reporter(self):
        return ProgressReporter(self)


class ProgressReporter:
    """`report(rows_read, errors)` as a parser goes: written at most every REPORT_EVERY seconds
    (a write per row would cost more than the reading), and always by `flush()`."""

    def __init__(self, row: ProgressRow):
        self.row = row
        self.last = 0.0
        self.pending = None

    def __call__(self, rows_read: int, error_count: int) -> None:
        self.pending = (rows_read, error_count)
        now = time.monotonic()
        if now - self.last >= REPORT_EVERY:
            self.flush()
            self.last = now

    def flush(self) -> None:
        if self.pending is not None:
            rows_read, error_count = self.pending
            self.row.write(rows_read=rows_read, error_count=error_count)
            self.pending = None
