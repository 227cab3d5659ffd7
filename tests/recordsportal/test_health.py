"""/health/: the database decides (503 without it); a broker outage is "degraded" with 200, so a
Redis restart never takes the web containers out of rotation."""

import socket
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_without_a_broker_only_the_database_is_reported(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_reachable_broker_is_ok(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_a_refused_broker_degrades_but_still_serves(client, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error: ConnectionError"}


@pytest.mark.django_db
def test_a_silent_broker_times_out_quickly(client, settings):
    # Accepts the connection (kernel backlog) but never answers PING: the read timeout decides.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    try:
        started = time.monotonic()
        response = client.get("/health/")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["broker"].startswith("error: ")
    assert 0.9 <= elapsed < 4, elapsed  # the 1 s timeout, well inside compose's 5 s


@pytest.mark.django_db
def test_no_database_is_503(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error: OperationalError"}


def compose_services():
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_checks_each_long_running_service_and_logs_requests_once():
    services = compose_services()
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    assert "--access-logfile" not in services["web"]["command"]  # recordsportal.requests logs them
    worker_check = " ".join(services["worker"]["healthcheck"]["test"])
    assert "inspect ping" in worker_check and "celery@$$HOSTNAME" in worker_check
    assert "healthcheck" in services["beat"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_beat_health_check_tells_a_fresh_schedule_from_a_stale_one(tmp_path):
    import os
    import subprocess

    command = compose_services()["beat"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    code = command[3].replace("/data/media/", f"{tmp_path}/")

    def healthy() -> bool:
        return subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0

    assert not healthy()  # beat never wrote its schedule
    schedule = tmp_path / ".celerybeat-schedule"
    schedule.write_bytes(b"x")
    assert healthy()
    old = time.time() - 20 * 60
    os.utime(schedule, (old, old))
    assert not healthy()  # untouched for 20 minutes: beat is hung
