"""What every dossier page shares, from the portal's one implementation."""

from recordsportal.actions import query_without as without  # noqa: F401
from recordsportal.actions import report_form_errors as form_errors  # noqa: F401
from recordsportal.actions import run_action as run  # noqa: F401
