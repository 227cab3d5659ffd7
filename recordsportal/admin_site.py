from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .roles import Role


class PortalAdminSite(admin.AdminSite):
    site_header = _("Quản trị Cổng hồ sơ")
    site_title = _("Quản trị Cổng hồ sơ")
    index_title = _("Quản trị hệ thống")
    # Django's index with the state of the last backup above the models (admin/portal_index.html).
    index_template = "admin/portal_index.html"

    def index(self, request, extra_context=None):
        from . import backup_status

        return super().index(request, {**(extra_context or {}), "backup": backup_status.summary()})

    def has_permission(self, request):
        # Only the administrator role: is_staff alone (set by hand in a shell) is not enough.
        user = request.user
        return user.is_active and user.is_authenticated and user.has_role(Role.ADMIN)
