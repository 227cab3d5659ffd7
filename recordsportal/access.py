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


def leads(user, department) -> bool:
    """`user` heads `department` or a department above it (a head and their deputies: the
    department-head role in that department). The one rule documents and dossiers ask."""
    return department is not None and any(department.path.startswith(p) for p in managed_department_paths(user))


def managed_department_ids(user) -> list[int]:
    """Ids of the departments `user` leads and of every unit under them, looked up once per user
    object (one query on the small department table; none for someone who leads nothing)."""
    cached = getattr(user, "_managed_department_ids", None)
    if cached is None:
        from .models import Department

        paths = managed_department_paths(user)
        cached = list(Department.objects.under_paths(paths).values_list("pk", flat=True)) if paths else []
        if getattr(user, "is_authenticated", False):
            user._managed_department_ids = cached
    return cached


def scope_filter(user, *, department: str | None = "department", owners: Iterable[str] = ()) -> Q:
    """A Q object selecting the rows `user` may see.

    department: lookup from the row to its Department ("department", "inventory__department"),
    or None when rows have no department. owners: lookups that hold the id of a user whose work
    the row is ("officer_id", "pk"); the officer sees rows where any of them is the user.

    A head's departments are matched by id (`<department> IN (1, 4, 7)`, the ids of
    `managed_department_ids`), not by joining the department table on `path LIKE '/2/%'`: the
    row's own department column is then an index condition (at 500,000 dossiers the department
    list went from seconds to milliseconds).
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
        visible |= Q(**{f"{department}__in": managed_department_ids(user)})
    return visible
