"""How a page reports the outcome of a posted action: one place for every app's views."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from .forms import add_error_to_form, remember_failed_form
from .services import DomainError


def run_action(request, action, success_message, *, form=None) -> bool:
    """Run one service call; a refusal comes back as an error message on the page it came from
    and, when the call came from `form`, at the form's field with what was typed kept."""
    try:
        action()
    except (DomainError, ValidationError) as error:
        if form is not None:
            add_error_to_form(form, error)
            remember_failed_form(request, form)
        # A DomainError's message is ready to show; a ValidationError's `message` may still hold
        # its %(value)s placeholders (`messages` fills them in).
        text = error.message if isinstance(error, DomainError) else "; ".join(error.messages)
        messages.error(request, text)
        return False
    messages.success(request, success_message)
    return True


def report_form_errors(request, form) -> None:
    """A small form posted from a detail page failed validation: its errors come back as one
    message, each naming its field, and at their fields with what was typed (the page it came
    from shows the form bound again, recordsportal.forms.restore_failed_form)."""
    messages.error(request, error_summary(form))
    remember_failed_form(request, form)


def error_summary(form) -> str:
    """Every error of `form` in one line, each naming its field ("Số tờ: …")."""
    parts = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label or name) if name in form.fields else ""
        for error in errors:
            text = str(error)
            parts.append(text if not label or text.lower().startswith(label.lower()) else f"{label}: {text}")
    return " ".join(parts)


def query_without(querydict, *keys) -> str:
    """The current query string less some keys (pagination and sort links keep the filters)."""
    params = querydict.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
