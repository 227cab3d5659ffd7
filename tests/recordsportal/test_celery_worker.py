"""A real Celery worker against Redis runs a task sent by the portal."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker(redis_url):
    env = {**os.environ, "CELERY_BROKER_URL": redis_url, "DJANGO_SETTINGS_MODULE": "recordsportal.settings"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "recordsportal", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-Q", "portal-test", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_worker_consumes_a_task_from_redis(celery_worker, redis_url):
    from recordsportal.celery import app
    from recordsportal.tasks import ping

    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        started = time.monotonic()
        result = ping.apply_async(queue="portal-test")
        assert result.get(timeout=30) == "pong"
        assert time.monotonic() - started < 30
    finally:
        app.conf.task_always_eager = True
