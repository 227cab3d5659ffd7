from django import forms
from django.forms import formset_factory
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin, DateInput
from recordsportal.models import Department
from recordsportal.text import normalize_text

from .models import Campaign, InventoryLine
from .rules import deadline_problem, line_problems


class CampaignForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "scope_until_year", "deadline", "effort_norm", "departments"]
        widgets = {
            "deadline": DateInput(),  # the portal's dd/mm/yyyy input, not the browser's "mm/dd/yyyy" control
            "departments": forms.CheckboxSelectMultiple,
        }
        localized_fields = ["effort_norm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.active().order_by("path")
        self.fields["departments"].label_from_instance = lambda d: f"{'— ' * d.depth}{d.name}"
        self.fields["scope_until_year"].widget.attrs.setdefault("placeholder", "2015")

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        problem = deadline_problem(deadline, current=self.instance.deadline if self.instance.pk else None)
        if problem:
            raise forms.ValidationError(problem)
        return deadline


class CampaignEditForm(CampaignForm):
    """What the Office may correct once the campaign is open: its title, deadline and norm (the
    scope and the departments shape the inventories already started, so they stay)."""

    class Meta(CampaignForm.Meta):
        fields = ["title", "deadline", "effort_norm"]

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.style_fields()


class LineForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("Tên nhóm tài liệu"), max_length=500)
    from_year = forms.IntegerField(label=_("Từ năm"))
    to_year = forms.IntegerField(label=_("Đến năm"))
    shelf_metres = forms.DecimalField(label=_("Mét giá"), decimal_places=2, max_digits=8, localize=True)
    boxes = forms.IntegerField(label=_("Số hộp/cặp"))
    estimated_dossiers = forms.IntegerField(label=_("Số hồ sơ ước tính"))
    # initial: a blank row added in the page (condition preselected) counts as unchanged, not invalid.
    condition = forms.ChoiceField(
        label=_("Tình trạng vật lý"), choices=InventoryLine.Condition.choices, initial=InventoryLine.Condition.GOOD
    )
    location = forms.CharField(label=_("Nơi bảo quản"), max_length=255, required=False)
    notes = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        self.campaign = campaign
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for name in ("description", "location", "notes"):
            if name in data:
                data[name] = normalize_text(data[name])
        # The same rules as the Excel import and the API; only for fields that parsed.
        for name, message in line_problems(data, self.campaign).items():
            if name in data and name not in self.errors:
                self.add_error(name, message)
        return data


LineFormSet = formset_factory(LineForm, extra=0, can_delete=True, max_num=2000, validate_max=True)


class SaveLinesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SubmitForm(forms.Form):
    declare_none = forms.BooleanField(
        label=_("Xác nhận phòng, đơn vị không có tài liệu tồn đọng trong phạm vi đợt kiểm kê"), required=False
    )


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        from . import excel

        super().__init__(*args, **kwargs)
        # The caps the upload is checked against, stated before the upload.
        self.fields["file"].help_text = gettext("Tối đa %(rows)s dòng số liệu và %(size)s MB mỗi tệp.") % {
            "rows": number_format(excel.MAX_LINES, force_grouping=True),
            "size": excel.MAX_UPLOAD_BYTES // (1024 * 1024)}
