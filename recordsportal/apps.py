from django.apps import AppConfig
from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_role_groups(sender, using="default", **kwargs):
    """One group per role. Run after every migrate and flush (as Django does for permissions),
    so the roles exist on a new database and after a test flushes the tables."""
    from django.contrib.auth.models import Group

    from .roles import Role

    for code in Role.values:
        Group.objects.using(using).get_or_create(name=code)


class RecordsPortalConfig(AppConfig):
    default = True
    name = "recordsportal"
    verbose_name = _("Tổ chức và người dùng")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
        from . import lookups

        lookups.register()  # integer lookups beyond the database's range match nothing (no 500)

        post_migrate.connect(create_role_groups, sender=self, dispatch_uid="recordsportal.create_role_groups")

        from django.db.backends.signals import connection_created

        from .names import register_sqlite_collation

        # Names in Vietnamese order on SQLite too (PostgreSQL has the ICU collation): names.py.
        connection_created.connect(register_sqlite_collation, dispatch_uid="recordsportal.vi_collation")


class PortalAxesConfig(AxesAppConfig):
    """django-axes under a name people read: the admin listed its tables as "AXES: Access
    attempts" (the package's name), in both languages (issue 17)."""

    default = False
    verbose_name = _("Đăng nhập: lượt thử và khóa tài khoản")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "recordsportal.admin_site.PortalAdminSite"
