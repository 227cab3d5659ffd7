"""The exchange of documents with other agencies as edXML packages (QCVN 102:2016/BTTTT).

`Organisation`: the directory of bodies the agency exchanges with, by identifier code (mã định
danh). `InboundPackage`: a received package — pending until the Office registers it as an
incoming document (or refuses it); the package file is the evidence. `ReceiveBatch` and its items:
many packages received at once, by a Celery task, with the progress the page polls.
`OutboundPackage`: a package the portal produced — a document sent to one organisation, or a
status sent back to the sender of a received one — for the connector (outbound folder or API).
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.choices import Kind, Urgency
from documents.models import Document
from recordsportal.text import normalize_text, search_key

CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$",
    _("Mã định danh gồm 13 ký tự dạng 000.00.31.H09."),
)


def _stored_name(folder: str, extension: str = "edxml") -> str:
    today = timezone.localdate()
    return f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def inbound_path(instance, filename):
    # A generated name: the name the package arrived with is kept in `original_name` only.
    return _stored_name("edxml/inbound")


def outbound_path(instance, filename):
    return _stored_name("edxml/outbound")


def batch_item_path(instance, filename):
    return _stored_name("edxml/batches")


class OrganisationQuerySet(models.QuerySet):
    def by_code(self, codes):
        return {o.code: o for o in self.filter(code__in=[c for c in codes if c])}


class Organisation(models.Model):
    """A body the agency exchanges documents with. Without a code it stays on paper."""

    code = models.CharField(_("mã định danh"), max_length=13, blank=True, validators=[CODE_VALIDATOR],
                            help_text=_("13 ký tự dạng 000.00.31.H09; để trống nếu cơ quan chưa kết nối liên thông."))
    name = models.CharField(_("tên cơ quan, tổ chức"), max_length=255)
    name_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("đang liên thông"), default=True)
    notes = models.CharField(_("ghi chú"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_key", "updated_at"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan liên thông")
        verbose_name_plural = _("danh bạ cơ quan liên thông")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="organisation_unique_code",
                                    violation_error_message=_("Mã định danh này đã có trong danh bạ.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.code = normalize_text(self.code).upper()
        self.notes = normalize_text(self.notes)
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class Source(models.TextChoices):
    UPLOAD = "upload", _("Văn thư tải lên")
    FOLDER = "folder", _("Thư mục nhận")
    API = "api", _("API")


class InboundPackage(models.Model):
    """A received document package: pending until the Office registers or refuses it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ đăng ký")
        REGISTERED = "registered", _("Đã đăng ký")
        REFUSED = "refused", _("Đã từ chối")

    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.PENDING)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    file = models.FileField(upload_to=inbound_path, max_length=255)
    original_name = models.CharField(_("tên tệp gói"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, unique=True)

    edxml_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255, blank=True)
    sender_code = models.CharField(_("mã định danh nơi gửi"), max_length=64)
    sender_name = models.CharField(_("nơi gửi"), max_length=255)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    kind = models.CharField(_("tên loại"), max_length=5, choices=Kind.choices, default=Kind.OTHER)
    type_name = models.CharField(_("tên loại (trong gói)"), max_length=100, blank=True)
    summary = models.TextField(_("trích yếu"))
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    due_date = models.DateField(_("hạn trả lời"), null=True, blank=True)
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    recipients = models.TextField(_("nơi nhận (trong gói)"), blank=True)
    attachments_meta = models.JSONField(default=list)

    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Flagged at receipt: an incoming document or a package already holding this document.
    duplicate_of_document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="+")
    duplicate_of_package = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+")
    document = models.OneToOneField(Document, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="inbound_package")

    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    history = HistoricalRecords(excluded_fields=["attachments_meta"])

    class Meta:
        verbose_name = _("gói văn bản nhận")
        verbose_name_plural = _("gói văn bản nhận")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A document arrives once: one registered package per sender and DocumentId.
            models.UniqueConstraint(fields=["sender_code", "edxml_id"],
                                    condition=Q(state="registered") & ~Q(edxml_id=""),
                                    name="inbound_registered_once"),
        ]
        indexes = [
            models.Index(fields=["state", "received_at"], name="inbound_state_received"),
            models.Index(fields=["sender_code", "edxml_id"], name="inbound_sender_docid"),
            models.Index(fields=["number_symbol", "document_date"], name="inbound_symbol_date"),
        ]

    def __str__(self):
        return f"{self.number_symbol} – {self.sender_name}"

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicate_of_document_id or self.duplicate_of_package_id)


class ReceiveBatch(models.Model):
    """Packages received together (an upload of many, a .zip, one run over the inbound folder),
    read one by one by a Celery task that keeps the counts here for the page to poll."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhận")
        DONE = "done", _("Đã xong")

    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhận gói")
        verbose_name_plural = _("các lượt nhận gói")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} ({self.processed}/{self.total})"

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 100


class ReceiveBatchItem(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        RECEIVED = "received", _("Đã nhận")
        DUPLICATE = "duplicate", _("Trùng văn bản đã có")
        ALREADY = "already", _("Gói đã nhận trước đó")
        REFUSED = "refused", _("Bị từ chối")

    batch = models.ForeignKey(ReceiveBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    original_name = models.CharField(_("tên tệp"), max_length=255)
    inbox_name = models.CharField(max_length=255, blank=True)  # its name in the inbound folder
    file = models.FileField(upload_to=batch_item_path, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    message = models.TextField(blank=True)
    package = models.ForeignKey(InboundPackage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="batch_item_position")]


class OutboundPackage(models.Model):
    """A package the portal wrote for a connector to deliver: a document for one organisation, or
    a status back to the sender of a received package."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        STATUS = "status", _("Trạng thái")

    kind = models.CharField(_("loại gói"), max_length=8, choices=Kind.choices)
    to_code = models.CharField(_("mã định danh nơi nhận"), max_length=64)
    to_name = models.CharField(_("nơi nhận"), max_length=255, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inbound = models.ForeignKey(InboundPackage, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="statuses")
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    edxml_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255, blank=True)
    file = models.FileField(upload_to=outbound_path, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    written_at = models.DateTimeField(_("đã ghi ra thư mục gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đã chuyển đi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("gói văn bản gửi")
        verbose_name_plural = _("gói văn bản gửi")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Sending twice, or one status twice, produces nothing new.
            models.UniqueConstraint(fields=["document", "to_code"], condition=Q(kind="document"),
                                    name="outbound_document_once_per_recipient"),
            models.UniqueConstraint(fields=["inbound", "status_code"], condition=Q(kind="status"),
                                    name="outbound_status_once"),
        ]
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="outbound_pending")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to_code}"

    @property
    def file_name(self) -> str:
        """The name it has in the outbound folder: the recipient code first, for routing."""
        what = f"status-{self.status_code}" if self.kind == self.Kind.STATUS else "document"
        return f"{self.to_code}_{self.pk:08d}_{what}.edxml"
