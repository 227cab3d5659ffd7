"""Who sees what: the one place every app asks.

Three scopes: the agency (administrators, leadership, Office staff), a department and the units
under it (its head), and one's own work (an officer). Each app's `visible_to(user)` builds on
`scope_filter`, so lists, exports, API and dashboard totals agree. Views guard themselves with
the helpers in `guards.py`, built on these rules.
"""

import enum
from collections.abc import Iterable

from django.db.models import Q

from .roles import AGENCY_WIDE_ROLES, Role


class Scope(enum.Enum):
    NONE = "none"
    OWN = "own"
    DEPARTMENT = "department"
    AGENCY = "agency"


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    if user.has_role(*AGENCY_WIDE_ROLES):
        return Scope.AGENCY
    if managed_department_paths(user):
        return Scope.DEPARTMENT
    return Scope.OWN


def managed_department_paths(user) -> list[str]:
    """Tree paths of the departments a user leads: the departments recorded with them as head,
    and their own department when they hold the department-head role."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_managed_department_paths", None)
    if cached is None:
        paths = set(user.headed_departments.filter(is_active=True).values_list("path", flat=True))
        if user.has_role(Role.DEPARTMENT_HEAD) and user.department_id:
            paths.add(user.department.path)
        # A department under another one already listed adds nothing.
        cached = sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))
        user._managed_department_paths = cached
    return cached


def scope_filter(user, *, department: str | None = "department", owners: Iterable[str] = ()) -> Q:
    """A Q object selecting the rows `user` may see.

    department: lookup from the row to its Department ("department", "lead_department"), or None
    when rows have no department. owners: lookups that hold the id of a user whose work the row
    is ("owner_id", "handlers__id"); the officer sees rows where any of them is the user.
    """
    scope = scope_of(user)
    if scope is Scope.AGENCY:
        return Q()
    if scope is Scope.NONE:
        return Q(pk__in=[])
    visible = Q(pk__in=[])
    for lookup in owners:
        visible |= Q(**{lookup: user.pk})
    if scope is Scope.DEPARTMENT and department:
        for path in managed_department_paths(user):
            visible |= Q(**{f"{department}__path__startswith": path})
    return visible
