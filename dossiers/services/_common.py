"""Helpers shared by the dossier services."""

import re


from recordsportal import audit
from recordsportal.services import DomainError


NUMBER_SYMBOL_RE = re.compile(r"^\d{1,4}\.[0-9A-ZĐ-]{1,20}$")


def _refuse(problems: list[str], field: str | None = None):
    if problems:
        raise DomainError(" ".join(problems), field=field)


def _save(instance, acting_user, **kwargs):
    """Validate, then save with its history row (recordsportal/audit.py)."""
    instance.full_clean(**kwargs)
    return audit.save(instance, acting_user=acting_user)
