"""File plans, work dossiers and their items, archive submission batches, retention lists.

A dossier keeps the two facts the H ratio counts by, fixed when it is opened: the department
that formed it (`department`) and `opened_on`; `officer` is who keeps it now (a hand-over moves
it, the department stays). `form` is stored so the ratio is one SQL aggregate; the services
derive it from the items every time they change (see `services.dossier_refresh_form`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recordsportal.models import Department
from recordsportal.progress import ProgressRow

from .choices import (
    PERMANENT, BatchStatus, Decision, Form, ItemKind, LineOutcome, RetentionStatus, Status,
)
from .querysets import (
    ArchiveBatchQuerySet, DossierManager, DossierQuerySet, FilePlanQuerySet, RetentionListQuerySet,
)

ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def retention_label(years) -> str:
    if years is None:
        return str(_("Chưa xác định"))
    if years == PERMANENT:
        return str(_("Vĩnh viễn"))
    return str(_("%(n)s năm")) % {"n": years}


class FilePlan(models.Model):
    """The yearly file plan (danh mục hồ sơ) of one department."""

    department = models.ForeignKey(Department, verbose_name=_("phòng, đơn vị"), on_delete=models.PROTECT,
                                   related_name="file_plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = FilePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")
        ordering = ["-year", "department__order", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"], name="file_plan_one_per_department_year",
                violation_error_message=_("Phòng, đơn vị này đã có danh mục hồ sơ của năm."),
            ),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="file_plan_year_plausible"),
        ]

    def __str__(self):
        return _("Danh mục hồ sơ năm %(year)s – %(department)s") % {"year": self.year, "department": self.department}


class FilePlanHeading(models.Model):
    """A heading of the plan: a major one (I, II… with an abbreviation used in the dossier
    numbers, `01.TCCB`) or a minor one (1, 2… inside a major one)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("đề mục lớn"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    title = models.CharField(_("tên đề mục"), max_length=255)
    abbreviation = models.CharField(_("ký hiệu đề mục"), max_length=20, blank=True,
                                    help_text=_("Chữ viết tắt của đề mục lớn, dùng trong số hồ sơ, ví dụ TCCB."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | ~Q(abbreviation=""), name="file_plan_major_heading_has_abbreviation",
                violation_error_message=_("Đề mục lớn phải có ký hiệu viết tắt."),
            ),
        ]

    def __str__(self):
        return f"{self.label}. {self.title}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None

    @property
    def label(self) -> str:
        return roman(self.position) if self.is_major else str(self.position)

    @property
    def major(self) -> "FilePlanHeading":
        return self if self.is_major else self.parent


class FilePlanEntry(models.Model):
    """One dossier foreseen by the plan: `01.TCCB`, its title, retention, who forms it."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="entries")
    heading = models.ForeignKey(FilePlanHeading, on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("đề mục"))
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    number_symbol = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True, help_text=_("0 là vĩnh viễn.")
    )
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập hồ sơ"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="planned_dossiers")
    notes = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ trong danh mục")
        verbose_name_plural = _("hồ sơ trong danh mục")
        ordering = ["heading__parent__position", "heading__position", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number_symbol"], name="file_plan_entry_unique_number_symbol",
                violation_error_message=_("Số và ký hiệu hồ sơ này đã có trong danh mục."),
            ),
            models.CheckConstraint(
                condition=Q(retention_years__isnull=True) | Q(retention_years__lte=100),
                name="file_plan_entry_retention_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.number_symbol} {self.title}"

    @property
    def retention_label(self) -> str:
        return retention_label(self.retention_years)


def plan_import_path(instance, filename):
    # A generated name: the uploaded name is kept in `original_name`, never used on disk.
    today = timezone.localdate()
    return f"plan-imports/{today:%Y/%m}/{uuid.uuid4().hex}.xlsx"


class PlanImport(ProgressRow):
    """One upload of a file plan (.xlsx) into an empty plan, run by a Celery task: its progress
    (rows read, errors so far), then all the plan's headings and entries saved at once, or the
    errors by row and column. The file stays as evidence of what was imported; a refused file
    is removed (its errors stay on the row for the page)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to=plan_import_path, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập danh mục hồ sơ")
        verbose_name_plural = _("các lần nhập danh mục hồ sơ")
        indexes = [models.Index(fields=["plan", "state"], name="plan_import_plan_state")]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"


class Dossier(models.Model):
    # The named choices, for templates too: {% if dossier.status == dossier.Status.ARCHIVED %}.
    Status = Status
    Form = Form

    plan_entry = models.ForeignKey(FilePlanEntry, verbose_name=_("theo danh mục"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="dossiers")
    department = models.ForeignKey(Department, verbose_name=_("đơn vị lập hồ sơ"), on_delete=models.PROTECT,
                                   related_name="dossiers")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập hồ sơ"),
                                on_delete=models.PROTECT, related_name="dossiers")
    year = models.PositiveSmallIntegerField(_("năm hình thành"))
    number_symbol = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40)
    code = models.CharField(_("mã hồ sơ"), max_length=80, editable=False)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True,
                                                       help_text=_("0 là vĩnh viễn."))
    opened_on = models.DateField(_("ngày mở hồ sơ"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    kept_in_portal = models.BooleanField(
        _("lập và quản lý trên hệ thống"), default=True,
        help_text=_("Bỏ chọn khi hồ sơ được lập và lưu bằng giấy (cặp, hộp hồ sơ)."),
    )
    form = models.CharField(_("hình thức"), max_length=12, choices=Form.choices, default=Form.ELECTRONIC,
                            editable=False)
    sheets = models.PositiveIntegerField(_("số tờ"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    closing_note = models.TextField(_("chứng từ kết thúc / ghi chú"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    due_on = models.DateField(_("hạn nộp lưu"), null=True, blank=True,
                              help_text=_("Chỉ hồ sơ bảo quản từ 5 năm trở lên phải nộp lưu."))
    retained_until = models.DateField(_("giữ lại đến"), null=True, blank=True)
    return_reason = models.TextField(_("lý do lưu trữ trả lại"), blank=True)
    archived_on = models.DateField(_("ngày nộp lưu"), null=True, blank=True)
    due_notice_sent_on = models.DateField(_("đã nhắc hạn nộp lưu ngày"), null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    # Grows on every change of the particulars or the status: a form carries the version it was
    # loaded with, and a save from an older page is refused instead of overwriting (see services).
    version = models.PositiveIntegerField(default=1, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at", "version"])

    documents = models.ManyToManyField("documents.Document", through="DossierItem", related_name="dossiers",
                                       blank=True)

    objects = DossierManager.from_queryset(DossierQuerySet)()
    all_objects = models.Manager.from_queryset(DossierQuerySet)()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-opened_on", "-id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["code"], name="dossier_unique_code",
                violation_error_message=_("Mã hồ sơ này đã được dùng cho một hồ sơ khác."),
            ),
            models.UniqueConstraint(
                fields=["plan_entry"], condition=Q(plan_entry__isnull=False), name="dossier_one_per_plan_entry",
                violation_error_message=_("Hồ sơ của mục này trong danh mục đã được mở."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("opened_on")),
                name="dossier_ends_after_it_opens",
                violation_error_message=_("Ngày kết thúc không thể trước ngày mở hồ sơ."),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(ended_on__isnull=False), name="dossier_closed_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(retention_years__isnull=True) | Q(retention_years__lte=100),
                name="dossier_retention_plausible",
            ),
        ]
        indexes = [
            # "My dossiers" and the H ratio per officer: one officer, a period, by form.
            models.Index(fields=["officer", "opened_on", "form"], name="dossier_officer_opened"),
            # Department lists and the H ratio per department.
            models.Index(fields=["department", "opened_on", "form"], name="dossier_department_opened"),
            # Due and overdue for archive submission.
            models.Index(fields=["status", "due_on"], name="dossier_status_due"),
            models.Index(fields=["department", "status", "due_on"], name="dossier_department_due"),
            # Agency-wide list, newest first (Office, leadership); `form` makes the agency's
            # H ratio for a period an index-only count.
            models.Index(fields=["opened_on", "id", "form"], name="dossier_opened_form"),
        ]

    def __str__(self):
        return f"{self.code} {self.title[:60]}"

    @property
    def retention_label(self) -> str:
        return retention_label(self.retention_years)

    @property
    def goes_to_archive(self) -> bool:
        from .rules import goes_to_archive

        return goes_to_archive(self.retention_years)

    @property
    def is_read_only(self) -> bool:
        return self.status in (Status.SUBMITTED, Status.ARCHIVED) or self.is_deleted

    @property
    def is_archived(self) -> bool:
        """For templates, which cannot name Status.ARCHIVED."""
        return self.status == Status.ARCHIVED

    def due_state(self, today=None) -> str:
        """'' / 'soon' / 'overdue' / 'retained' for a closed dossier."""
        from .rules import due_state

        return due_state(self, today or timezone.localdate())


def item_file_path(instance, filename):
    # A generated name: the uploaded name is kept in `original_name`, never used on disk.
    today = timezone.localdate()
    return f"dossiers/{today:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class DossierItem(models.Model):
    """One item of a dossier, in its order: a registered document (shared, never copied: one
    document may sit in several dossiers), an uploaded file, or a paper-only record."""

    Kind = ItemKind

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại"), max_length=10, choices=ItemKind.choices)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="dossier_items")
    title = models.CharField(_("tên tài liệu"), max_length=500, blank=True)
    file = models.FileField(upload_to=item_file_path, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "document"], condition=Q(document__isnull=False), name="dossier_item_document_once",
                violation_error_message=_("Văn bản này đã có trong hồ sơ."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="document", document__isnull=False)
                           | Q(kind="file", document__isnull=True, sha256__gt="")
                           | Q(kind="paper", document__isnull=True, title__gt="")),
                name="dossier_item_kind_matches_content",
            ),
        ]
        indexes = [models.Index(fields=["dossier", "position"], name="dossier_item_order")]

    def __str__(self):
        # No viewer here, so never the document's number or summary: what a viewer may read of
        # it is `dossiers.querysets.dossier_items_for(user, dossier)` (`item.shown_title`).
        if self.kind == ItemKind.DOCUMENT:
            return _("Văn bản #%(pk)s") % {"pk": self.document_id}
        return self.title or self.original_name

    @property
    def form(self) -> str:
        if self.kind == ItemKind.DOCUMENT:
            return self.document.form
        return Form.PAPER if self.kind == ItemKind.PAPER else Form.ELECTRONIC


class ArchiveBatch(models.Model):
    """A submission to the agency archive (nộp lưu) by one department: the dossiers it hands
    over, the inventory (mục lục hồ sơ, tài liệu nộp lưu) and the hand-over record."""

    Status = BatchStatus

    department = models.ForeignKey(Department, verbose_name=_("đơn vị nộp lưu"), on_delete=models.PROTECT,
                                   related_name="archive_batches")
    status = models.CharField(_("trạng thái"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    receipt_note = models.TextField(_("ý kiến của lưu trữ"), blank=True)
    history = HistoricalRecords()

    objects = ArchiveBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nộp lưu")
        verbose_name_plural = _("các lần nộp lưu")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="archive_batch_status")]

    def __str__(self):
        return _("Nộp lưu %(department)s, %(date)s") % {
            "department": self.department, "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y")}


class ArchiveBatchLine(models.Model):
    batch = models.ForeignKey(ArchiveBatch, on_delete=models.CASCADE, related_name="lines")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="batch_lines")
    position = models.PositiveIntegerField()
    outcome = models.CharField(_("kết quả"), max_length=10, choices=LineOutcome.choices, default=LineOutcome.PENDING)
    reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # A dossier waits in one batch at a time.
            models.UniqueConstraint(fields=["dossier"], condition=Q(outcome="pending"),
                                    name="archive_line_one_pending_per_dossier",
                                    violation_error_message=_("Hồ sơ đã có trong một lần nộp lưu khác.")),
            models.UniqueConstraint(fields=["batch", "dossier"], name="archive_line_dossier_once"),
            models.CheckConstraint(condition=~Q(outcome="returned") | ~Q(reason=""),
                                   name="archive_line_returned_has_reason"),
        ]


class RetentionList(models.Model):
    """Danh mục hồ sơ, tài liệu giữ lại: due dossiers a department keeps a while longer."""

    department = models.ForeignKey(Department, verbose_name=_("phòng, đơn vị"), on_delete=models.PROTECT,
                                   related_name="retention_lists")
    status = models.CharField(_("trạng thái"), max_length=10, choices=RetentionStatus.choices,
                              default=RetentionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = RetentionListQuerySet.as_manager()

    class Meta:
        verbose_name = _("danh mục hồ sơ giữ lại")
        verbose_name_plural = _("danh mục hồ sơ giữ lại")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return _("Danh mục hồ sơ giữ lại – %(department)s, %(date)s") % {
            "department": self.department, "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y")}


class RetentionLine(models.Model):
    retention_list = models.ForeignKey(RetentionList, on_delete=models.CASCADE, related_name="lines")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="retention_lines")
    reason = models.TextField(_("lý do giữ lại"))
    keep_until = models.DateField(_("giữ lại đến ngày"))
    decision = models.CharField(_("ý kiến lãnh đạo"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    decision_note = models.TextField(_("ghi chú của lãnh đạo"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["retention_list", "dossier"], name="retention_line_dossier_once",
                                    violation_error_message=_("Hồ sơ đã có trong danh mục này.")),
        ]
