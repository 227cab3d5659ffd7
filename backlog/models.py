"""Backlog inventories (tài liệu tồn đọng, tích đọng): DOMAIN.md §4.

The Office opens a Campaign (scope: records formed up to a year; a deadline; the departments
included; an effort norm per shelf metre). Each included department has one Inventory, filled by
its head line by line (InventoryLine), in the browser or from the campaign's Excel template,
then submitted; the Office returns it with a reason or accepts it. A DeadlineMiss row records a
department late or missing at the deadline, for the violations report (reports app).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recordsportal.models import Department
from recordsportal.progress import ProgressRow
from recordsportal.text import normalize_text

from .querysets import CampaignQuerySet, DeadlineMissQuerySet, InventoryLineQuerySet, InventoryQuerySet

# Plausibility limits: a figure beyond them is a typing error (an extra zero), not a backlog.
MIN_YEAR = 1900
MAX_SHELF_METRES = Decimal("1000")  # per line; the whole agency holds a few hundred metres
MAX_BOXES = 10_000
MAX_DOSSIERS = 100_000


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở")
        CLOSED = "closed", _("Đã đóng")

    title = models.CharField(_("tên đợt kiểm kê"), max_length=255)
    scope_until_year = models.PositiveSmallIntegerField(
        _("tài liệu hình thành đến năm"),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(2100)],
        help_text=_("Ví dụ 2015: kiểm kê tài liệu hình thành từ năm 2015 trở về trước."),
    )
    deadline = models.DateField(_("hạn nộp"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("phòng, đơn vị thực hiện"), related_name="backlog_campaigns"
    )
    effort_norm = models.DecimalField(
        _("định mức (ngày công/mét giá)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Số ngày công chỉnh lý cho một mét giá tài liệu; dùng để ước tính khối lượng công việc."),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ngày lập"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ngày đóng"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt kiểm kê tài liệu tồn đọng")
        verbose_name_plural = _("đợt kiểm kê tài liệu tồn đọng")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(effort_norm__gte=0), name="backlog_campaign_norm_not_negative"),
            models.CheckConstraint(
                condition=Q(scope_until_year__gte=MIN_YEAR), name="backlog_campaign_scope_year_plausible"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def save(self, *args, **kwargs):
        self.title = normalize_text(self.title)
        super().save(*args, **kwargs)


class Inventory(models.Model):
    """One department's inventory in one campaign. `version` grows on every write: a save from a
    page loaded before someone else's save is refused instead of silently overwriting it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang lập")
        SUBMITTED = "submitted", _("Đã nộp")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã chấp nhận")

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    RECEIVED = (Status.SUBMITTED, Status.ACCEPTED)

    campaign = models.ForeignKey(Campaign, verbose_name=_("đợt kiểm kê"), on_delete=models.PROTECT, related_name="inventories")
    department = models.ForeignKey(
        Department, verbose_name=_("phòng, đơn vị"), on_delete=models.PROTECT, related_name="backlog_inventories"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    declared_none = models.BooleanField(
        _("không có tài liệu tồn đọng"), default=False,
        help_text=_("Phòng, đơn vị xác nhận không còn tài liệu tồn đọng trong phạm vi đợt kiểm kê."),
    )
    # The first submission decides lateness: a department that submitted on time and was asked
    # to correct its figures is not late because the Office returned it after the deadline.
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("nộp muộn"), default=False)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    reviewed_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_reminded_at = models.DateTimeField(_("nhắc lần cuối"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = InventoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản kiểm kê")
        verbose_name_plural = _("bản kiểm kê")
        ordering = ["campaign", "department__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "department"],
                name="backlog_one_inventory_per_department",
                violation_error_message=_("Phòng, đơn vị này đã có bản kiểm kê trong đợt."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(first_submitted_at__isnull=False),
                name="backlog_inventory_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="backlog_inventory_return_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.department}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE and self.campaign.is_open


class InventoryLine(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("Tốt")
        FAIR = "fair", _("Trung bình")
        DAMAGED = "damaged", _("Hư hỏng (ẩm mốc, giòn, rách)")

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveIntegerField(_("STT"), default=0)
    description = models.CharField(_("tên nhóm tài liệu"), max_length=500)
    from_year = models.PositiveSmallIntegerField(_("từ năm"))
    to_year = models.PositiveSmallIntegerField(_("đến năm"))
    shelf_metres = models.DecimalField(_("mét giá"), max_digits=8, decimal_places=2)
    boxes = models.PositiveIntegerField(_("số hộp/cặp"), default=0)
    estimated_dossiers = models.PositiveIntegerField(_("số hồ sơ ước tính"), default=0)
    condition = models.CharField(_("tình trạng vật lý"), max_length=10, choices=Condition.choices, default=Condition.GOOD)
    location = models.CharField(_("nơi bảo quản"), max_length=255, blank=True)
    notes = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = InventoryLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng kiểm kê")
        verbose_name_plural = _("dòng kiểm kê")
        ordering = ["inventory", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(from_year__lte=F("to_year")), name="backlog_line_years_in_order"),
            models.CheckConstraint(condition=Q(from_year__gte=MIN_YEAR), name="backlog_line_year_plausible"),
            models.CheckConstraint(
                condition=Q(shelf_metres__gte=0, boxes__gte=0, estimated_dossiers__gte=0),
                name="backlog_line_quantities_not_negative",
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.description = normalize_text(self.description)
        self.location = normalize_text(self.location)
        self.notes = normalize_text(self.notes)
        super().save(*args, **kwargs)


class DeadlineMiss(models.Model):
    """A department late or missing at a campaign's deadline: the record the violations report
    reads (kind "backlog inventory late or missing", DOMAIN.md §6). Written when the deadline
    passes (daily task, or the campaign is closed) and when a late inventory arrives; one row per
    (campaign, department), updated in place, so recording twice changes nothing."""

    class Kind(models.TextChoices):
        LATE = "late", _("Nộp muộn")
        MISSING = "missing", _("Không nộp")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="deadline_misses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="backlog_deadline_misses")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    deadline = models.DateField(_("hạn nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    objects = DeadlineMissQuerySet.as_manager()

    class Meta:
        verbose_name = _("vi phạm hạn kiểm kê")
        verbose_name_plural = _("vi phạm hạn kiểm kê")
        ordering = ["campaign", "department__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "department"], name="backlog_one_deadline_miss_per_department"),
            models.CheckConstraint(
                condition=Q(kind="missing", submitted_at__isnull=True) | Q(kind="late", submitted_at__isnull=False),
                name="backlog_deadline_miss_kind_matches_date",
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.get_kind_display()}"


def inventory_import_path(instance, filename):
    # A generated name: the uploaded name is kept in `original_name`, never used on disk.
    import uuid

    from django.utils import timezone

    return f"inventory-imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class InventoryImport(ProgressRow):
    """One upload of the filled template into a draft inventory, run by a Celery task: its
    progress (rows read, errors so far), then the draft's lines replaced at once, or the errors by
    row and column (nothing saved). A refused file is removed; its errors stay on the row."""

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to=inventory_import_path, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập bản kiểm kê")
        verbose_name_plural = _("các lần nhập bản kiểm kê")
        indexes = [models.Index(fields=["inventory", "state"], name="inventory_import_state")]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"
