"""What every dossier page shares: run one service and turn a refusal into a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from recordsportal.services import DomainError


def run(request, action, success_message) -> bool:
    """Run one service; a refusal comes back as an error message on the page it came from."""
    try:
        action()
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
        return False
    messages.success(request, success_message)
    return True


def form_errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def without(querydict, *keys) -> str:
    params = querydict.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
