from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from recordsportal import backup_status

BROKER_TIMEOUT = 1.0  # seconds: a health probe must answer well within compose's 5 s timeout


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any database failure means "not ready"
        return f"error: {exc.__class__.__name__}"


def broker_state() -> str | None:
    """None without a broker (tasks run in-process); else "ok" or "error: <exception class>"."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://")):
        return "unchecked"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT)
    try:
        client.ping()
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    finally:
        client.close()


@never_cache
def health(request):
    """For the compose health check and the load balancer.

    The database decides: without it nothing works (503, the container is unhealthy). A broker
    outage only delays background jobs and pages still serve, so it is "degraded" with 200: a
    Redis restart must not make the proxy take every web container out of rotation.

    The last backup (`backup`, when one was run or BACKUP_MAX_AGE_HOURS expects one): its status
    and age; failed, damaged, too old or missing is "degraded", still 200 — the site serves, but
    whoever watches this must act (README, "Health")."""
    database = database_state()
    body = {"status": "ok", "database": database}
    broker = broker_state()
    if broker is not None:
        body["broker"] = broker
    backups = backup_status.summary()
    if backups is not None:
        body["backup"] = {key: backups[key] for key in ("status", "finished_at", "age_hours", "last_success_at",
                                                        "last_success_age_hours", "damaged") if key in backups}
    if database != "ok":
        body["status"] = "error"
        return JsonResponse(body, status=503)
    if broker not in (None, "ok", "unchecked") or (backups is not None and backups["status"] != backup_status.OK):
        body["status"] = "degraded"
    return JsonResponse(body)
