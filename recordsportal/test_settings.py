"""Settings for the test suite: the real settings, with test-only speedups."""

from .settings import *  # noqa: F403
from .settings import STORAGES

# Tests do not run collectstatic: serve static files unhashed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The real hasher makes each login ~0.3 s; the suite logs in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "https://portal.test"
SECURE_SSL_REDIRECT = False
# The browser tests talk plain HTTP to the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run in-process in unit tests; the integration tests start a real worker on the broker
# (CELERY_BROKER_URL) and switch eager mode off for their duration.
CELERY_TASK_ALWAYS_EAGER = True
