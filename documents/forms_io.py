"""Forms of the Excel import and the register book."""

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin
from recordsportal.params import YearField

from .choices import Direction, Form
from .exports import BOOK_DIRECTIONS
from . import importer, rules
from .importer import IMPORT_DIRECTIONS, fields_for

NOT_IN_FILE = ""


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    direction = forms.ChoiceField(
        label=_("Sổ"), choices=[(d.value, d.label) for d in IMPORT_DIRECTIONS], initial=Direction.INCOMING
    )
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) xuất từ hệ thống quản lý văn bản"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "Dòng tiêu đề cột ở đầu tệp (có thể dưới vài dòng tên cơ quan, tên sổ). Tối đa %(rows)s dòng dữ liệu "
            "và %(size)s MB mỗi tệp.") % {
            # Read when the form is built: the limits the upload is checked against, whatever they are.
            "rows": number_format(importer.MAX_IMPORT_ROWS, force_grouping=True),
            "size": importer.MAX_IMPORT_BYTES // (1024 * 1024)}


FORM_NOT_CHOSEN = ""


class ImportMappingForm(BootstrapFormMixin, forms.Form):
    """For each field of the register, which column of the file feeds it; and, for a file with
    no form column, the form of every row as the clerk states it: required then, with nothing
    chosen in advance (documents/rules.py `import_form_problem`: an imported row brings no
    file, and the portal does not pick a form in the clerk's place)."""

    form_for_all = forms.ChoiceField(
        label=_("Hình thức của mọi dòng (khi tệp không có cột Hình thức)"), required=False,
        choices=[
            (FORM_NOT_CHOSEN, _("— Chọn hình thức —")),
            (Form.PAPER, _("Giấy: các văn bản được nhận, xử lý bằng giấy (lý do bản giấy: không có lý do chính đáng, "
                           "trừ văn bản mật)")),
            (Form.ELECTRONIC, _("Điện tử: đã được xử lý trên hệ thống quản lý văn bản của tỉnh")),
        ],
        help_text=_("Bắt buộc khi không chọn cột cho “Hình thức”; văn bản mật luôn là văn bản giấy. Văn bản điện tử "
                    "không có tệp trên hệ thống sẽ có trong danh sách “Khai là điện tử nhưng chưa có tệp” để Văn "
                    "phòng bổ sung."),
    )

    def __init__(self, *args, headers: list[str], direction: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, _("— không có trong tệp —"))] + [
            (str(index), f"{_('Cột')} {_letter(index)}: {header or '—'}") for index, header in enumerate(headers)
        ]
        self.import_fields = fields_for(direction)
        for import_field in self.import_fields:
            self.fields[import_field.name] = forms.ChoiceField(
                label=import_field.label, choices=choices, required=import_field.required,
            )
        self.fields["form_for_all"] = self.fields.pop("form_for_all")  # after the columns
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for name, value in list(cleaned.items()):  # add_error removes the field from cleaned
            if name == "form_for_all" or value in (None, NOT_IN_FILE):
                continue
            if value in used:
                self.add_error(name, _("Cột này đã được chọn cho “%(other)s”.") % {"other": self.fields[used[value]].label})
            used[value] = name
        problem = rules.import_form_problem(form_column=cleaned.get("form") not in (None, NOT_IN_FILE),
                                            form_for_all=cleaned.get("form_for_all") or "")
        if problem and "form" not in self.errors:
            self.add_error("form_for_all", problem)
        return cleaned

    def mapping(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.cleaned_data.items()
                if name != "form_for_all" and value not in (None, NOT_IN_FILE)}


def _letter(index: int) -> str:
    from recordsportal.xlsx import column_letter

    return column_letter(index + 1)


class RegisterBookForm(BootstrapFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Sổ"), choices=[(d.value, d.label) for d in BOOK_DIRECTIONS])
    year = YearField(label=_("Năm"))
    month = forms.TypedChoiceField(
        label=_("Tháng"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Cả năm"))] + [(str(m), str(m)) for m in range(1, 13)],
    )
    secret = forms.BooleanField(label=_("Sổ văn bản mật"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["month"].choices = [("", gettext("Cả năm"))] + [
            (str(m), gettext("Tháng %(month)s") % {"month": m}) for m in range(1, 13)]
