from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recordsportal.dates import sentence
from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import Department, User
from recordsportal.names import person_label

from . import rules
from .attachments import MAX_ATTACHMENT_BYTES
from .choices import Confidentiality, Form, Kind, PaperReason, Urgency

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments in one field; each is checked by the attachment service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def attachments_field(required=False):
    return MultipleFileField(
        label=_("Tệp đính kèm"),
        required=required,
        help_text=_("PDF, DOCX, XLSX, ảnh PNG/JPEG/TIFF hoặc gói văn bản điện tử edXML; tối đa %(limit)d MB mỗi tệp.")
        % {"limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
    )


def issued_paper_reason_field():
    return forms.ChoiceField(
        label=_("Lý do bản giấy"), required=False,
        choices=[("", _("— Có tệp PDF đã ký số: văn bản điện tử —")), *PaperReason.choices],
        help_text=_("Văn bản điện tử khi tệp đính kèm là PDF đã ký số, nguyên vẹn. Không có thì văn bản là văn bản "
                    "giấy: chọn lý do."))


def ask_issued_paper_reason(form, cleaned) -> None:
    """An outgoing or internal document without a signed PDF is paper: its reason is asked."""
    from .signatures import check_upload

    if cleaned.get("confidentiality", Confidentiality.NORMAL) != Confidentiality.NORMAL or cleaned.get("paper_reason"):
        return
    if "attachments" in form.errors:
        return
    from recordsportal.services import DomainError

    from .attachments import PDF, detect_type

    pdfs = []
    for upload in cleaned.get("attachments") or ():
        try:  # a refused file is named first (the service refuses it the same way)
            if detect_type(upload) == PDF:
                pdfs.append(upload)
        except DomainError as error:
            form.add_error("attachments", str(error))
            return
    if not any(check_upload(upload).is_signed for upload in pdfs):
        form.add_error("paper_reason", _("Không có tệp PDF đã ký số nên văn bản được ghi là văn bản giấy: chọn lý do "
                                         "bản giấy, hoặc đính kèm tệp PDF đã ký số."))


class IncomingForm(BootstrapFormMixin, forms.Form):
    arrival_date = forms.DateField(label=_("Ngày đến"), widget=DATE_WIDGET, initial=timezone.localdate)
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=100, help_text=_("Ví dụ 125/UBND-KT"))
    document_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE_WIDGET)
    issuer = forms.CharField(label=_("Tác giả, cơ quan ban hành"), max_length=255)
    kind = forms.ChoiceField(label=_("Tên loại"), choices=Kind.choices, initial=Kind.OFFICIAL_LETTER)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}))
    recipients = forms.CharField(label=_("Đơn vị, người nhận"), required=False, max_length=500)
    received_medium = forms.ChoiceField(label=_("Hình thức nhận"), choices=Form.choices, initial=Form.ELECTRONIC)
    # No "form" to choose: it follows the file (documents/rules.py `incoming_form`).
    paper_reason = forms.ChoiceField(
        label=_("Lý do bản giấy"), required=False, choices=[("", _("— Có tệp đính kèm: xử lý điện tử —")),
                                                             *PaperReason.choices],
        help_text=_("Văn bản xử lý điện tử khi có tệp đính kèm (bản gốc điện tử hoặc bản số hóa). "
                    "Không đính kèm tệp thì văn bản là văn bản giấy: chọn lý do."),
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = attachments_field()
    allow_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây là văn bản khác, vẫn đăng ký"), required=False, widget=forms.HiddenInput
    )

    def clean(self):
        cleaned = super().clean()
        secret = cleaned.get("confidentiality", Confidentiality.NORMAL) != Confidentiality.NORMAL
        if not secret and not cleaned.get("attachments") and not cleaned.get("paper_reason") and "attachments" not in self.errors:
            self.add_error("paper_reason", _("Không có tệp đính kèm nên văn bản được ghi là văn bản giấy: chọn lý do "
                                             "bản giấy, hoặc đính kèm bản gốc điện tử hay bản số hóa."))
        for field, problem in rules.incoming_date_problems(
                document_date=cleaned.get("document_date"), arrival_date=cleaned.get("arrival_date")).items():
            self.add_error(field, sentence(problem))
        return cleaned


def officer_label(user) -> str:
    """"Name – department" in a select; the name alone when the person has no department."""
    return person_label(user, detail=user.department.name if user.department_id else None)


class AssignForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=Department.objects.active())
    officer = forms.ModelChoiceField(
        label=_("Cán bộ chủ trì"), queryset=User.objects.filter(is_active=True).select_related("department"), required=False
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Cán bộ phối hợp"), queryset=User.objects.filter(is_active=True), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = forms.DateField(label=_("Hạn xử lý"), widget=DATE_WIDGET, required=False)
    direction_note = forms.CharField(label=_("Ý kiến chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].label_from_instance = officer_label


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AttachmentForm(BootstrapFormMixin, forms.Form):
    attachments = attachments_field(required=True)


class OutgoingForm(BootstrapFormMixin, forms.Form):
    issue_date = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Tên loại"), choices=Kind.choices, initial=Kind.OFFICIAL_LETTER)
    department = forms.ModelChoiceField(label=_("Đơn vị soạn thảo"), queryset=Department.objects.active())
    drafter = forms.ModelChoiceField(label=_("Người soạn thảo"), queryset=User.objects.filter(is_active=True), required=False)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}))
    signer = forms.CharField(label=_("Người ký"), max_length=150)
    recipients = forms.CharField(label=_("Nơi nhận (bên ngoài)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recipient_departments = forms.ModelMultipleChoiceField(
        label=_("Nơi nhận nội bộ"), queryset=Department.objects.active(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    # No "form" to choose: electronic exactly with a digitally signed PDF (documents/rules.py `issued_form`).
    paper_reason = issued_paper_reason_field()
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, required=False)
    file_copy_keeper = forms.CharField(label=_("Đơn vị, người lưu bản"), max_length=150, required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = attachments_field()

    def clean(self):
        cleaned = super().clean()
        ask_issued_paper_reason(self, cleaned)
        return cleaned

    def clean_issue_date(self):
        issue_date = self.cleaned_data["issue_date"]
        problem = rules.issue_date_problem(issue_date)
        if problem:
            raise forms.ValidationError(sentence(problem))
        return issue_date


class InternalForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Tên loại"), choices=Kind.choices, initial=Kind.OFFICIAL_LETTER)
    summary = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}))
    recipient_departments = forms.ModelMultipleChoiceField(
        label=_("Gửi tới phòng, đơn vị"), queryset=Department.objects.active(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = attachments_field()
    paper_reason = issued_paper_reason_field()

    def clean(self):
        cleaned = super().clean()
        ask_issued_paper_reason(self, cleaned)
        return cleaned
