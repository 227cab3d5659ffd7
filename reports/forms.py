from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin

from .models import ViolationKind
from .services import MAX_POINTS, POINTS_MESSAGES


def points_field(**kwargs) -> forms.DecimalField:
    """Points of a deduction: 0 to MAX_POINTS with 2 decimals, finite (NaN and Infinity are
    refused), typed with a decimal comma or point; the bounds of `services.points_problem`."""
    return forms.DecimalField(min_value=Decimal("0"), max_value=MAX_POINTS, max_digits=5, decimal_places=2,
                              localize=True, error_messages=POINTS_MESSAGES, **kwargs)


class ReviewForm(forms.Form):
    """What the Office posts from the violations list with a review action."""

    points = points_field(required=False)
    note = forms.CharField(required=False)


class DeductionTableForm(BootstrapFormMixin, forms.Form):
    """One field per kind of violation: the points the Office proposes to deduct."""

    def __init__(self, *args, table: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ViolationKind.choices:
            self.fields[kind] = points_field(label=label, initial=table[kind])
        self.style_fields()


class JournalFilterForm(BootstrapFormMixin, forms.Form):
    """The agency journal's filters (GET): person, kind of record, dates. Every field optional;
    a value that does not parse is shown with its error and the journal is not filtered by it."""

    person = forms.ModelChoiceField(label=_("Người thực hiện"), required=False, queryset=None,
                                    empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Loại hồ sơ, dữ liệu"), required=False)
    since = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    until = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        from recordsportal.models import User

        from .journal import KINDS

        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.all()
        self.fields["kind"].choices = [("", _("Tất cả"))] + [(kind.code, kind.label) for kind in KINDS]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("Đến ngày phải sau hoặc bằng từ ngày."))
        return data

    def filters(self) -> dict:
        """The valid filters only: a bad field is left out, the others still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        person = data.get("person")
        return {"person": person.pk if person else None, "kind": data.get("kind") or None,
                "since": data.get("since") if "until" not in self.errors else None,
                "until": data.get("until") if "until" not in self.errors else None}
