"""Who may do what to one document, in its current state. The services refuse with these
rules and the detail page offers a button only when they allow it, so the two never disagree."""

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
