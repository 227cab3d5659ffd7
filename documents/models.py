import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recordsportal.models import Department
from recordsportal.progress import ProgressRow

from .choices import Confidentiality, Direction, Form, Kind, PaperReason, Status, Urgency
from .querysets import OPEN_STATUSES, DocumentManager, DocumentQuerySet
from .signatures import SIGNED, SignatureStatus


class NumberCounter(models.Model):
    """The last number issued in one register series for one calendar year. Allocation bumps
    it with one upsert in the same transaction as the document insert: no gaps, no duplicates."""

    series = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="counter_one_per_series_year")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last_number}"


# The Document's foreign keys that most documents leave empty (every imported or newly registered
# one): indexed only where set. Such an index still serves the lookups by user (deleting a user
# checks `assigned_by_id = ANY(...)`, which implies NOT NULL) and a register import does not write
# an entry per row into each (issue 16, docs/benchmarks.md "h16imp").
SPARSE_USER_KEYS = ("assigned_by", "dispatched_by", "submitted_to", "deleted_by")
HISTORY_UNINDEXED = ["department", "officer", "created_by", "assigned_by", "dispatched_by", "submitted_to",
                     "deleted_by", "register_date", "import_key"]


class Document(models.Model):
    """An incoming, outgoing or internal document, as registered by the Office.

    `department`, `officer` and `register_date` are the document's accountability: the lead
    department/officer and arrival date of an incoming document, the drafting department,
    drafter and issue date of an outgoing or internal one. The E ratio counts by them, as they
    were at the time (they are not recomputed when an officer moves).
    """

    # The named choices, for templates too: {% if document.direction == document.Direction.INCOMING %}.
    Direction, Form, Status, Confidentiality, Urgency = Direction, Form, Status, Confidentiality, Urgency

    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    series = models.CharField(_("sổ đăng ký"), max_length=40, blank=True)
    register_year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True, help_text=_("Số đến, hoặc số văn bản đi."))
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    kind = models.CharField(_("tên loại"), max_length=5, choices=Kind.choices, default=Kind.OFFICIAL_LETTER)
    summary = models.TextField(_("trích yếu"))
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    register_date = models.DateField(_("ngày đến / ngày ban hành"), null=True, blank=True, db_index=True)
    issuer = models.CharField(_("tác giả, cơ quan ban hành"), max_length=255, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    recipient_departments = models.ManyToManyField(
        Department, verbose_name=_("phòng, đơn vị nhận"), blank=True, related_name="received_documents"
    )
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    file_copy_keeper = models.CharField(_("đơn vị, người lưu bản"), max_length=150, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    # Derived from what the portal holds (documents/rules.py `incoming_form`, `issued_form`),
    # never a default a clerk forgets to change: paper unless there is evidence.
    form = models.CharField(_("hình thức xử lý"), max_length=12, choices=Form.choices, default=Form.PAPER)
    paper_reason = models.CharField(
        _("lý do bản giấy"), max_length=16, choices=PaperReason.choices, blank=True,
        help_text=_("Văn bản giấy: lý do chính đáng (văn bản mật, nơi gửi chỉ gửi giấy, hiện vật, bản gốc ký tay) "
                    "hoặc không có lý do chính đáng."),
    )
    received_medium = models.CharField(
        _("hình thức nhận"),
        max_length=12,
        choices=Form.choices,
        blank=True,
        help_text=_("Văn bản đến: nhận bản điện tử hay bản giấy (bản giấy được số hóa vẫn xử lý điện tử)."),
    )
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("độ mật"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.REGISTERED)

    department = models.ForeignKey(
        Department, verbose_name=_("đơn vị chủ trì / soạn thảo"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="documents",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ chủ trì / soạn thảo"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="handled_documents",
    )
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phối hợp"), blank=True, related_name="co_handled_documents"
    )
    direction_note = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    # The handling chain (issue 15): to whom the Office submitted it (None: leadership as a
    # whole), leadership's deadline (the head's dispatch may shorten it, never lengthen it), the
    # head's dispatch, and why it was last sent back.
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("trình lãnh đạo"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    leadership_deadline = models.DateField(_("hạn lãnh đạo giao"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dispatched_at = models.DateTimeField(_("giao việc lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    search_text = models.TextField(editable=False, default="")
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="registered_documents"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The reason of a history row holds the note of a dispatch, reassignment or return (a text:
    # notes are longer than simple-history's default 100 characters).
    # The history rows are read by document (`id`), by date and by user (the document's page, the
    # journal, a month's changes): simple-history's indexes on the other copied keys (its own
    # copy of every foreign key and of `register_date` and `import_key`) served no query and cost
    # a register import a tenth of its writing (issue 16, docs/benchmarks.md "h16imp").
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"],
                                history_change_reason_field=models.TextField(null=True),
                                no_db_index=HISTORY_UNINDEXED)

    objects = DocumentManager.from_queryset(DocumentQuerySet)()
    all_objects = models.Manager.from_queryset(DocumentQuerySet)()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-register_date", "-id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "register_year", "number"],
                condition=Q(number__isnull=False),
                name="document_one_number_per_series_year",
                violation_error_message=_("Số này đã được cấp trong sổ của năm."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(register_year__isnull=False, series__gt=""),
                name="document_number_needs_series_and_year",
            ),
        ]
        indexes = [
            # Register lists: a direction, a period, newest first. With the columns of a head's
            # scope and the list's other conditions in its entries, the capped count of such a list
            # (`?direction=incoming&year=2025` for the head of a department with units, whose 5 %
            # of the year's documents are scattered through the table) is an index-only scan:
            # 27,175 -> 2,388 buffers on the bench's 2M documents (issue 16, docs/benchmarks.md).
            models.Index(fields=["direction", "register_date", "id"], name="doc_direction_scope",
                         include=["register_year", "department", "officer", "created_by", "confidentiality", "is_deleted"]),
            # Ratios and department lists: one department's documents in a period, by form.
            models.Index(fields=["department", "register_date", "form"], name="doc_department_date_form"),
            models.Index(fields=["officer", "register_date"], name="doc_officer_date"),
            # "Documents to handle": open ones with a deadline.
            models.Index(fields=["status", "deadline"], name="doc_status_deadline"),
            # Sorting a register by number (7 s → 1 ms on 2M rows, bench/bench_documents.py).
            models.Index(fields=["register_year", "number", "id"], name="doc_year_number"),
            # The duplicate warning on registering an incoming document (`find_duplicate`): the
            # same symbol, case-insensitive, on the same date. Without it every registration read
            # all 2M rows (parallel seq scan, 0.9-1.3 s, both cores; found by bench/run_load.py).
            models.Index(Upper("number_symbol"), F("document_date"), name="doc_symbol_date"),
            # Inboxes (documents/inbox.py): the few documents awaiting direction or dispatch,
            # read without walking a department's whole register.
            models.Index(fields=["submitted_at"], condition=Q(status="submitted"), name="doc_awaiting_direction"),
            models.Index(fields=["department", "deadline"], condition=Q(officer__isnull=True, status="assigned"),
                         name="doc_awaiting_dispatch"),
            # Home pages (documents/inbox.py): the open documents of a person (to handle, the
            # head's work per officer) or of a department (its overdue), among the few thousand
            # open ones instead of a person's or department's whole register (bench: 50-130 ms
            # a query at 2M documents through the status or the officer index).
            models.Index(fields=["officer", "deadline"], condition=Q(status__in=OPEN_STATUSES), name="doc_open_officer"),
            models.Index(fields=["department", "deadline"], condition=Q(status__in=OPEN_STATUSES), name="doc_open_department"),
            # The deadlines page (documents:deadlines): open documents by deadline, the first page
            # read in index order instead of sorting the 10,000 due or overdue (240 ms), and the
            # Office's count of overdue ones from the index alone (139 ms).
            models.Index(fields=["deadline", "id"], include=["direction", "is_deleted"], condition=Q(status__in=OPEN_STATUSES),
                         name="doc_open_deadline"),
            *(models.Index(fields=[key], condition=Q(**{f"{key}__isnull": False}), name=f"doc_{key}_set")
              for key in SPARSE_USER_KEYS),
        ]

    def __str__(self):
        return f"{self.number_symbol or self.display_number} – {self.summary[:60]}"

    @property
    def display_number(self) -> str:
        return f"{self.number:02d}" if self.number is not None else "—"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.deadline and self.status not in (Status.DONE, Status.ISSUED) and self.deadline < timezone.localdate()
        )

    @property
    def is_open(self) -> bool:
        return self.direction == Direction.INCOMING and self.status not in (Status.DONE,)


class HandlingNote(models.Model):
    """One step of the handling chain, with its note: assignment, dispatch, reassignment, return,
    acknowledgement, progress, completion. For an internal document, `receipt` names the
    receiving department whose handling it is."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Tiến độ")
        COMPLETION = "completion", _("Hoàn thành")
        ASSIGNMENT = "assignment", _("Giao xử lý")
        DISPATCH = "dispatch", _("Giao việc")
        REASSIGNMENT = "reassignment", _("Giao lại")
        RETURN = "return", _("Trả lại")
        ACKNOWLEDGEMENT = "acknowledge", _("Tiếp nhận")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes_log")
    receipt = models.ForeignKey("Receipt", null=True, blank=True, on_delete=models.CASCADE, related_name="notes_log")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Receipt(models.Model):
    """An internal document as one receiving department handles it: received, acknowledged by
    the head, dispatched to an officer of the department (or its units), handled and completed,
    or sent back to the sender as not the department's. One row per recipient department,
    made when the document is sent."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Chờ tiếp nhận")
        ACKNOWLEDGED = "acknowledged", _("Đã tiếp nhận")
        ASSIGNED = "assigned", _("Đã giao xử lý")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        DONE = "done", _("Đã hoàn thành")
        RETURNED = "returned", _("Đã trả lại")

    OPEN = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS)
    AWAITING_DISPATCH = (Status.RECEIVED, Status.ACKNOWLEDGED)
    HANDLING = (Status.ASSIGNED, Status.IN_PROGRESS)

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    department = models.ForeignKey(Department, verbose_name=_("phòng, đơn vị nhận"), on_delete=models.PROTECT,
                                   related_name="receipts")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ xử lý"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="handled_receipts")
    co_handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ phối hợp"), blank=True,
                                         related_name="co_handled_receipts")
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    note = models.TextField(_("ý kiến giao việc"), blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("văn bản nội bộ nhận")
        verbose_name_plural = _("văn bản nội bộ nhận")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "department"], name="receipt_one_per_department"),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="receipt_department_status"),
            models.Index(fields=["officer", "status"], name="receipt_officer_status"),
        ]

    def __str__(self):
        return f"{self.document} → {self.department}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.status in self.OPEN and self.deadline < timezone.localdate())


def attachment_path(instance, filename):
    # A generated name: the uploaded name is kept in `original_name`, never used on disk.
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    # A PDF's digital signature, checked on upload (documents/signatures.py): what makes an
    # issued document electronic. Blank for other files.
    signature_status = models.CharField(_("chữ ký số"), max_length=10, choices=SignatureStatus.choices, blank=True)
    signer_name = models.CharField(_("người ký số"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    signature_note = models.TextField(_("ghi chú chữ ký số"), blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_signed(self) -> bool:
        return self.signature_status in SIGNED


class TrustRoot(models.Model):
    """A certificate the agency trusts as the root of signers' certificates (the government CA's
    root and intermediate certificates), uploaded by the administrator. Signed PDFs whose
    signer's certificate leads to one are "verified"; others are "signed, signer not verified"."""

    name = models.CharField(_("tên"), max_length=200)
    der = models.BinaryField(editable=False)
    subject = models.CharField(_("chủ thể"), max_length=500, editable=False)
    fingerprint = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    not_after = models.DateTimeField(_("hiệu lực đến"), null=True, editable=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")

    def __str__(self):
        return self.name


class RevocationList(models.Model):
    """A certificate revocation list (CRL) of a CA the agency trusts, uploaded by the
    administrator next to the trust roots: the intranet cannot fetch CRLs or ask OCSP, so the
    lists the CA publishes are brought in as data. A signed PDF whose signer one of them lists
    as revoked is shown "revoked" (documents/signatures.py)."""

    name = models.CharField(_("tên"), max_length=200)
    der = models.BinaryField(editable=False)
    issuer = models.CharField(_("CA ban hành"), max_length=500, editable=False)
    fingerprint = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    this_update = models.DateTimeField(_("ngày ban hành danh sách"), null=True, editable=False)
    next_update = models.DateTimeField(_("cập nhật tiếp theo"), null=True, editable=False)
    revoked_count = models.PositiveIntegerField(_("số chứng thư bị thu hồi"), default=0, editable=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-this_update", "name"]
        verbose_name = _("danh sách chứng thư bị thu hồi (CRL)")
        verbose_name_plural = _("danh sách chứng thư bị thu hồi (CRL)")

    def __str__(self):
        return self.name


def register_import_path(instance, filename):
    # A generated name: the uploaded name is kept in `original_name`, never used on disk.
    today = timezone.localdate()
    return f"imports/{today:%Y/%m}/{uuid.uuid4().hex}.xlsx"


class RegisterImport(ProgressRow):
    """An uploaded register file (.xlsx) kept between the steps of an import: upload, column
    mapping, dry run, confirmation. The file stays as evidence of what was imported.

    The dry run and the import are one Celery task with a flag (`confirming`), which writes its
    progress to this row (recordsportal/progress.py); `preview` holds what the last dry run
    found (counts, the first rows, changes and errors) for the page. `status` says whether the
    file went in; `state` is the state of the last run."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Chờ xác nhận")
        IMPORTED = "imported", _("Đã nhập")

    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    file = models.FileField(upload_to=register_import_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)
    # The form the clerk stated for every row of a file without a form column ("" : none
    # stated, so each row's form follows documents/rules.py: no file in the portal, paper).
    form_for_all = models.CharField(_("hình thức cho mọi dòng"), max_length=12, choices=Form.choices, blank=True)
    skip_registered = models.BooleanField(default=False)
    confirming = models.BooleanField(default=False)  # the last run imports (True) or only checks
    preview = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập sổ")
        verbose_name_plural = _("các lần nhập sổ")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"
