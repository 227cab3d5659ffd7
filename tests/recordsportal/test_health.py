"""/health/: the database decides (503 without it); a broker outage is "degraded" with 200, so a
Redis restart never takes the web containers out of rotation."""

import socket
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_backup_record(settings, tmp_path):
    """A developer's own media/ may hold the record of a backup they ran: start from none."""
    settings.MEDIA_ROOT = tmp_path
    settings.BACKUP_MAX_AGE_HOURS = 0


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


# --- The last backup (recordsportal/backup_status.py): reported, and "degraded" when it failed -----

def record_backup(settings, tmp_path, status, hours_ago, last_success_hours_ago=None, **extra):
    import datetime
    import json

    settings.MEDIA_ROOT = tmp_path
    now = datetime.datetime.now(datetime.timezone.utc)
    at = lambda hours: (now - datetime.timedelta(hours=hours)).isoformat(timespec="seconds")  # noqa: E731
    entry = {"status": status, "started_at": at(hours_ago), "finished_at": at(hours_ago), "archive": "", "size": 0,
             "damaged": 0, "message": "", **extra,
             "last_success_at": at(last_success_hours_ago) if last_success_hours_ago is not None else ""}
    (tmp_path / ".backup-status.json").write_text(json.dumps(entry))


@pytest.mark.django_db
def test_a_recent_good_backup_is_reported_with_its_age(client, settings, tmp_path):
    settings.CELERY_BROKER_URL, settings.BACKUP_MAX_AGE_HOURS = "", 26
    record_backup(settings, tmp_path, "ok", 5, 5)
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["backup"]["status"] == "ok" and body["backup"]["age_hours"] == 5.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "hours_ago", "last_success", "reported"),
    [("failed", 2, 26, "failed"), ("damaged", 2, None, "damaged"), ("ok", 30, 30, "stale")],
)
def test_a_failed_damaged_or_old_backup_degrades_the_health(client, settings, tmp_path, status, hours_ago,
                                                            last_success, reported):
    settings.CELERY_BROKER_URL, settings.BACKUP_MAX_AGE_HOURS = "", 26
    record_backup(settings, tmp_path, status, hours_ago, last_success, message="pg_dump failed")
    response = client.get("/health/")
    assert response.status_code == 200  # the site serves; whoever watches must act
    body = response.json()
    assert body["status"] == "degraded" and body["backup"]["status"] == reported
    assert body["backup"]["age_hours"] == float(hours_ago)
    assert "message" not in body["backup"]  # an error text may name paths: not on a public probe


@pytest.mark.django_db
def test_no_backup_at_all_is_reported_when_backups_are_expected(client, settings, tmp_path):
    settings.CELERY_BROKER_URL, settings.MEDIA_ROOT = "", tmp_path
    settings.BACKUP_MAX_AGE_HOURS = 0  # a development machine: nothing expected, nothing said
    assert "backup" not in client.get("/health/").json()
    settings.BACKUP_MAX_AGE_HOURS = 26
    body = client.get("/health/").json()
    assert body["status"] == "degraded" and body["backup"] == {"status": "missing"}


def test_the_admin_home_shows_a_failed_backup(agency, login, settings, tmp_path):
    settings.BACKUP_MAX_AGE_HOURS = 26
    record_backup(settings, tmp_path, "failed", 3, 40, message="pg_dump failed: connection refused")
    page = login(agency.admin).get("/admin/").content.decode()
    assert "THẤT BẠI" in page and "pg_dump failed: connection refused" in page
    assert "Bản sao lưu đầy đủ gần nhất" in page and "40,0 giờ trước" in page  # Vietnamese decimal comma


def test_the_admin_home_shows_a_good_backup(agency, login, settings, tmp_path):
    record_backup(settings, tmp_path, "ok", 1, 1)
    page = login(agency.admin).get("/admin/").content.decode()
    assert 'id="backup-status"' in page and "thành công" in page and "1,0 giờ trước" in page
