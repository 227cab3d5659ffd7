from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Liên thông văn bản (edXML)")

    def ready(self):
        # Registering, assigning and completing a received document send a status package back
        # to its sender: follow the documents app's events (documents/events.py).
        from . import receivers  # noqa: F401
