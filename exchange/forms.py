from django import forms
from django.utils.translation import gettext_lazy as _

from documents.choices import Kind, Urgency
from documents.forms import DATE_WIDGET, MultipleFileField
from recordsportal.forms import BootstrapFormMixin

from .models import Organisation


class ReceiveForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(
        label=_("Gói văn bản (.edxml) hoặc tệp .zip chứa các gói"), required=True,
        help_text=_("Chọn một hoặc nhiều tệp; nhiều gói một lúc (đến 1.000) thì nén thành một tệp .zip."))


class RegisterForm(BootstrapFormMixin, forms.Form):
    """The package's fields, pre-filled; the clerk checks and corrects them before registering."""

    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=100)
    issuer = forms.CharField(label=_("Tác giả, cơ quan ban hành"), max_length=255)
    document_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Tên loại"), choices=Kind.choices)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Gửi về nơi gửi trong gói trạng thái “Từ chối tiếp nhận”."))


class OrganisationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "is_active", "notes"]

    def clean_code(self):
        # Codes are compared in upper case: typed 000.00.00.g01, kept 000.00.00.G01.
        return " ".join((self.cleaned_data.get("code") or "").split()).upper()


class DirectoryImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"),
                           help_text=_("Cột “Mã định danh”, “Tên cơ quan” và (không bắt buộc) “Ghi chú”, tiêu đề ở dòng 1."))
