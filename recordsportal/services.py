"""Write rules for the organisation: one function per action, each in one transaction.

The audit trail (django-simple-history) records every change; outside a request the acting user
is passed explicitly so the history row names who did it.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Agency, Department, User
from .roles import Role


class DomainError(Exception):
    """A business rule refused an action. The message is shown to the user as it is."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class EditConflict(DomainError):
    """Someone else saved the record after this user loaded it (optimistic locking): the second
    save is refused instead of silently overwriting the first."""


def edit_conflict_message(record_label: str, last_change) -> str:
    """'Hồ sơ này vừa được Nguyễn Văn A sửa lúc 09:15 25/11/2026 …' from the newest history row."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    who = last_change.history_user if last_change is not None else None
    if who is not None:
        when = timezone.localtime(last_change.history_date).strftime("%H:%M %d/%m/%Y")
        return _("%(record)s vừa được %(who)s sửa lúc %(when)s, sau khi bạn mở trang. Nội dung bạn nhập vẫn "
                 "còn trong ô sửa; hãy xem thông tin mới rồi lưu lại nếu vẫn muốn thay đổi.") % {
            "record": record_label, "who": who.get_full_name() or who.get_username(), "when": when}
    return _("%(record)s vừa được người khác sửa sau khi bạn mở trang. Nội dung bạn nhập vẫn còn trong ô "
             "sửa; hãy xem thông tin mới rồi lưu lại nếu vẫn muốn thay đổi.") % {"record": record_label}


def _attach_actor(instance, acting_user):
    # simple-history reads the author from the request; services also run from commands and tasks.
    instance._history_user = acting_user
    return instance


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise DomainError(f"Vai trò không hợp lệ: {', '.join(sorted(unknown))}", field="roles")
    groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in groups if g.name not in wanted])
    user.groups.add(*[g for g in groups if g.name in wanted])
    # The Django admin's login form asks for is_staff: it follows the administrator role.
    if user.is_staff != (Role.ADMIN in wanted):
        user.is_staff = Role.ADMIN in wanted
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    full_name: str,
    department: Department | None,
    roles: Iterable[str],
    position: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    user = User(username=username, full_name=full_name, department=department, position=position, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    _attach_actor(user, acting_user).save()
    _set_roles(user, roles)
    return user


@transaction.atomic
def user_update(
    *,
    acting_user: User | None,
    user: User,
    roles: Iterable[str] | None = None,
    password: str | None = None,
    **fields,
) -> User:
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.full_clean()
    _attach_actor(user, acting_user).save()
    if roles is not None:
        _set_roles(user, roles)
    return user


@transaction.atomic
def agency_update(*, acting_user: User | None, **fields) -> Agency:
    agency = Agency.load()
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.full_clean()
    _attach_actor(agency, acting_user).save()
    return agency


@transaction.atomic
def department_save(*, acting_user: User | None, department: Department) -> Department:
    department.full_clean()
    _attach_actor(department, acting_user).save()
    return department
