from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy as _

from documents.forms import DATE_WIDGET
from recordsportal.access import managed_department_paths
from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import Department, User
from recordsportal.params import YearField
from recordsportal.roles import Role

from .models import FilePlanEntry, FilePlanHeading

RETENTION_CHOICES = [("", _("— chọn —")), (0, _("Vĩnh viễn"))] + [
    (n, _("%(n)s năm") % {"n": n}) for n in (1, 2, 3, 5, 10, 15, 20, 30, 50, 70)
]


class Scoped:
    """Forms whose choices depend on the user or the plan. BootstrapFormMixin validates a bound
    form while styling it, so the choices must be narrowed before that: this mixin sits between
    it and Form and calls `scope(**kwargs)` right after the fields exist."""

    scope_kwargs: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        scope = {name: kwargs.pop(name) for name in self.scope_kwargs}
        super().__init__(*args, **kwargs)
        self.scope(**scope)

    def scope(self, **kwargs):
        pass


def retention_field(required=True):
    return forms.TypedChoiceField(label=_("Thời hạn bảo quản"), choices=RETENTION_CHOICES, coerce=int,
                                  empty_value=None, required=required)


class DossierOpenForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("user",)

    plan_entry = forms.ModelChoiceField(
        label=_("Hồ sơ theo danh mục"), queryset=FilePlanEntry.objects.none(), required=False,
        help_text=_("Chọn một hồ sơ trong danh mục của đơn vị, hoặc bỏ trống để mở hồ sơ phát sinh."),
    )
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500, required=False,
                            help_text=_("Bỏ trống để dùng tiêu đề trong danh mục."))
    retention_years = retention_field(required=False)
    number_symbol = forms.CharField(label=_("Số và ký hiệu (hồ sơ phát sinh)"), max_length=40, required=False,
                                    help_text=_("Ví dụ 05.TCCB; bỏ trống để hệ thống tự đánh PS01.<đơn vị>."))
    opened_on = forms.DateField(label=_("Ngày mở hồ sơ"), widget=DATE_WIDGET, initial=timezone.localdate)
    kept_in_portal = forms.BooleanField(label=_("Lập và quản lý hồ sơ trên hệ thống (hồ sơ điện tử)"), required=False,
                                        initial=True)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def scope(self, user):
        year = timezone.localdate().year
        paths = managed_department_paths(user)
        entries = FilePlanEntry.objects.filter(plan__year__in=[year - 1, year], dossiers__isnull=True)
        if paths:
            entries = entries.filter(plan__department__in=Department.objects.under_paths(paths))
        else:
            entries = entries.filter(plan__department_id=user.department_id)
        self.fields["plan_entry"].queryset = entries.select_related("plan").order_by("-plan__year", "number")
        self.fields["plan_entry"].label_from_instance = lambda e: f"{e.plan.year} · {e.number_symbol} – {e.title}"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("plan_entry"):
            if not cleaned.get("title"):
                self.add_error("title", _("Nhập tiêu đề cho hồ sơ phát sinh."))
            if cleaned.get("retention_years") is None:
                self.add_error("retention_years", _("Chọn thời hạn bảo quản cho hồ sơ phát sinh."))
        return cleaned


class VersionedForm(forms.Form):
    """Carries the dossier version the page was loaded with (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class DossierEditForm(BootstrapFormMixin, VersionedForm):
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    retention_years = retention_field()
    kept_in_portal = forms.BooleanField(label=_("Lập và quản lý hồ sơ trên hệ thống"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def for_dossier(cls, dossier):
        return cls(initial={"title": dossier.title, "retention_years": dossier.retention_years,
                            "kept_in_portal": dossier.kept_in_portal, "notes": dossier.notes,
                            "version": dossier.version})


class CloseForm(BootstrapFormMixin, VersionedForm):
    ended_on = forms.DateField(label=_("Ngày kết thúc công việc"), widget=DATE_WIDGET, initial=timezone.localdate)
    sheets = forms.IntegerField(label=_("Số tờ"), min_value=1, required=False,
                                help_text=_("Bắt buộc với hồ sơ giấy bảo quản từ 5 năm trở lên."))
    pages = forms.IntegerField(label=_("Số trang"), min_value=1, required=False)
    closing_note = forms.CharField(label=_("Chứng từ kết thúc, ghi chú"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class FileItemForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp"))
    title = forms.CharField(label=_("Tên tài liệu"), max_length=500, required=False)


class PaperItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên tài liệu giấy"), max_length=500)


class FilePlanForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("user",)

    department = forms.ModelChoiceField(label=_("Phòng, đơn vị"), queryset=Department.objects.none())
    year = YearField(label=_("Năm"), initial=lambda: timezone.localdate().year)

    def scope(self, user):
        departments = Department.objects.active()
        if not user.has_role(Role.OFFICE, Role.ADMIN):
            departments = departments.led_by(user)
        self.fields["department"].queryset = departments


class HeadingForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("plan",)

    title = forms.CharField(label=_("Tên đề mục"), max_length=255)
    parent = forms.ModelChoiceField(label=_("Thuộc đề mục lớn"), queryset=FilePlanHeading.objects.none(),
                                    required=False, help_text=_("Bỏ trống để tạo đề mục lớn (I, II…)."))
    abbreviation = forms.CharField(label=_("Ký hiệu đề mục lớn"), max_length=20, required=False,
                                   help_text=_("Ví dụ TCCB; dùng trong số hồ sơ 01.TCCB."))

    def scope(self, plan):
        self.fields["parent"].queryset = plan.headings.filter(parent__isnull=True)


class EntryForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("plan",)

    heading = forms.ModelChoiceField(label=_("Đề mục"), queryset=FilePlanHeading.objects.none())
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    retention_years = retention_field()
    responsible = forms.ModelChoiceField(label=_("Người lập hồ sơ"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def scope(self, plan):
        self.fields["heading"].queryset = plan.headings.select_related("parent").order_by("parent_id", "position")
        self.fields["responsible"].queryset = User.objects.filter(
            is_active=True, department__path__startswith=plan.department.path)


class EntryEditForm(EntryForm):
    """Correcting an entry: everything but its place (heading, number and symbol stay)."""

    def scope(self, plan):
        super().scope(plan)
        del self.fields["heading"]


class HeadingEditForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Tên đề mục"), max_length=255)


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        from . import excel

        super().__init__(*args, **kwargs)
        # The caps the upload is checked against, stated before the upload.
        self.fields["file"].help_text = gettext("Tối đa %(rows)s dòng và %(size)s MB mỗi tệp.") % {
            "rows": number_format(excel.MAX_PLAN_ROWS, force_grouping=True),
            "size": excel.MAX_PLAN_BYTES // (1024 * 1024)}


class CopyPlanForm(BootstrapFormMixin, forms.Form):
    year = YearField(label=_("Sang năm"))


class HandOverForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("department",)

    from_officer = forms.ModelChoiceField(label=_("Người bàn giao"), queryset=User.objects.none())
    to_officer = forms.ModelChoiceField(label=_("Người nhận bàn giao"), queryset=User.objects.none())

    def scope(self, department):
        people = User.objects.filter(department__path__startswith=department.path)
        self.fields["from_officer"].queryset = people
        self.fields["to_officer"].queryset = people.filter(is_active=True)


class RetentionLineForm(BootstrapFormMixin, Scoped, forms.Form):
    scope_kwargs = ("dossiers",)

    dossier = forms.ModelChoiceField(label=_("Hồ sơ"), queryset=None)
    reason = forms.CharField(label=_("Lý do giữ lại"), widget=forms.Textarea(attrs={"rows": 2}))
    keep_until = forms.DateField(label=_("Giữ lại đến ngày"), widget=DATE_WIDGET,
                                 help_text=_("Tối đa 2 năm sau hạn nộp lưu."))

    def scope(self, dossiers):
        self.fields["dossier"].queryset = dossiers
        self.fields["dossier"].label_from_instance = (
            lambda d: f"{d.code} – {d.title[:60]} ({_('hạn')} {d.due_on:%d/%m/%Y})")
