"""Forms of the handling chain: submit to a leader, dispatch inside a department, send back.

The officer list of every assignment form follows the department: a head's dispatch form lists
only the people of the department (and its units); leadership's assignment form (lead officer and
co-handlers) and the outgoing form's drafter list the people of the chosen department, reloaded by
htmx when another department is chosen (`follow_department`, documents:officer_options)."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from recordsportal.forms import BootstrapFormMixin
from recordsportal.models import Department, User
from recordsportal.names import by_name
from recordsportal.params import posted_ids
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


def _chosen(form, name):
    """The value of `name` the form shows: the posted one, else the initial one."""
    if form.is_bound:
        return form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else [
            form.data.get(form.add_prefix(name))]
    value = form.initial.get(name, form.fields[name].initial)
    value = value() if callable(value) else value
    return list(value) if isinstance(value, (list, tuple)) else [value]


def follow_department(form, *people_fields, department_field="department"):
    """Each people select of `form` lists the people of the department chosen in
    `department_field` (and those already chosen, so a saved choice from elsewhere stays shown),
    and reloads its options by htmx when the department changes. Only the display is narrowed:
    what is posted is checked by the service, whatever the list showed."""
    ids = posted_ids([str(v) for v in _chosen(form, department_field) if v is not None])
    department = Department.objects.filter(pk=ids[0]).first() if ids else None
    department_id = form[department_field].auto_id
    for name in people_fields:
        field = form.fields[name]
        chosen = posted_ids([str(getattr(v, "pk", v)) for v in _chosen(form, name) if v not in (None, "")])
        shown = department_officers(department) if department else User.objects.none()
        if chosen:
            shown = (User.objects.filter(Q(pk__in=shown.values("pk")) | Q(pk__in=chosen))
                     .select_related("department").order_by("department__path", by_name()))
        display = forms.ModelMultipleChoiceField(queryset=shown) if field.widget.allow_multiple_selected else \
            forms.ModelChoiceField(queryset=shown, empty_label=field.empty_label)
        display.label_from_instance = field.label_from_instance = officer_label
        field.widget.choices = display.choices
        field.widget.attrs.update({
            "hx-get": reverse("documents:officer_options"), "hx-trigger": f"change from:#{department_id}",
            "hx-include": f"#{department_id}", "hx-swap": "innerHTML", "hx-sync": "this:replace",
            "data-follows": department_id,
        })
        if field.widget.allow_multiple_selected:
            field.widget.attrs["hx-vals"] = '{"multiple": "1"}'  # no empty choice in a multiple list
    return form


def assign_form(*, document=None, data=None, prefix=None):
    """Leadership's assignment form, its officer and co-handler lists narrowed to the chosen
    department (the document's, or the one posted) and reloaded by htmx when it changes."""
    initial = None
    if document is not None and data is None:
        initial = {
            "department": document.department_id, "officer": document.officer_id,
            "co_handlers": list(document.co_handlers.values_list("pk", flat=True)),
            "deadline": document.leadership_deadline or document.deadline, "direction_note": document.direction_note,
        }
    form = follow_department(AssignForm(data, initial=initial, prefix=prefix), "officer", "co_handlers")
    form.fields["department"].widget.attrs["data-testid"] = "assign-department"
    return form
