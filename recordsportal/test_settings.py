"""Settings for the test suite: the real settings, with test-only speedups."""

import os
import tempfile

from .settings import *  # noqa: F403
from .settings import DATABASES, STORAGES

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

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The test database is a file, not SQLite's shared in-memory database: a subprocess started
    # by a test (the logging and fault tests) must open the same data, and two threads saving
    # at once must wait for each other through the file lock (WAL, IMMEDIATE) rather than fail
    # with the shared cache's "database table is locked". One file per test process, so two
    # runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"recordsportal-test-{os.getpid()}.sqlite3"),
    }
