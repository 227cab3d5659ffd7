from celery import shared_task
from django.db import DatabaseError


@shared_task(name="recordsportal.ping")
def ping() -> str:
    """Answers "pong": lets operations (and the integration tests) see that a worker is consuming."""
    return "pong"


@shared_task(name="recordsportal.run_export", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=10,
             max_retries=5)
def run_export(job_id: int) -> str:
    """Write an export too large for a web request (recordsportal/exports.py). Runs twice without
    harm: a finished job is left alone, an unfinished one is written again from the start."""
    from .exports import export_run

    job = export_run(job_id=job_id)
    return job.state if job is not None else "missing"


@shared_task(name="recordsportal.clean_exports")
def clean_exports() -> int:
    """Hourly: remove the exports (rows and files) older than EXPORT_KEEP_HOURS."""
    from .exports import exports_clean

    return exports_clean()
