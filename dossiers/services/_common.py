"""Helpers shared by the dossier services."""

import re


from recordsportal.services import DomainError


NUMBER_SYMBOL_RE = re.compile(r"^\d{1,4}\.[0-9A-ZĐ-]{1,20}$")


def _refuse(problems: list[str], field: str | None = None):
    if problems:
        raise DomainError(" ".join(problems), field=field)


def _save(instance, acting_user, **kwargs):
    instance.full_clean(**kwargs)
    instance._history_user = acting_user
    instance.save()
    return instance


def _history(instances, acting_user):
    """Audit rows for rows changed by one UPDATE statement (batch submit/receive)."""
    if instances:
        type(instances[0]).history.bulk_history_create(instances, update=True, default_user=acting_user)
