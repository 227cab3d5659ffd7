"""Absolute links for messages read outside a request (e-mails)."""

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args) -> str:
    """The full address of a page, from SITE_URL (checked by `check --deploy`)."""
    return settings.SITE_URL + reverse(viewname, args=args)
