"""Request ids and one log line per request; the context every log record carries.

The reverse proxy's `X-Request-ID` (or a new one) is kept in a context variable for the length of
the request, returned in the response header, and added to every log record by `ContextFilter`,
so one id finds the proxy's line, ours and any error in between. Inside a Celery task the filter
adds the task's id and name instead.

LOGGING (settings.py) imports this module when Django configures logging, in web, worker and beat
processes alike; it must not import models.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery import signals
from celery._state import get_current_task
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import empty

from .proxies import client_ip

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
logger = logging.getLogger("recordsportal.requests")

HEADER = "X-Request-ID"
# Anything else from the outside is replaced: the id is written into every log line.
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
QUIET_PATHS = {"/health/"}  # probed every few seconds by compose and the load balancer


def current_request_id() -> str | None:
    return request_id_var.get()


class ContextFilter(logging.Filter):
    """Adds request_id (web) or task_id/task_name (Celery) to every record that passes."""

    def filter(self, record):
        request_id = request_id_var.get()
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        if not hasattr(record, "task_id"):
            task = get_current_task()
            if task is not None and task.request.id:
                record.task_id = task.request.id
                record.task_name = task.name
        return True


def _user_id(request):
    # Only a user the view already loaded: evaluating the lazy user here would cost a session and
    # a user query on pages that never needed them.
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """First in MIDDLEWARE: times the whole request and logs it once (gunicorn's access log is
    off in docker-compose.yml, so each request is one line)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared by request_finished, not here: Django logs a 4xx/5xx response (django.request)
        # after the middleware chain has returned, and that line must carry the id as well.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        if request.path in QUIET_PATHS and status < 400:
            level = logging.DEBUG
        fields = {
            "method": request.method,
            "path": request.path,  # never the query string: searches may hold personal data
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
            # Behind PROXY_COUNT proxies: the address the nearest trusted proxy saw, as axes uses.
            "client_ip": client_ip(request),
            "request_id": request_id,
        }
        logger.log(level, "%s %s %s", request.method, request.path, status, extra=fields)
        return response


@receiver(request_finished)
def forget_request_id(**kwargs):
    request_id_var.set(None)


@signals.setup_logging.connect
def keep_django_logging(**kwargs):
    """Celery configures its own plain-text logging unless someone answers this signal; Django's
    LOGGING (JSON in production) already did the job, in worker and beat alike."""
