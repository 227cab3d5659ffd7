from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BacklogConfig(AppConfig):
    name = "backlog"
    verbose_name = _("Tài liệu tồn đọng")
