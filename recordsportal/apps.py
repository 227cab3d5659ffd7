from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RecordsPortalConfig(AppConfig):
    default = True
    name = "recordsportal"
    verbose_name = _("Tổ chức và người dùng")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "recordsportal.admin_site.PortalAdminSite"
