"""A real Celery worker, on Redis, computes a month and writes its snapshots to the database."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from documents.choices import Form
from reports.models import Snapshot

from ..conftest import require

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def database_url_for_worker() -> str:
    """The worker must write where this test reads: the test database."""
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}")


def test_worker_computes_a_month_idempotently(agency, make_document, redis_url):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 3, 12), form=form)

    env = {**os.environ, "CELERY_BROKER_URL": redis_url, "DATABASE_URL": database_url_for_worker(),
           "DJANGO_SETTINGS_MODULE": "recordsportal.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "recordsportal", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-Q", "portal-test-reports", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    from recordsportal.celery import app
    from reports.tasks import compute_month_task

    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        for _ in range(2):  # twice: the second run must change nothing
            result = compute_month_task.apply_async(args=["2026-03-01"], queue="portal-test-reports")
            assert result.get(timeout=60)["month"] == "2026-03-01"
        snapshot = Snapshot.objects.get(metric="E", scope_key=f"department:{agency.dept_a.pk}", month=datetime.date(2026, 3, 1))
        assert (snapshot.numerator, snapshot.denominator) == (2, 3)
        assert Snapshot.objects.filter(month=datetime.date(2026, 3, 1), metric="E").count() == 3
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
