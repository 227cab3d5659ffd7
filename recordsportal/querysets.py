"""Read rules for the organisation: departments and users."""

from django.db import models

from django.db.models import Q

from .access import managed_department_paths, scope_filter


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subtree_of(self, department):
        """The department and every unit under it."""
        return self.filter(path__startswith=department.path)

    def under_paths(self, paths):
        """The departments at or under any of the given tree paths."""
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(path__startswith=path)
        return self.filter(under)

    def led_by(self, user):
        """The departments `user` leads and every unit under them (none for a non-head)."""
        return self.under_paths(managed_department_paths(user))

    def visible_to(self, user):
        """The active departments whose work `user` may see: every one for the agency-wide
        roles, those a head leads (with their units), none for anyone else. The dashboard, its
        drill-down and the dossier filters all ask this."""
        from .access import Scope, scope_of

        departments = self.active()
        return departments if scope_of(user) is Scope.AGENCY else departments.led_by(user)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People whose work `user` may see: everyone for the agency-wide roles, the department
        (and its units) for a head, oneself for an officer."""
        return self.filter(scope_filter(user, department="department", owners=["pk"]))

    def with_role(self, role: str):
        return self.filter(groups__name=role)

    def heads_of(self, department):
        """Who leads `department`: its recorded head and the active members holding the
        department-head role in it (deputies). Work sent to a department reaches them."""
        from .roles import Role

        heads = Q(headed_departments=department) | Q(department=department, groups__name=Role.DEPARTMENT_HEAD)
        return self.filter(heads, is_active=True).distinct().order_by("pk")
