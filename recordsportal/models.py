from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .names import by_name
from .progress import ProgressRow
from .querysets import DepartmentQuerySet, UserQuerySet
from .roles import ROLE_PRECEDENCE, Role
from .text import normalize_text

PERCENTAGE_MESSAGE = _("Tỉ lệ phải từ 0 đến 100%%.")  # %% : the message is %-formatted
percentage_validators = [
    MinValueValidator(0, message=PERCENTAGE_MESSAGE),
    MaxValueValidator(100, message=PERCENTAGE_MESSAGE),
]


class Agency(models.Model):
    """The agency's own settings: one row (pk=1), edited by the administrator."""

    name = models.CharField(_("tên cơ quan"), max_length=255)
    parent_name = models.CharField(_("cơ quan chủ quản"), max_length=255, blank=True)
    abbreviation = models.CharField(
        _("tên viết tắt"),
        max_length=20,
        help_text=_("Dùng trong ký hiệu văn bản, ví dụ BQL trong 15/QĐ-BQL."),
    )
    identifier_code = models.CharField(
        _("mã định danh cơ quan"),
        max_length=13,
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$",
                _("Mã định danh gồm 13 ký tự dạng 000.00.31.H09."),
            )
        ],
        help_text=_("13 ký tự, dùng trong mã hồ sơ điện tử, ví dụ 000.00.31.H09."),
    )
    place_name = models.CharField(
        _("địa danh"), max_length=100, blank=True, help_text=_("Địa danh ghi trên văn bản, ví dụ Hà Tĩnh.")
    )
    target_electronic_exchange = models.DecimalField(
        _("chỉ tiêu văn bản điện tử (%)"),
        max_digits=5,
        decimal_places=2,
        default=95,
        validators=percentage_validators,
    )
    target_electronic_dossiers = models.DecimalField(
        _("chỉ tiêu hồ sơ điện tử (%)"),
        max_digits=5,
        decimal_places=2,
        default=40,
        validators=percentage_validators,
    )
    class ArchiveDueRule(models.TextChoices):
        LAW_2024 = "2024", _("Luật Lưu trữ 2024: đến 31/12 của năm sau năm công việc kết thúc")
        LAW_2011 = "2011", _("Luật Lưu trữ 2011: một năm kể từ ngày công việc kết thúc")

    class FilePlanNumbering(models.TextChoices):
        CONTINUOUS = "continuous", _("Liên tục trong cả danh mục")
        PER_HEADING = "per_heading", _("Bắt đầu lại từ 01 trong mỗi đề mục lớn")

    archive_due_rule = models.CharField(
        _("thời hạn nộp lưu hồ sơ"), max_length=4, choices=ArchiveDueRule.choices, default=ArchiveDueRule.LAW_2024
    )
    file_plan_numbering = models.CharField(
        _("đánh số hồ sơ trong danh mục"), max_length=12, choices=FilePlanNumbering.choices,
        default=FilePlanNumbering.CONTINUOUS,
    )
    # Decree 30, Art. 31.3.d: the agency head consents to a retention list. The approver is the
    # head; a deputy approves only when delegated here, and the list is then signed "KT. TRƯỞNG BAN".
    agency_head = models.ForeignKey(
        "User", verbose_name=_("Trưởng ban (người duyệt danh mục hồ sơ giữ lại)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Để trống: mọi lãnh đạo Ban đều duyệt được (chưa phân định)."),
    )
    retention_delegates = models.ManyToManyField(
        "User", verbose_name=_("Phó Trưởng ban được giao duyệt thay (ký thay Trưởng ban)"), blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="agency_single_row"),
            models.CheckConstraint(
                condition=Q(target_electronic_exchange__gte=0, target_electronic_exchange__lte=100)
                & Q(target_electronic_dossiers__gte=0, target_electronic_dossiers__lte=100),
                name="agency_targets_are_percentages",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "Agency":
        """The agency row; a placeholder until the administrator fills it in."""
        agency, _created = cls.objects.get_or_create(
            pk=1, defaults={"name": "Cơ quan", "abbreviation": "CQ", "identifier_code": "000.00.00.A00"}
        )
        return agency

    def save(self, *args, **kwargs):
        self.pk = 1
        self.name = normalize_text(self.name)
        self.parent_name = normalize_text(self.parent_name)
        self.place_name = normalize_text(self.place_name)
        super().save(*args, **kwargs)


class Department(models.Model):
    """A department or unit of the agency, in a tree (the Office, departments, affiliated units).

    `path` is the materialised path of primary keys ("/1/4/") so that "this department and
    everything under it" is one indexed prefix match in SQL, for scoping any table.
    """

    class Kind(models.TextChoices):
        OFFICE = "office", _("Văn phòng")
        DEPARTMENT = "department", _("Phòng chuyên môn")
        UNIT = "unit", _("Đơn vị trực thuộc")

    name = models.CharField(_("tên"), max_length=255)
    abbreviation = models.CharField(
        _("tên viết tắt"), max_length=20, help_text=_("Ví dụ VP; dùng trong ký hiệu công văn 123/BQL-VP.")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "User",
        verbose_name=_("trưởng đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phòng, đơn vị")
        verbose_name_plural = _("phòng, đơn vị")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["abbreviation"],
                name="department_unique_abbreviation",
                violation_error_message=_("Tên viết tắt này đã được dùng cho một phòng, đơn vị khác."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2 if self.path else 0

    def clean(self):
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError(
                {"parent": _("Một đơn vị không thể trực thuộc chính nó hoặc đơn vị cấp dưới của nó.")}
            )

    @staticmethod
    def path_for(pk: int, parent: "Department | None") -> str:
        return f"{parent.path if parent else '/'}{pk}/"

    def save(self, *args, **kwargs):
        self.name = normalize_text(self.name)
        self.abbreviation = normalize_text(self.abbreviation).upper()
        super().save(*args, **kwargs)
        new_path = self.path_for(self.pk, self.parent)
        if new_path != self.path:
            old_path, self.path = self.path, new_path
            Department.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Moved in the tree: swap the prefix of every descendant in one statement.
                Department.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who uses the portal: an officer of one department, with a position and roles."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PortalUserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        # Vietnamese order (Đ after D, not after V) wherever people are listed by default: names.py.
        ordering = [by_name("full_name"), "username"]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.username

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.position = normalize_text(self.position)
        super().save(*args, **kwargs)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role codes (from their groups); a superuser is an administrator."""
        if not self.is_active or not self.pk:
            return frozenset()
        # groups.all() uses a prefetch_related("groups") cache when a list view made one.
        names = {group.name for group in self.groups.all() if group.name in Role.values}
        if self.is_superuser:
            names.add(Role.ADMIN)
        return frozenset(names)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def primary_role(self) -> str | None:
        return next((role for role in ROLE_PRECEDENCE if role in self.roles), None)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in ROLE_PRECEDENCE if role in self.roles]


class RoleGrant(models.Model):
    """A role given to or taken from a user, by whom and when: the trace of every grant (the
    leadership and administrator roles above all), written by `recordsportal.services` and the
    Django admin's user form alike. Roles themselves stay Django groups (roles.py)."""

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    granted = models.BooleanField(_("cấp"), help_text=_("Bỏ chọn: vai trò bị thu hồi."))
    acting_user = models.ForeignKey(User, verbose_name=_("người thực hiện"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cấp, thu hồi vai trò")
        verbose_name_plural = _("cấp, thu hồi vai trò")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} {'+' if self.granted else '-'}{self.role}"


def export_path(instance, filename):
    # A generated name, never the user's: the name offered on download is `filename`.
    import uuid

    from django.utils import timezone

    return f"exports/{timezone.localdate():%Y/%m/%d}/{uuid.uuid4().hex}.xlsx"


class ExportJob(ProgressRow):
    """An export too large for a web request (recordsportal/exports.py), written by a Celery task:
    what to export (`kind`, the dotted path of the export's builder, and the page's query string
    in `params`), its progress (rows written of how many), then the file. `created_by` owns it:
    nobody else sees or downloads it (404). Removed with its file after EXPORT_KEEP_HOURS."""

    kind = models.CharField(max_length=120)
    params = models.JSONField(default=dict, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    title = models.CharField(_("nội dung xuất"), max_length=255, blank=True)
    file = models.FileField(upload_to=export_path, max_length=255, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần xuất tệp")
        verbose_name_plural = _("các lần xuất tệp")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="export_job_owner")]

    def __str__(self):
        return self.filename
