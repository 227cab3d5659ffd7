import copy
import html
import re
import time
from functools import partial
from urllib.parse import urlsplit

from django import forms
from django.core.validators import DecimalValidator
from django.forms.utils import ErrorDict, ErrorList
from django.utils.datastructures import MultiValueDict
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.core.exceptions import ValidationError
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Agency, Department, User
from .placeholders import name_empty_choice
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


FAILED_FORM_SESSION_KEY = "portal_failed_form"
FAILED_FORM_SECONDS = 120  # what was typed is offered back on the page the browser returns to, not later


def _form_key(form) -> str:
    return f"{type(form).__module__}.{type(form).__qualname__}:{form.prefix or ''}"


def remember_failed_form(request, form) -> None:
    """A small form posted from a detail page failed and the view redirects back to that page:
    keep what was typed and the errors, so that the page shows them at their fields
    (`restore_failed_form`, through includes/form_fields.html) instead of a blank form. Files
    cannot be kept; the page is the one the form was posted from (same-origin Referer)."""
    session = getattr(request, "session", None)
    page = urlsplit(request.META.get("HTTP_REFERER", ""))
    if session is None or not page.path or (page.netloc and page.netloc != request.get_host()):
        return
    session[FAILED_FORM_SESSION_KEY] = {
        "form": _form_key(form),
        "page": page.path,
        "data": {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"},
        "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        "at": time.time(),
    }


def restore_failed_form(request, form):
    """`form` bound again to the input `remember_failed_form` kept, with its errors, when it is the
    same form on the same page within a short while; otherwise `form` itself. Used once."""
    session = getattr(request, "session", None)
    saved = session.get(FAILED_FORM_SESSION_KEY) if session is not None else None
    if not saved or saved.get("form") != _form_key(form) or saved.get("page") != request.path:
        return form
    del session[FAILED_FORM_SESSION_KEY]
    if time.time() - saved.get("at", 0) > FAILED_FORM_SECONDS:
        return form
    bound = copy.copy(form)
    bound.is_bound = True
    bound.data = MultiValueDict(saved["data"])
    bound.files = MultiValueDict()
    bound._bound_fields_cache = {}
    bound._errors = ErrorDict({name: ErrorList(messages) for name, messages in saved["errors"].items()})
    _mark_invalid(bound)
    return bound


def render_select(widget, name, value, attrs=None, renderer=None):
    """What Django's Select renders (same attributes, first matching option selected, optgroups),
    without a template: the options are the bulk of a long select and this is ~10x faster."""
    value = widget.format_value(value)
    values = {value} if isinstance(value, str) else {str(v) for v in value}
    parts = [format_html("<select name=\"{}\"{}>", name, flatatt(widget.build_attrs(widget.attrs, attrs)))]
    selected = False

    def option(option_value, label):
        # As format_html would write it (each value through conditional_escape), without its
        # per-call overhead: ~200 options on every register page (issue 16).
        nonlocal selected
        option_value = "" if option_value is None else str(option_value)
        is_selected = not selected and option_value in values
        selected |= is_selected
        text = label.__html__() if hasattr(label, "__html__") else html.escape(str(label))
        return f'<option value="{html.escape(option_value)}"{" selected" if is_selected else ""}>{text}</option>'

    for option_value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            parts.append(format_html("<optgroup label=\"{}\">", option_value))
            parts += [option(v, sub) for v, sub in label]
            parts.append(mark_safe("</optgroup>"))  # nosec B308 B703: constant
        else:
            parts.append(option(option_value, label))
    parts.append(mark_safe("</select>"))  # nosec B308 B703: constant
    # Every part is a constant, came through format_html or is an option whose values were escaped.
    return mark_safe("".join(parts))  # nosec B308 B703


DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """The portal's one date input: text in dd/mm/yyyy (never the browser's own date control, whose
    calendar and "mm/dd/yyyy" follow the browser's language), with the numeric keypad on phones.
    static/js/dates.js types the slashes for the digits (a phone's numeric keypad has none) and
    adds the calendar button with Vietnamese month names. BootstrapFormMixin turns every
    DateInput of a form into this one."""

    input_type = "text"
    ATTRS = {"inputmode": "numeric", "placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "maxlength": "10",
             "data-date-input": ""}

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs={**self.ATTRS, **(attrs or {})}, format="%d/%m/%Y")

    @classmethod
    def adopt(cls, widget: forms.DateInput) -> None:
        """Make a DateInput declared anywhere (a filter's, a ModelForm's type="date") this one."""
        widget.__class__ = cls
        widget.input_type = cls.input_type
        widget.format = "%d/%m/%Y"
        widget.attrs.pop("type", None)
        for name, value in cls.ATTRS.items():
            widget.attrs.setdefault(name, value)


class FileInput(forms.ClearableFileInput):
    """A file field with Vietnamese words ("Chọn tệp", "Chưa chọn tệp") instead of the browser's
    "Choose File / No file chosen": the native input stays (keyboard, screen readers, no script),
    visually replaced by its label once static/js/portal.js runs."""

    template_name = "portal/file_input.html"


# Messages that name their field ("Ngày kết thúc công việc: chưa nhập."), replacing Django's
# generic ones ("Trường này là bắt buộc.") wherever a form kept the default: the same message
# shows at the field, in the banner of a small form and read out by a screen reader.
FIELD_MESSAGES = {
    "required": _("{label}: chưa nhập."),
    "invalid_choice": _("{label}: lựa chọn không hợp lệ."),
    "max_length": _("{label}: tối đa %(limit_value)d ký tự (đang có %(show_value)d)."),
    "min_length": _("{label}: tối thiểu %(limit_value)d ký tự (đang có %(show_value)d)."),
    "min_value": _("{label}: phải từ %(limit_value)s trở lên."),
    "max_value": _("{label}: tối đa %(limit_value)s."),
    "max_digits": _("{label}: tối đa %(max)s chữ số."),
    "max_decimal_places": _("{label}: tối đa %(max)s chữ số thập phân."),
    "max_whole_digits": _("{label}: tối đa %(max)s chữ số phần nguyên."),
    "empty": _("{label}: tệp rỗng."),
    "missing": _("{label}: chưa chọn tệp."),
}
INVALID_MESSAGES = [
    (forms.DateField, _("{label}: không phải một ngày hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026.")),
    (forms.IntegerField, _("{label}: phải là một số nguyên.")),
    (forms.DecimalField, _("{label}: phải là một số, ví dụ 12,5.")),
    (forms.FloatField, _("{label}: phải là một số, ví dụ 12,5.")),
    (forms.EmailField, _("{label}: địa chỉ thư điện tử không hợp lệ.")),
    (forms.FileField, _("{label}: không đọc được tệp.")),
    (forms.Field, _("{label}: giá trị không hợp lệ.")),
]
PARAMETRISED_CODES = {"invalid_choice", "max_length", "min_length", "min_value", "max_value", "max_digits",
                      "max_decimal_places", "max_whole_digits"}
SELECT_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput, forms.FileInput)


def _default_messages(field) -> dict:
    """Django's own messages for the field's class: a subclass's or a form's message is a choice
    someone made, and stays."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django."):
            messages.update(cls.__dict__.get("default_error_messages", {}))
    return messages


def _message(code: str, template, label: str):
    # Messages raised with parameters go through "%" formatting: a "%" in the label
    # ("Chỉ tiêu (%)") must survive it.
    return format_lazy(template, label=label.replace("%", "%%") if code in PARAMETRISED_CODES else label)


def name_field_in_errors(field, name: str) -> None:
    """Give `field` the messages that name it, where it still has Django's default ones: the
    field's own (required, invalid…) and its validators' (min_value, max_length…). A message a
    form, a field class or a model's validator chose stays as it is."""
    label = str(field.label or name)
    defaults = _default_messages(field)
    for code, template in FIELD_MESSAGES.items():
        if code in field.error_messages and field.error_messages[code] is defaults.get(code):
            if code == "required" and isinstance(field.widget, SELECT_WIDGETS):
                template = _("{label}: chưa chọn.")
            field.error_messages[code] = _message(code, template, label)
    if "invalid" in field.error_messages and field.error_messages["invalid"] is defaults.get("invalid"):
        template = next(t for kind, t in INVALID_MESSAGES if isinstance(field, kind))
        # "invalid" is raised both with parameters (a DecimalField's NaN or Infinity: "%"
        # formatting) and without (text that is no number): no "%" may stay in it, escaped or not.
        # "Chỉ tiêu văn bản điện tử (%)" reads "Chỉ tiêu văn bản điện tử" there.
        plain = re.sub(r"\s*\(%\)", "", label).replace("%", " phần trăm")
        field.error_messages["invalid"] = format_lazy(template, label=plain)
    # Validators are shared objects (a model field's, a form field's): a copy carries the message.
    validators = []
    for validator in field.validators:
        if isinstance(validator, DecimalValidator):
            if validator.messages is DecimalValidator.messages:
                validator = copy.copy(validator)
                validator.messages = {**DecimalValidator.messages, **{
                    code: _message(code, FIELD_MESSAGES[code], label) for code in DecimalValidator.messages
                    if code in FIELD_MESSAGES}}
        elif getattr(validator, "code", None) in FIELD_MESSAGES and "message" not in vars(validator) \
                and field.error_messages.get(validator.code) is None:
            validator = copy.copy(validator)
            validator.message = _message(validator.code, FIELD_MESSAGES[validator.code], label)
        validators.append(validator)
    field.validators = validators


def _mark_invalid(form) -> None:
    for name in form._errors or {}:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class BootstrapFormMixin:
    """Bootstrap classes on every widget, the invalid mark on fields with errors, the portal's own
    date and file inputs, and error messages that name their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give each field its Bootstrap class once; a form that adds fields in its own __init__
        calls this again. (Reading self.errors here would validate the form before a subclass
        has finished setting up its fields and choices.)"""
        for name, field in self.fields.items():
            widget = field.widget
            if getattr(widget, "_portal_styled", False):
                continue
            name_empty_choice(field)  # no "---------" (issue 17): placeholders.py
            name_field_in_errors(field, name)
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                DateInput.adopt(widget)
            elif isinstance(widget, forms.FileInput):
                widget.template_name = FileInput.template_name
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                if type(widget) in (forms.Select, forms.NullBooleanSelect):
                    # Options written in Python: Django's own template includes a template per
                    # option, and even one template with the options inline cost ~25 ms for the
                    # register's 200-department filter on a loaded 2-core machine (bench/run_load.py).
                    widget.render = partial(render_select, widget)
            elif isinstance(widget, forms.FileInput):
                css = "form-control file-picker-input"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            widget._portal_styled = True

    def full_clean(self):
        super().full_clean()
        _mark_invalid(self)


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
            "agency_head",
            "retention_delegates",
        ]
        widgets = {"retention_delegates": forms.CheckboxSelectMultiple}
        # Vietnamese decimals use a comma (45,5): accept and show them so.
        localized_fields = ["target_electronic_exchange", "target_electronic_dossiers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The head and the deputies are leaders of the Board.
        leaders = User.objects.with_role(Role.LEADERSHIP).filter(is_active=True)
        self.fields["agency_head"].queryset = leaders
        self.fields["retention_delegates"].queryset = leaders

    def clean(self):
        cleaned = super().clean()
        head, delegates = cleaned.get("agency_head"), cleaned.get("retention_delegates") or []
        if delegates and head is None:
            self.add_error("agency_head", _("Chọn Trưởng ban trước khi giao Phó Trưởng ban duyệt thay."))
        if head is not None and head in delegates:
            self.add_error("retention_delegates", _("Trưởng ban không ký thay chính mình."))
        return cleaned


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
