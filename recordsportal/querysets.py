"""Read rules for the organisation: departments and users."""

from django.db import models

from .access import scope_filter


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subtree_of(self, department):
        """The department and every unit under it."""
        return self.filter(path__startswith=department.path)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People whose work `user` may see: everyone for the agency-wide roles, the department
        (and its units) for a head, oneself for an officer."""
        return self.filter(scope_filter(user, department="department", owners=["pk"]))

    def with_role(self, role: str):
        return self.filter(groups__name=role)
