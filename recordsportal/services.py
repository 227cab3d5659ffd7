"""Write rules for the organisation: one function per action, each in one transaction.

The audit trail (django-simple-history) records every change; outside a request the acting user
is passed explicitly so the history row names who did it.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from . import audit
from .models import Agency, Department, RoleGrant, User
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


def _check_roles(roles: Iterable[str]) -> set[str]:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise DomainError(f"Vai trò không hợp lệ: {', '.join(sorted(unknown))}", field="roles")
    return wanted


def role_grants_record(*, acting_user: User | None, user: User, before: Iterable[str], after: Iterable[str]) -> None:
    """One RoleGrant row per role given or taken (also called by the Django admin's user form)."""
    before, after = set(before) & set(Role.values), set(after) & set(Role.values)
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role, granted=True, acting_user=acting_user) for role in sorted(after - before)]
        + [RoleGrant(user=user, role=role, granted=False, acting_user=acting_user) for role in sorted(before - after)]
    )


def _set_roles(acting_user: User | None, user: User, wanted: set[str]) -> None:
    before = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in groups if g.name not in wanted])
    user.groups.add(*[g for g in groups if g.name in wanted])
    role_grants_record(acting_user=acting_user, user=user, before=before, after=wanted)
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
    wanted = _check_roles(roles)
    # The Django admin's login form asks for is_staff: it follows the administrator role (set
    # before the save, so the one history row holds it).
    user.is_staff = Role.ADMIN in wanted
    user.full_clean()
    audit.save(user, acting_user=acting_user)
    _set_roles(acting_user, user, wanted)
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
    wanted = _check_roles(roles) if roles is not None else None
    if wanted is not None:
        user.is_staff = Role.ADMIN in wanted
    user.full_clean()
    audit.save(user, acting_user=acting_user)
    if wanted is not None:
        _set_roles(acting_user, user, wanted)
    return user


@transaction.atomic
def agency_update(*, acting_user: User | None, **fields) -> Agency:
    agency = Agency.load()
    delegates = fields.pop("retention_delegates", None)  # many-to-many: set after the row is saved
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.full_clean()
    audit.save(agency, acting_user=acting_user)
    if delegates is not None:
        agency.retention_delegates.set(delegates)
    return agency


@transaction.atomic
def department_save(*, acting_user: User | None, department: Department) -> Department:
    department.full_clean()
    audit.save(department, acting_user=acting_user)
    return department
