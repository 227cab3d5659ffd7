"""The five roles of the portal.

A role is a Django group (created by migration 0002) whose name is the role's code; a user may
hold several (the Chief of the Office is a department head and Office staff). Code asks
`user.has_role(Role.OFFICE)`, never a username.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ, công chức")
    DEPARTMENT_HEAD = "department_head", _("Trưởng phòng / Thủ trưởng đơn vị")
    OFFICE = "office", _("Văn thư, lưu trữ (Văn phòng)")
    LEADERSHIP = "leadership", _("Lãnh đạo Ban")
    ADMIN = "admin", _("Quản trị hệ thống")


# Which home page a user with several roles lands on: the broadest role wins.
ROLE_PRECEDENCE = [Role.ADMIN, Role.LEADERSHIP, Role.OFFICE, Role.DEPARTMENT_HEAD, Role.OFFICER]

# Roles that see the whole agency; a department head sees their department (and its sub-units);
# an officer sees their own work.
AGENCY_WIDE_ROLES = frozenset({Role.ADMIN, Role.LEADERSHIP, Role.OFFICE})
