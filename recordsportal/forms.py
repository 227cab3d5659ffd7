from functools import partial

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.core.exceptions import ValidationError
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Agency, Department, User
from .roles import Role


def add_error_to_form(form, error) -> None:
    """Show a refused action on the form: a DomainError on its field (or the whole form), a
    model ValidationError on the fields it names. One mapping for every view."""
    from .services import DomainError

    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def render_select(widget, name, value, attrs=None, renderer=None):
    """What Django's Select renders (same attributes, first matching option selected, optgroups),
    without a template: the options are the bulk of a long select and this is ~10x faster."""
    value = widget.format_value(value)
    values = {value} if isinstance(value, str) else {str(v) for v in value}
    parts = [format_html("<select name=\"{}\"{}>", name, flatatt(widget.build_attrs(widget.attrs, attrs)))]
    selected = False

    def option(option_value, label):
        nonlocal selected
        option_value = "" if option_value is None else str(option_value)
        is_selected = not selected and option_value in values
        selected |= is_selected
        return format_html("<option value=\"{}\"{}>{}</option>", option_value,
                           mark_safe(" selected") if is_selected else "", label)  # nosec B308 B703: constant

    for option_value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            parts.append(format_html("<optgroup label=\"{}\">", option_value))
            parts += [option(v, sub) for v, sub in label]
            parts.append(mark_safe("</optgroup>"))  # nosec B308 B703: constant
        else:
            parts.append(option(option_value, label))
    parts.append(mark_safe("</select>"))  # nosec B308 B703: constant
    # Every part is a constant or came through format_html, which escaped its arguments.
    return mark_safe("".join(parts))  # nosec B308 B703


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and the invalid mark on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give each field its Bootstrap class once; a form that adds fields in its own __init__
        calls this again. (Reading self.errors here would validate the form before a subclass
        has finished setting up its fields and choices.)"""
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "_portal_styled", False):
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                if type(widget) in (forms.Select, forms.NullBooleanSelect):
                    # Options written in Python: Django's own template includes a template per
                    # option, and even one template with the options inline cost ~25 ms for the
                    # register's 200-department filter on a loaded 2-core machine (bench/run_load.py).
                    widget.render = partial(render_select, widget)
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            widget._portal_styled = True

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class AgencyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "parent_name",
            "abbreviation",
            "identifier_code",
            "place_name",
            "target_electronic_exchange",
            "target_electronic_dossiers",
            "archive_due_rule",
            "file_plan_numbering",
        ]
        # Vietnamese decimals use a comma (45,5): accept and show them so.
        localized_fields = ["target_electronic_exchange", "target_electronic_dossiers"]


class DepartmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "abbreviation", "kind", "parent", "head", "order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_active=True).select_related("department")
        if self.instance.pk:
            # Neither itself nor a unit under it can become its parent.
            self.fields["parent"].queryset = Department.objects.exclude(path__startswith=self.instance.path)


class UserForm(BootstrapFormMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Bỏ trống khi sửa để giữ mật khẩu hiện tại."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "department", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active()
        if self.instance.pk:
            self.initial["roles"] = list(
                self.instance.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )
        else:
            self.fields["password"].required = True

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password, self.instance)
        return password

    def clean(self):
        cleaned = super().clean()
        roles = set(cleaned.get("roles") or [])
        # Only the Board's leadership and pure administrators work outside a department.
        if roles & {Role.OFFICER, Role.DEPARTMENT_HEAD, Role.OFFICE} and not cleaned.get("department"):
            self.add_error("department", _("Cán bộ, trưởng phòng và văn thư phải thuộc một phòng, đơn vị."))
        return cleaned
