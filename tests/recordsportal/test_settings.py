"""Settings come from the environment: embedded defaults without it, PostgreSQL/Redis with it."""

import json
import secrets

import pytest

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
    "debug": settings.DEBUG,
}))
"""

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "recordsportal.settings",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "portal.bql.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://portal.bql.example.vn",
    "SITE_URL": "https://portal.bql.example.vn",
}


def test_it_uses_sqlite_and_eager_celery_without_environment(run_python):
    result = run_python(SHOW_SETTINGS, {"DJANGO_SETTINGS_MODULE": "recordsportal.settings"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["eager"] is True
    assert values["language"] == "vi"
    assert values["time_zone"] == "Asia/Ho_Chi_Minh"
    assert values["debug"] is False


def test_it_uses_postgresql_and_redis_from_environment(run_python):
    result = run_python(SHOW_SETTINGS, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "portal"
    assert values["eager"] is False
    assert values["broker"] == "redis://redis.internal:6379/0"


def test_check_deploy_passes_with_production_variables(run_python):
    result = run_python("", PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "error_id"),
    [("SECRET_KEY", "recordsportal.E001"), ("DATABASE_URL", "recordsportal.E002"), ("SITE_URL", "recordsportal.E003")],
)
def test_check_deploy_refuses_development_defaults(run_python, missing, error_id):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_python("", env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert error_id in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "error_id"),
    [
        ("SECRET_KEY", "x", "recordsportal.E004"),
        ("SECRET_KEY", "a" * 60, "recordsportal.E004"),  # long, but 1 distinct character
        ("ALLOWED_HOSTS", "*", "recordsportal.E005"),
        ("ALLOWED_HOSTS", "portal.bql.example.vn,*", "recordsportal.E005"),
        ("SITE_URL", "http://portal.bql.example.vn", "recordsportal.E006"),
    ],
)
def test_check_deploy_makes_errors_of_weak_production_values(run_python, variable, value, error_id):
    # Errors, not warnings: `check --deploy` without --fail-level (exit on ERROR) must fail.
    result = run_python("", {**PRODUCTION_ENV, variable: value}, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert error_id in result.stderr + result.stdout


def test_dates_are_written_day_month_year():
    import datetime

    from django.utils import formats, translation

    for language in ("vi", "en"):
        with translation.override(language):
            assert formats.date_format(datetime.date(2021, 7, 30), "SHORT_DATE_FORMAT") == "30/07/2021"
            assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
