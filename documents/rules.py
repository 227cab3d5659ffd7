"""Who may do what to one document, in its current state. The services refuse with these
rules and the detail page offers a button only when they allow it, so the two never disagree."""

import datetime

from django.utils.translation import gettext as _

from recordsportal.dates import date_problem
from recordsportal.roles import Role

from .choices import Direction, Status


def is_handler(user, document) -> bool:
    """The lead officer, a co-handler, or the head of the lead department."""
    if document.officer_id == user.pk:
        return True
    if document.department_id and document.department.head_id == user.pk:
        return True
    return document.co_handlers.filter(pk=user.pk).exists()


def can_submit(user, document) -> bool:
    return user.has_role(Role.OFFICE) and document.direction == Direction.INCOMING and document.status == Status.REGISTERED


def can_assign(user, document) -> bool:
    return user.has_role(Role.LEADERSHIP) and document.direction == Direction.INCOMING and document.status != Status.DONE


def can_record_progress(user, document) -> bool:
    return document.status in (Status.ASSIGNED, Status.IN_PROGRESS) and is_handler(user, document)


can_complete = can_record_progress


def can_attach(user, document) -> bool:
    return user.has_role(Role.OFFICE) or document.created_by_id == user.pk or (
        document.status in (Status.ASSIGNED, Status.IN_PROGRESS) and is_handler(user, document)
    )


def can_delete(user, document) -> bool:
    return user.has_role(Role.OFFICE) and not document.is_deleted


def available_actions(user, document) -> set[str]:
    checks = {
        "submit": can_submit,
        "assign": can_assign,
        "progress": can_record_progress,
        "complete": can_complete,
        "attach": can_attach,
        "delete": can_delete,
    }
    return {name for name, check in checks.items() if check(user, document)}

# --- dates -------------------------------------------------------------------------------------


def incoming_date_problems(*, document_date: datetime.date | None,
                           arrival_date: datetime.date | None) -> dict[str, str]:
    """Why an incoming document's dates cannot be registered, by field (`document_date`,
    `arrival_date`), as fragments (recordsportal/dates.py). One rule for the form, the API, the
    service and the register import.

    Both dates lie between RECORDS_FIRST_YEAR and today, and the document is dated on or before
    its arrival. The register year is the arrival's year (Decree 30/2020, Appendix II: arrival
    numbers run from 01 on the first day of the year to 31/12, in the order documents are
    registered). So a future arrival is refused — it would take a number of next year's
    register — while a back-dated arrival of this year or an earlier one is legitimate (a
    document registered late) and takes the next number of its own year's register."""
    problems = {}
    for field, value, label in (("arrival_date", arrival_date, _("ngày đến")),
                                ("document_date", document_date, _("ngày văn bản"))):
        problem = date_problem(value, label=label)
        if problem:
            problems[field] = problem
    if not problems and document_date and arrival_date and document_date > arrival_date:
        problems["document_date"] = _("ngày văn bản %(date)s sau ngày đến %(arrival)s") % {
            "date": document_date.strftime("%d/%m/%Y"), "arrival": arrival_date.strftime("%d/%m/%Y")}
    return problems


def issue_date_problem(issue_date: datetime.date | None) -> str | None:
    """Why an outgoing (or internal) document cannot be issued on `issue_date`: it is numbered in
    the register of that year, so it is not after today nor before RECORDS_FIRST_YEAR."""
    return date_problem(issue_date, label=_("ngày ban hành"))
