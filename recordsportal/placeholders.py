"""The empty choice of a select says what it means instead of Django's "---------".

Called for every field of every portal form (BootstrapFormMixin.style_fields): a required select
reads "— Chọn —", an optional one "— Không chọn —". A form that names its own empty choice
(`empty_label=...`, "Lãnh đạo Ban (chung)") keeps it."""

from django import forms
from django.utils.translation import gettext_lazy as _

DASHES = "---------"
CHOOSE = _("— Chọn —")
NONE = _("— Không chọn —")


def name_empty_choice(field) -> None:
    label = CHOOSE if field.required else NONE
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = label
        return
    if isinstance(field, forms.ChoiceField) and not callable(getattr(field, "_choices", None)):
        choices = list(field.choices)
        if any(value in ("", None) and str(text) == DASHES for value, text in choices):
            field.choices = [(value, label if value in ("", None) and str(text) == DASHES else text)
                             for value, text in choices]
