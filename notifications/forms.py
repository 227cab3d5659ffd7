from django import forms
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin

from .models import Preference


class PreferenceForm(BootstrapFormMixin, forms.Form):
    email_mode = forms.ChoiceField(label=_("Nhận thông báo qua e-mail"), choices=Preference.EmailMode.choices,
                                   widget=forms.RadioSelect)
