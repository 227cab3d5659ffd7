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


# Django's own security.W009 only warns about a short key, and `check --deploy` exits 0 on a
# warning: `SECRET_KEY=x` would go to production. The same thresholds, as an error.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


@register(Tags.security, deploy=True)
def secret_key_strength(app_configs, **kwargs):
    from .settings import DEV_SECRET_KEY

    key = settings.SECRET_KEY or ""
    if key == DEV_SECRET_KEY:  # E001 already says so
        return []
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS \
            or key.startswith("django-insecure-"):
        return [
            Error(
                f"SECRET_KEY is too weak ({len(key)} characters, {len(set(key))} distinct): it signs "
                "sessions and password-reset links.",
                hint=f"Use at least {SECRET_KEY_MIN_LENGTH} random characters: "
                "python3 -c \"import secrets; print(secrets.token_urlsafe(50))\".",
                id="recordsportal.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def allowed_hosts_named(app_configs, **kwargs):
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "ALLOWED_HOSTS contains '*': any Host header is accepted (password-reset and e-mail "
                "links can be pointed at another site).",
                hint="List the portal's host names, e.g. ALLOWED_HOSTS=portal.bql.example.vn.",
                id="recordsportal.E005",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs, **kwargs):
    if settings.SITE_URL.startswith("http://"):
        return [
            Error(
                "SITE_URL is plain http://: the links in e-mails would send users (and their session "
                "cookies, which are HTTPS-only) to an unencrypted address.",
                hint="Set SITE_URL to the https:// address of the reverse proxy.",
                id="recordsportal.E006",
            )
        ]
    return []
