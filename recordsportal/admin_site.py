from functools import cache

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

from .roles import Role


class _OutOfRangeIsIncorrect:
    """Django refuses a date-hierarchy link to an impossible date (month 13) as "incorrect
    lookup" (the list with "?e=1"), but a year beyond any date (`?attempt_time__year=1e20`) or the
    day after 31/12/9999 raised OverflowError, a 500: the same answer for both."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


@cache
def _safe_changelist(changelist_class):
    return type(changelist_class.__name__, (_OutOfRangeIsIncorrect, changelist_class), {})


class PortalAdminSite(admin.AdminSite):
    site_header = _("Quản trị Cổng hồ sơ")
    site_title = _("Quản trị Cổng hồ sơ")
    index_title = _("Quản trị hệ thống")
    # Django's index with the state of the last backup above the models (admin/portal_index.html).
    index_template = "admin/portal_index.html"

    def index(self, request, extra_context=None):
        from . import backup_status

        return super().index(request, {**(extra_context or {}), "backup": backup_status.summary()})

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin of the site, the portal's and the packages' (axes), lists with
        `_OutOfRangeIsIncorrect`, whatever ChangeList class it uses."""
        super().register(model_or_iterable, admin_class, **options)
        for model_admin in self._registry.values():
            if not getattr(model_admin, "_portal_safe_changelist", False):
                original = model_admin.get_changelist
                model_admin.get_changelist = lambda request, _original=original, **kw: _safe_changelist(
                    _original(request, **kw))
                model_admin._portal_safe_changelist = True

    def has_permission(self, request):
        # Only the administrator role: is_staff alone (set by hand in a shell) is not enough.
        user = request.user
        return user.is_active and user.is_authenticated and user.has_role(Role.ADMIN)
