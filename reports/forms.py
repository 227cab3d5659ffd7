from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin

from .models import ViolationKind


class DeductionTableForm(BootstrapFormMixin, forms.Form):
    """One field per kind of violation: the points the Office proposes to deduct."""

    def __init__(self, *args, table: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ViolationKind.choices:
            self.fields[kind] = forms.DecimalField(
                label=label, min_value=Decimal("0"), max_value=Decimal("100"), max_digits=5, decimal_places=2,
                initial=table[kind], localize=True,
                error_messages={"invalid": _("Nhập một số, ví dụ 0,5."),
                                "min_value": _("Điểm trừ không được âm."),
                                "max_value": _("Điểm trừ tối đa là 100."),
                                "max_decimal_places": _("Tối đa 2 chữ số thập phân.")},
            )
        self.style_fields()
