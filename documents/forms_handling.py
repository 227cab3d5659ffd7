"""Forms of the handling chain: submit to a leader, dispatch inside a department, send back.

The officer list of every assignment form follows the department: a head's dispatch form lists
only the people of the department (and its units); leadership's assignment form lists the people
of the chosen department, reloaded by htmx when another department is chosen
(documents:officer_options)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import User
from recordsportal.names import by_name
from recordsportal.roles import Role

from .forms import DATE_WIDGET, AssignForm, officer_label
from .inbox import department_officers


class SubmitForm(BootstrapFormMixin, forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Trình lãnh đạo"), required=False, empty_label=_("Lãnh đạo Ban (chung)"),
        queryset=User.objects.with_role(Role.LEADERSHIP).filter(is_active=True).order_by(by_name()),
        help_text=_("Chọn một lãnh đạo để văn bản vào hộp văn bản của người đó; để trống: mọi lãnh đạo Ban đều thấy."),
    )


class DispatchForm(BootstrapFormMixin, forms.Form):
    officer = forms.ModelChoiceField(label=_("Cán bộ xử lý"), queryset=User.objects.none())
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Cán bộ phối hợp"), queryset=User.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    deadline = forms.DateField(label=_("Hạn xử lý"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("Ý kiến giao việc"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, department=None, latest_deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = department_officers(department) if department is not None else User.objects.none()
        for name in ("officer", "co_handlers"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = officer_label
        if latest_deadline:
            self.fields["deadline"].help_text = _("Không sau hạn lãnh đạo giao: %(date)s. Để trống: giữ hạn này.") % {
                "date": latest_deadline.strftime("%d/%m/%Y")}


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 2}))


def assign_form(*, document=None, data=None, prefix=None):
    """Leadership's assignment form, its officer list narrowed to the chosen department (the
    document's, or the one posted) and reloaded by htmx when the department changes."""
    initial = None
    if document is not None and data is None:
        initial = {
            "department": document.department_id, "officer": document.officer_id,
            "co_handlers": list(document.co_handlers.values_list("pk", flat=True)),
            "deadline": document.leadership_deadline or document.deadline, "direction_note": document.direction_note,
        }
    form = AssignForm(data, initial=initial, prefix=prefix)
    if data is None:
        # Narrowed for display only: a posted officer is checked by the service against the
        # department, whatever the list showed.
        department = document.department if document is not None else None
        form.fields["officer"].queryset = department_officers(department) if department else User.objects.none()
    form.fields["officer"].label_from_instance = officer_label
    officer_id = form["officer"].auto_id
    form.fields["department"].widget.attrs.update({
        "hx-get": reverse("documents:officer_options"), "hx-target": f"#{officer_id}", "hx-trigger": "change",
        "hx-swap": "innerHTML", "data-testid": "assign-department",
    })
    return form
