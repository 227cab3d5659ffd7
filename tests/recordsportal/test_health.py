"""/health/: the database decides (503 without it); a broker outage is "degraded" with 200, so a
Redis restart never takes the web containers out of rotation."""

import socket
import time

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_without_a_broker_only_the_database_is_reported(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_reachable_broker_is_ok(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_a_refused_broker_degrades_but_still_serves(client, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error: ConnectionError"}


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


def test_no_database_is_503(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error: OperationalError"}
