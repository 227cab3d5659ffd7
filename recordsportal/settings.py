"""Settings for Records Portal, read from environment variables.

The embedded default (no DATABASE_URL, no CELERY_BROKER_URL) is a SQLite file and Celery tasks
run eagerly in-process, so a newcomer runs the portal with one command. Production sets
DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); see README.md for every variable.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY the development key is used; `check --deploy` refuses it (security.W009
# and our own recordsportal.E001), so production cannot start silently with it.
DEV_SECRET_KEY = "django-insecure-records-portal-development-only-key"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "recordsportal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "recordsportal.apps.PortalAxesConfig",  # django-axes, with a readable name in the admin
    "recordsportal",
    "documents",
    "dossiers",
    "backlog",
    "reports",
    "exchange",
    "notifications",
]

MIDDLEWARE = [
    # First: request id and one log line per request, timing everything below it.
    "recordsportal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "recordsportal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recordsportal.urls"
WSGI_APPLICATION = "recordsportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recordsportal.context_processors.portal",
                "notifications.context.unread",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL when DATABASE_URL is set -------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections, checked before each request's first query: after a PostgreSQL
    # restart the dead connection is replaced instead of failing the request
    # (tests/faults/test_postgres_restart.py).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiled the register queries on every request (+125–470 ms each on
        # 2M documents, bench/bench_documents.py); these short OLTP queries never gain from it.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
        # An unreachable database host (dropped packets, not a refused port) must fail the
        # request with the error page in seconds, not hold a web worker for the TCP timeout.
        DATABASES["default"]["OPTIONS"]["connect_timeout"] = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Several people at once on the embedded default: with Django's default deferred
            # transactions two writers fail with "database table is locked" instead of waiting.
            # IMMEDIATE takes the write lock at BEGIN, so the second writer waits (up to
            # `timeout` seconds) and then sees the first one's commit, as on PostgreSQL; WAL
            # lets readers go on during a write (tests/dossiers/test_concurrent_edits.py).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login and throttling ----------------------------------------------------------------
AUTH_USER_MODEL = "recordsportal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "recordsportal.backends.AdministratorRoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock a (username, IP) pair, not the IP alone: the whole agency sits behind one NAT address,
# and one person's typos must not lock out the Office. The lock lifts after the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front of the portal (the compose stack: 1). Login throttling and the request
# log take the client's address from the PROXY_COUNT-th X-Forwarded-For entry from the right,
# never from the client-written left part (recordsportal/proxies.py).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "recordsportal.proxies.client_ip"

# --- Sessions, cookies and security headers -------------------------------------------------------
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "recordsportal.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Cookies travel only over HTTPS outside development. Behind the agency's reverse proxy set
# USE_X_FORWARDED_PROTO=1 so Django knows the original request was HTTPS.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The browsers' HSTS preload list is for public domains; an intranet host can never be on it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("USE_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health endpoint is probed over plain HTTP inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Content-Security-Policy (django-csp): every asset is served by the portal itself, so nothing
# else is allowed. No inline script or style: templates load static/js and static/css instead,
# which leaves an injected <script> or style attribute inert. Bootstrap's CSS draws its icons
# (select arrow, close button) as data: SVG images, hence img-src data:. The Swagger UI page
# relaxes style-src for itself only (recordsportal/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Language, time zone and formats -------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# locale/: the portal's English. recordsportal/translations/: Vietnamese for the validation
# messages of DRF, django-filter and Django that their own catalogues lack, so the API answers in
# Vietnamese like the pages (after locale/, and outside it: `make messages` never touches it).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "recordsportal" / "translations"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# dd/mm/yyyy in both languages: the agency's documents use it whatever the interface language.
FORMAT_MODULE_PATH = ["recordsportal.formats"]

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Backups (`manage.py backup`, recorded in MEDIA_ROOT/.backup-status.json): /health/ and the admin
# home report a failed run, or no whole backup for longer than this many hours; 0 expects none
# (development). docker-compose.yml sets 26: a nightly backup, with some slack.
BACKUP_MAX_AGE_HOURS = int(os.environ.get("BACKUP_MAX_AGE_HOURS") or 0)

# --- Celery: eager in-process by default, Redis when CELERY_BROKER_URL is set ---------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# With acks_late alone a task whose worker child is killed is acknowledged and lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers unacknowledged tasks after the visibility timeout: keep it above the
# longest task, and the hard time limit below it, so a long task is never run twice at once.
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# The visibility timeout is also how long a task whose worker died (SIGKILL, OOM, power loss)
# waits before Redis gives it to another worker; the fault test shortens it to a few seconds
# (tests/faults/test_worker_killed.py). It must stay above CELERY_TASK_TIME_LIMIT.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 3600)))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A Redis that is down or unreachable must not hold a web request: give up quickly and let
    # recordsportal.queueing tell the user (tests/faults/test_redis_down.py).
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "max_retries": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10, "retry_policy": {"max_retries": 1}}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing from a web request: two quick retries (a Redis restart, a dropped connection), then
# the caller is told; never the default 100 connection retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# When the worker loses Redis, a running acks_late task could no longer be acknowledged and would
# come back after the visibility timeout while still running: cancel it, it is redelivered and,
# being an idempotent upsert, simply runs again (Celery 6's default; silences its warning).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # The books of a month close on the 1st of the next; the current month refreshes nightly.
    # Each computation detects that month's violations right after it.
    "compliance-previous-month": {
        "task": "reports.compute_previous_month",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
    "compliance-current-month": {"task": "reports.compute_month", "schedule": crontab(minute=0, hour=2)},
    # A month's figures freeze on REPORTS_MONTH_CLOSE_DAY of the next month unless the Office
    # closed it earlier (reports/months.py); later recomputations are candidates to accept.
    "compliance-close-months": {"task": "reports.close_due_months", "schedule": crontab(minute=0, hour=3)},
    # Mondays: heads whose department is below target, in the last two weeks of the month (reports/nudges.py).
    "compliance-head-digests": {"task": "reports.head_digests", "schedule": crontab(minute=30, hour=7, day_of_week=1)},
    # Backlog inventories: record late/missing departments once a deadline has passed (before the
    # compliance run reads them), and remind heads 7 days and 1 day before a deadline.
    "backlog-daily": {"task": "backlog.daily", "schedule": crontab(minute=30, hour=0)},
    # Dossiers: tell each officer, once, of the dossiers falling due for the archive within 30 days.
    "dossiers-due-notices": {"task": "dossiers.notify_due_soon", "schedule": crontab(minute=30, hour=6)},
    # edXML exchange: receive the packages a connector dropped into EDXML_INBOX_DIR.
    "exchange-scan-inbox": {"task": "exchange.scan_inbox", "schedule": crontab(minute="*/5")},
    # Incoming and internal documents due within DOCUMENT_DUE_SOON_DAYS or overdue: the handling
    # officers and their heads are notified (once per document and deadline), before the digest.
    "documents-deadline-reminders": {"task": "documents.deadline_reminders", "schedule": crontab(minute=0, hour=6)},
    # Notifications by e-mail: the daily digest for those who chose it, and every few minutes
    # the immediate e-mails whose task was never queued (a broker outage loses none).
    "notifications-digest": {"task": "notifications.send_digests", "schedule": crontab(minute=0, hour=7)},
    "notifications-pending": {"task": "notifications.send_pending", "schedule": crontab(minute="*/10")},
    # Exports written by a task are kept EXPORT_KEEP_HOURS, then removed with their files.
    "exports-clean": {"task": "recordsportal.clean_exports", "schedule": crontab(minute=15)},
}
# edXML exchange (QCVN 102:2016): the folder a connector drops received packages into, and the
# folder the portal writes outbound packages (documents, statuses) to; empty: API only. Caps and
# limits: exchange/conf.py (EDXML_MAX_PACKAGE_BYTES, EDXML_MAX_ATTACHMENTS, ...).
EDXML_INBOX_DIR = os.environ.get("EDXML_INBOX_DIR", "")
EDXML_OUTBOX_DIR = os.environ.get("EDXML_OUTBOX_DIR", "")
# Confidential documents may not be exchanged electronically (Decision 28/2018): leave them out
# of E and show their count beside it, so no department is penalised for obeying the law.
COMPLIANCE_EXCLUDE_CONFIDENTIAL = env_bool("COMPLIANCE_EXCLUDE_CONFIDENTIAL", True)
# The day of the next month on which a month's figures close themselves (the Office may close earlier).
REPORTS_MONTH_CLOSE_DAY = int(os.environ.get("REPORTS_MONTH_CLOSE_DAY", "10"))
# The oldest year the portal accepts in a date (a document's date, an arrival, a dossier's
# opening, an imported register, a report period): earlier is a typing error (01/01/0001).
# Lower it to import older registers. See recordsportal/dates.py.
RECORDS_FIRST_YEAR = int(os.environ.get("RECORDS_FIRST_YEAR") or 1990)

# Days before a document's handling deadline that its handlers are told it is due (issue 15).
DOCUMENT_DUE_SOON_DAYS = int(os.environ.get("DOCUMENT_DUE_SOON_DAYS") or 3)

# Excel exports above this many rows are written by a Celery task, the page showing progress and
# then a download link (recordsportal/exports.py); up to it, in the request as before. The files
# belong to the person who asked and are removed after EXPORT_KEEP_HOURS.
EXPORT_TASK_THRESHOLD = int(os.environ.get("EXPORT_TASK_THRESHOLD") or 5000)
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS") or 24)

# --- Email (reminders) ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "records-portal@localhost")
# The portal's address as users reach it (https://portal.bql.example.vn): e-mails are read outside
# any request, so their links need it; `check --deploy` refuses a production without it.
SITE_URL = os.environ.get("SITE_URL", "" if not DEBUG else "http://127.0.0.1:8000").rstrip("/")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "recordsportal.api.exceptions.portal_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Records Portal API",
    "DESCRIPTION": "Documents, dossiers, backlog inventories and compliance figures.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every endpoint of the agency's data: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the app's own static files: the intranet has no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several fields get one stable name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "documents.choices.Kind",
        "DocumentFormEnum": "documents.choices.Form",
        "DepartmentKindEnum": "recordsportal.models.Department.Kind",
    },
}

# --- Logging: one line per event on stderr, for the container log collector -------------------------
# JSON in production (LOG_FORMAT=json, the default when DEBUG is off), plain text in development.
# Every line carries request_id during a request (recordsportal/request_log.py), task_id and
# task_name inside a Celery task; the request log adds method, path, status, duration_ms, user_id.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
# Python warnings become log records too, so production stderr stays one JSON object per line.
logging.captureWarnings(True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "recordsportal.request_log.ContextFilter"}},
    "formatters": {
        "plain": {
            "()": "logging.Formatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
            "json_ensure_ascii": False,  # Vietnamese stays readable in the collector
            # django.request attaches the request, whose repr has the query string (searches may
            # hold personal data); request_id and the request line identify it instead.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's own access line repeats recordsportal.requests in development.
        "django.server": {"level": "WARNING"},
        # axes logs every login at INFO; keep failures and lockouts (WARNING) only.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pyHanko logs a WARNING with a traceback for every signature it cannot verify; the
        # portal records that outcome on the attachment (documents/signatures.py) instead.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}
