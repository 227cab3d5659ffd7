from decimal import Decimal

from django import forms

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
