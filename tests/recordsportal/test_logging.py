"""Structured logs: one JSON line per request with its id, the id carried by every line of the
request and returned to the proxy, Celery lines with the task's id and name."""

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ..conftest import CLEARED_FOR_SUBPROCESS

ROOT = Path(__file__).resolve().parents[2]


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


REQUESTS = """
import django, sys
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model

client = Client()
client.force_login(get_user_model().objects.get(username="officer_a"))
response = client.get("/", HTTP_X_REQUEST_ID="proxy-4f1c-77")
print("HOME", response.status_code, response["X-Request-ID"])
response = client.get("/no-such-page/?q=secret")
print("MISSING", response.status_code, response["X-Request-ID"])
"""


@pytest.mark.django_db(transaction=True)
def test_production_request_lines_are_json_with_their_fields(agency, settings):
    """A fresh process with the production logging (LOG_FORMAT=json): every stderr line parses."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        database = {"SQLITE_PATH": db["NAME"]}
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        database = {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    # test_settings: the production LOGGING, with static files served without a collectstatic manifest.
    env.update(database, DJANGO_SETTINGS_MODULE="recordsportal.test_settings", LOG_FORMAT="json", DEBUG="0",
               ALLOWED_HOSTS="testserver", SECRET_KEY="x" * 50)
    result = subprocess.run([sys.executable, "-c", REQUESTS], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stderr)
    assert lines and len(lines) == len(result.stderr.strip().splitlines()), result.stderr  # nothing but JSON

    requests = [line for line in lines if line["logger"] == "recordsportal.requests"]
    assert len(requests) == 2, requests
    home, missing = requests
    assert home["request_id"] == "proxy-4f1c-77"  # from the proxy's header
    assert {"method": "GET", "path": "/", "status": 200, "user_id": agency.officer_a.pk}.items() <= home.items()
    assert isinstance(home["duration_ms"], (int, float)) and home["duration_ms"] >= 0
    assert home["level"] == "INFO" and home["time"].endswith("+00:00")
    assert "HOME 200 proxy-4f1c-77" in result.stdout

    # No header: a new id, on the response and on every line logged during that request.
    generated = missing["request_id"]
    assert len(generated) == 32 and f"MISSING 404 {generated}" in result.stdout
    assert missing["path"] == "/no-such-page/" and missing["status"] == 404  # never the query string
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == generated for line in not_found)
    assert "secret" not in result.stderr


@pytest.mark.django_db
def test_request_id_header_is_taken_checked_and_returned(client, caplog):
    caplog.set_level(logging.DEBUG, logger="recordsportal.requests")
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    (record,) = [r for r in caplog.records if r.name == "recordsportal.requests"]
    assert (record.request_id, record.status, record.path, record.user_id) == ("abc-123", 200, "/accounts/login/", None)

    # A header that could forge log lines is replaced by a fresh id.
    caplog.clear()
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\nINFO fake line")
    assert response["X-Request-ID"] != "x\nINFO fake line" and len(response["X-Request-ID"]) == 32
    (record,) = [r for r in caplog.records if r.name == "recordsportal.requests"]
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_health_probes_stay_out_of_the_info_log(client, caplog, settings):
    settings.CELERY_BROKER_URL = ""
    caplog.set_level(logging.DEBUG, logger="recordsportal.requests")
    client.get("/health/")
    (record,) = [r for r in caplog.records if r.name == "recordsportal.requests"]
    assert record.levelno == logging.DEBUG and record.path == "/health/"


@pytest.mark.django_db
def test_the_request_log_reads_the_user_without_querying_for_it(login, agency, settings, django_assert_num_queries):
    # /health/ never looks at the user: its one query is SELECT 1. Loading the logged-in user
    # for the log line would add the session and user queries to every such request.
    settings.CELERY_BROKER_URL = ""
    client = login(agency.officer_a)
    with django_assert_num_queries(1):
        client.get("/health/")


@pytest.fixture
def json_worker(redis_url, settings):
    queue = f"log-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    env.update(CELERY_BROKER_URL=redis_url, DJANGO_SETTINGS_MODULE="recordsportal.settings", LOG_FORMAT="json",
               LOG_LEVEL="INFO")
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "")
    log = open(Path(settings.BASE_DIR) / f".pytest-worker-{queue}.log", "w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "recordsportal", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-Q", queue, "-l", "info"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    yield queue, log
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()
    os.unlink(log.name)


def test_celery_worker_lines_are_json_with_the_task_id_and_name(json_worker, redis_url):
    from recordsportal.celery import app
    from recordsportal.tasks import ping

    queue, log = json_worker
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        result = ping.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"
    finally:
        app.conf.task_always_eager = True
    deadline = time.monotonic() + 30
    done = []
    while time.monotonic() < deadline and not done:  # the line may reach the file just after the result
        log.seek(0)
        lines = json_lines(log.read())
        done = [line for line in lines if line.get("task_id") == result.id]
        time.sleep(0.2)
    assert done, lines
    assert done[0]["task_name"] == "recordsportal.ping" and "succeeded" in done[0]["message"]
    # Celery did not install its own plain-text handler: the worker's whole log is JSON.
    log.seek(0)
    text_lines = [line for line in log.read().splitlines() if line.startswith("[") and "]" in line[:40]]
    assert text_lines == []
