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
