"""The compose stack and the image it is built from."""

import subprocess
from pathlib import Path

import pytest

from ..conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_is_valid():
    docker_compose = require_tool("docker-compose")
    result = subprocess.run(
        [docker_compose, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50},
    )
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_service_from_one_image():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert len({service["image"] for service in app_services}) == 1
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in " ".join(services["worker"]["command"])
    assert "beat" in " ".join(services["beat"]["command"])


def test_no_asset_comes_from_the_internet():
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(errors="ignore")
                for marker in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "fonts.googleapis", "code.jquery"):
                    if marker in text:
                        offenders.append(f"{path.relative_to(ROOT)}: {marker}")
    assert offenders == []


@pytest.mark.django_db
def test_health_endpoint_reports_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    # The broker field and its states: tests/recordsportal/test_health.py.
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"
