import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recordsportal.models import Department
from recordsportal.ratios import format_ratio, format_target


class Metric(models.TextChoices):
    ELECTRONIC_EXCHANGE = "E", _("Văn bản trao đổi, xử lý điện tử")
    ELECTRONIC_DOSSIERS = "H", _("Hồ sơ công việc lập điện tử")


class ScopeKind(models.TextChoices):
    AGENCY = "agency", _("Toàn cơ quan")
    DEPARTMENT = "department", _("Phòng, đơn vị")
    OFFICER = "officer", _("Cán bộ")
    # An officer's records counted for one department, when they were counted for several in the
    # month, or a department's records with no officer (officer NULL): the drill-down's rows.
    DEPARTMENT_OFFICER = "dept_officer", _("Cán bộ trong phòng, đơn vị")


class Snapshot(models.Model):
    """One ratio for one month and one scope, with its numerator and denominator.

    Written by `compliance.compute_month` as an upsert keyed by (month, metric, scope_key), so
    running a month twice leaves the same rows. A department's figures include its units.
    """

    # The key is the primary key: no surrogate id, whose index a month's first computation
    # filled with ~4,000 entries nobody reads (issue 16).
    pk = models.CompositePrimaryKey("month", "metric", "scope_key")
    month = models.DateField(help_text="First day of the month.")
    metric = models.CharField(max_length=1, choices=Metric.choices)
    scope = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_key = models.CharField(max_length=40)  # "agency", "department:12", "officer:34", "dept_officer:12:34"
    # No database constraint and no index of their own (issue 16): a month's first computation
    # writes ~4,000 rows, and checking two foreign keys per row at commit cost more than computing
    # the figures. The ids are copied, in the same transaction, from documents and dossiers whose
    # own foreign keys hold them to existing rows; deleting a department or a person (rare: their
    # records protect them) still cascades here through the ORM, by a scan of this table.
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   db_constraint=False, db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_constraint=False, db_index=False)
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    # Confidential documents are left out of E by law (they may not be exchanged electronically);
    # their count is kept beside the ratio so the exclusion is visible.
    excluded = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(numerator__lte=models.F("denominator")), name="snapshot_numerator_le_denominator"),
        ]
        # No index besides the key (issue 16): a month's ~4,000 rows are written together, and
        # each index took its share of every row's write (a month's first computation, against
        # the raw aggregate). The dashboard reads given scopes of listed months
        # (querysets.months_list) through the key; the drill-down a department's officers of the
        # year through its months (a (month, department) index was read for its month alone).

    def __str__(self):
        return f"{self.metric} {self.scope_key} {self.month:%m/%Y}: {self.numerator}/{self.denominator}"

    @property
    def ratio(self) -> float | None:
        """None for an empty period: no ratio, never 0% or 100%."""
        return self.numerator * 100 / self.denominator if self.denominator else None


class ViolationKind(models.TextChoices):
    E_BELOW_TARGET = "e_below_target", _("Tỉ lệ văn bản điện tử dưới chỉ tiêu")
    H_BELOW_TARGET = "h_below_target", _("Tỉ lệ hồ sơ điện tử dưới chỉ tiêu")
    INVENTORY_LATE = "inventory_late", _("Nộp danh mục tài liệu tồn đọng muộn")
    INVENTORY_MISSING = "inventory_missing", _("Không nộp danh mục tài liệu tồn đọng")
    DOSSIERS_OVERDUE = "dossiers_overdue", _("Hồ sơ đến hạn chưa nộp lưu")
    DOCUMENTS_OVERDUE = "documents_overdue", _("Văn bản đến quá hạn xử lý")


class DeductionRule(models.Model):
    """The emulation points proposed for each kind of violation; edited by the Office."""

    kind = models.CharField(_("loại vi phạm"), max_length=30, choices=ViolationKind.choices, unique=True)
    points = models.DecimalField(_("điểm trừ"), max_digits=5, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mức trừ điểm thi đua")
        verbose_name_plural = _("mức trừ điểm thi đua")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.points}"


class Violation(models.Model):
    class Status(models.TextChoices):
        DETECTED = "detected", _("Phát hiện")
        NOTIFIED = "notified", _("Đã nhắc nhở")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        DISMISSED = "dismissed", _("Đã bỏ qua")
        CORRECTED = "corrected", _("Đã khắc phục")

    class Decision(models.TextChoices):
        PENDING = "", _("Chưa quyết định")
        APPROVED = "approved", _("Lãnh đạo đồng ý trừ điểm")
        REJECTED = "rejected", _("Lãnh đạo không trừ điểm")

    kind = models.CharField(_("loại"), max_length=30, choices=ViolationKind.choices)
    department = models.ForeignKey(Department, verbose_name=_("phòng, đơn vị"), on_delete=models.PROTECT, related_name="violations")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("kỳ"), help_text="First day of the month the violation belongs to.")
    # What was detected, so detection can run again without creating a second row.
    key = models.CharField(max_length=120, unique=True)
    evidence = models.JSONField(default=dict)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DETECTED)
    review_note = models.TextField(_("ghi chú xem xét"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    proposed_points = models.DecimalField(_("điểm đề xuất trừ"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=10, choices=Decision.choices, default=Decision.PENDING, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(default=timezone.now)
    # One lapse, one violation (DOMAIN.md §6): the same overdue records found again in a later
    # month update this row (latest detection, its month, its records) instead of a new one.
    last_detected_at = models.DateTimeField(_("phát hiện lần cuối"), null=True, blank=True)
    last_period = models.DateField(_("kỳ phát hiện lần cuối"), null=True, blank=True)
    # The exact records: {"documents": [ids], "dossiers": [ids], "campaign": id}.
    records = models.JSONField(default=dict, blank=True)
    # When the figures of `evidence` were computed: for a ratio the month's "as of" time
    # (ReportMonth.computed_at, the frozen figures of a closed month), for a count the detection.
    evidence_as_of = models.DateTimeField(_("số liệu tính đến"), null=True, blank=True)
    # Each review (notified, confirmed, dismissed…) and decision is one history row: a later
    # review replaces reviewed_by and review_note on the row, the history keeps the earlier ones.
    history = HistoricalRecords(excluded_fields=["evidence", "evidence_as_of", "key", "records"],
                                history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["-period", "department__name", "kind"]
        indexes = [models.Index(fields=["period", "status"], name="violation_period_status")]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.department} – {self.period:%m/%Y}"

    @property
    def evidence_computed_at(self):
        """The "as of" time of the evidence; rows detected before it was recorded: their detection."""
        return self.evidence_as_of or self.last_detected_at or self.detected_at

    @property
    def evidence_summary(self) -> str:
        """The evidence in one line, for tables and reports."""
        e = self.evidence or {}
        if "ratio" in e:
            # From the counts, not the stored (rounded) ratio: 94.996% must not read "95,0%".
            return _("%(ratio)s%% (%(n)s/%(d)s), chỉ tiêu %(t)s%%") % {
                "ratio": format_ratio(e["numerator"] * 100 / e["denominator"]), "n": e["numerator"],
                "d": e["denominator"], "t": format_target(e["target"])}
        if "count" in e:
            return _("%(count)s hồ sơ/văn bản") % {"count": e["count"]}
        if "campaign" in e:
            return str(e["campaign"])
        return ""


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class ReportMonth(models.Model):
    """The state of one month's figures (DOMAIN.md §6, closed months).

    `computed_at` is the "as of" time of the figures in `Snapshot` (None: never computed, which
    is not the same as a month with no records). Once the Office closes the month (or it closes
    itself on REPORTS_MONTH_CLOSE_DAY of the next month) its snapshots are frozen: a recomputation
    writes `CandidateSnapshot` rows instead, pending until the Office accepts or discards them.
    Every close, acceptance and discard is a history row naming who did it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        CLOSED = "closed", _("Đã chốt")
        CANDIDATE = "candidate", _("Đã chốt, có số liệu tính lại chờ duyệt")

    month = models.DateField(unique=True, help_text="First day of the month.")
    computed_at = models.DateTimeField(_("số liệu tính đến"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    # None with closed_at set: closed by itself on the configured day.
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    candidate_at = models.DateTimeField(_("tính lại lúc"), null=True, blank=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["-month"]
        verbose_name = _("tháng báo cáo")
        verbose_name_plural = _("tháng báo cáo")

    def __str__(self):
        return f"{self.month:%m/%Y}"

    @property
    def status(self) -> str:
        if self.closed_at is None:
            return self.Status.OPEN
        return self.Status.CANDIDATE if self.candidate_at else self.Status.CLOSED

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class CandidateSnapshot(models.Model):
    """A recomputed figure of a closed month, waiting for the Office's decision (same shape as
    `Snapshot`; written by the same statement)."""

    pk = models.CompositePrimaryKey("month", "metric", "scope_key")
    month = models.DateField()
    metric = models.CharField(max_length=1, choices=Metric.choices)
    scope = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_key = models.CharField(max_length=40)
    # As Snapshot's: written by the same statement, a whole month at a time.
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   db_constraint=False, db_index=False)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_constraint=False, db_index=False)
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)
