"""How a page reports the outcome of a posted action: one place for every app's views."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from .services import DomainError


def run_action(request, action, success_message) -> bool:
    """Run one service call; a refusal comes back as an error message on the page it came from."""
    try:
        action()
    except (DomainError, ValidationError) as error:
        # A DomainError's message is ready to show; a ValidationError's `message` may still hold
        # its %(value)s placeholders (`messages` fills them in).
        text = error.message if isinstance(error, DomainError) else "; ".join(error.messages)
        messages.error(request, text)
        return False
    messages.success(request, success_message)
    return True


def report_form_errors(request, form) -> None:
    """A small form posted from a detail page: its errors come back as one message."""
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def query_without(querydict, *keys) -> str:
    """The current query string less some keys (pagination and sort links keep the filters)."""
    params = querydict.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
