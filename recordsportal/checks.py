from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    from .settings import DEV_SECRET_KEY

    if settings.SECRET_KEY == DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="recordsportal.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def production_database(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [
            Error(
                "The embedded SQLite database is for a first run, not for production.",
                hint="Set DATABASE_URL to the PostgreSQL database.",
                id="recordsportal.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_for_links(app_configs, **kwargs):
    if not settings.SITE_URL.startswith(("https://", "http://")):
        return [
            Error(
                "SITE_URL is not set: links in reminder e-mails would not open.",
                hint="Set SITE_URL to the address users open the portal at, e.g. https://portal.bql.example.vn.",
                id="recordsportal.E003",
            )
        ]
    return []
