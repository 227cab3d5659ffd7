"""The compose stack and the image it is built from."""

import posixpath
import re
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
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "pw"},
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
def test_health_endpoint_reports_database(client, settings, tmp_path):
    settings.MEDIA_ROOT, settings.BACKUP_MAX_AGE_HOURS = tmp_path, 0  # no backup record of a dev's own
    response = client.get("/health/")
    assert response.status_code == 200
    # The broker field and its states: tests/recordsportal/test_health.py.
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


# --- The image: what the build context sends, what the Dockerfile installs -------------------------

# Paths an administrator's checkout holds (README, "Deploy" and "Back up and restore") that must
# never reach the build: COPY . . would put them in an image layer.
NEVER_IN_THE_IMAGE = [
    ".env",
    ".env.production",
    "backups/recordsportal-20261125-233000.tar",
    "backups/.recordsportal-20261125-233000.tar.partial-1",
    "backups/rp-backup-k2j4/database.dump",
    "recordsportal-before-upgrade.tar",
    "media/attachments/2026/03/a1b2.pdf",
    "db.sqlite3",
    "db.sqlite3-wal",
    "data/portal.sqlite3",
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/django/__init__.py",
    ".git/config",
]
NEEDED_BY_THE_BUILD = [
    "manage.py", "pyproject.toml", "README.md", "requirements/lock.txt", "recordsportal/settings.py",
    "recordsportal/gunicorn_conf.py", "templates/base.html", "locale/en/LC_MESSAGES/django.mo",
]


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    """.dockerignore as Docker reads it: one pattern a line, `#` comments, `!` re-includes, a
    leading `/` ignored, `*` and `?` within one path segment, `**` across segments."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip()).lstrip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((include, re.compile(regex + r"\Z")))
    return rules


def sent_to_build(path: str, rules) -> bool:
    """Docker excludes a file when the last rule matching it, or one of its parent folders, excludes."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for include, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not include
    return not excluded


def test_secrets_backups_and_local_data_never_reach_the_image():
    rules = dockerignore_rules((ROOT / ".dockerignore").read_text())
    leaked = [path for path in NEVER_IN_THE_IMAGE if sent_to_build(path, rules)]
    assert leaked == [], f"sent to the docker build: {leaked}"
    missing = [path for path in NEEDED_BY_THE_BUILD if not sent_to_build(path, rules)]
    assert missing == [], f"excluded but needed by the build: {missing}"
    # No COPY/ADD names one of them explicitly, or reaches outside the context.
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        words = line.split()
        if words and words[0] in ("COPY", "ADD") and not any(w.startswith("--from") for w in words):
            for source in words[1:-1]:
                assert not source.startswith(("/", "..")), line
                assert not any(path == source or path.startswith(source.rstrip("/") + "/") and source != "."
                               for path in NEVER_IN_THE_IMAGE), line


def test_the_ignore_check_bites_on_the_old_dockerignore():
    # The .dockerignore before issue 19: .env and backups/ went into the image.
    old = ".venv\n.git\ndb.sqlite3\nmedia\nstaticfiles\n**/__pycache__\ndocs/screenshots\nbench/out\n"
    rules = dockerignore_rules(old)
    assert sent_to_build(".env", rules) and sent_to_build("backups/recordsportal-20261125-233000.tar", rules)
    assert not sent_to_build(".venv/bin/python", rules) and not sent_to_build("media/a.pdf", rules)
    assert not sent_to_build("x/__pycache__/y.pyc", dockerignore_rules("**/__pycache__"))
    assert sent_to_build("data/.env", dockerignore_rules(".env"))  # a root pattern is anchored
    assert not sent_to_build(".env", dockerignore_rules("*\n!README.md")) and sent_to_build(
        "README.md", dockerignore_rules("*\n!README.md"))


def compose_config(**variables) -> subprocess.CompletedProcess:
    docker_compose = require_tool("docker-compose")
    return subprocess.run([docker_compose, "-f", str(ROOT / "docker-compose.yml"), "config"], capture_output=True,
                          text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin", **variables})


def test_compose_requires_the_database_password_like_the_secret_key():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${POSTGRES_PASSWORD:-" not in text  # no default password anywhere
    assert text.count("${POSTGRES_PASSWORD:?") == 2  # the server's and the portal's
    refused = compose_config(SECRET_KEY="k" * 50)
    assert refused.returncode != 0 and "set POSTGRES_PASSWORD in .env" in refused.stderr
    refused = compose_config(POSTGRES_PASSWORD="pw")
    assert refused.returncode != 0 and "set SECRET_KEY in .env" in refused.stderr


def test_the_web_port_listens_on_the_loopback_unless_told_otherwise():
    import yaml

    # Only the web publishes a port, and by default only to the host itself: the portal trusts
    # X-Forwarded-Proto/-For, so a client reaching the port directly could claim HTTPS.
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["web"]
    rendered = compose_config(SECRET_KEY="k" * 50, POSTGRES_PASSWORD="pw")
    assert rendered.returncode == 0, rendered.stderr
    assert yaml.safe_load(rendered.stdout)["services"]["web"]["ports"] == ["127.0.0.1:8000:8000/tcp"]
    moved = compose_config(SECRET_KEY="k" * 50, POSTGRES_PASSWORD="pw", WEB_BIND="10.0.5.7", WEB_PORT="8081")
    assert yaml.safe_load(moved.stdout)["services"]["web"]["ports"] == ["10.0.5.7:8081:8000/tcp"]


def test_the_edxml_folders_exist_in_every_app_container_and_persist():
    import yaml

    services = yaml.safe_load(compose_config(SECRET_KEY="k" * 50, POSTGRES_PASSWORD="pw").stdout)["services"]
    for name in ("web", "worker", "beat"):
        environment, volumes = services[name]["environment"], services[name]["volumes"]
        assert environment["EDXML_INBOX_DIR"] == "/data/edxml/inbox", name
        assert environment["EDXML_OUTBOX_DIR"] == "/data/edxml/outbox", name
        assert "edxml:/data/edxml:rw" in volumes, name  # docker-compose 1.29 renders the short form
    # The image creates them, owned by the user the services run as.
    assert "/data/edxml/inbox /data/edxml/outbox && chown -R portal /data" in (ROOT / "Dockerfile").read_text()


def test_every_service_rotates_its_logs_and_gunicorn_logs_json():
    import yaml

    services = yaml.safe_load(compose_config(SECRET_KEY="k" * 50, POSTGRES_PASSWORD="pw").stdout)["services"]
    for name, service in services.items():
        assert service.get("logging", {}).get("driver") == "json-file", name
        assert service["logging"]["options"]["max-size"] == "20m" and service["logging"]["options"]["max-file"] == "10", name
    command = services["web"]["command"]
    assert command[command.index("--config") + 1] == "python:recordsportal.gunicorn_conf"
    dockerfile_cmd = re.search(r"^CMD (.*)$", (ROOT / "Dockerfile").read_text(), re.M).group(1)
    assert '"--config", "python:recordsportal.gunicorn_conf"' in dockerfile_cmd


def test_images_are_pinned_and_dependencies_come_from_the_lock():
    import yaml

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", dockerfile, re.M), "the base image is not exact"
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert re.fullmatch(r"postgres:15\.\d+-bookworm", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7\.\d+\.\d+-bookworm", services["redis"]["image"])
    # The image installs the lock, hash-checked, before the code; the portal itself adds nothing.
    assert "RUN pip install --require-hashes -r requirements/lock.txt" in dockerfile
    assert "RUN pip install --no-deps --no-build-isolation ." in dockerfile
    assert dockerfile.index("COPY requirements/lock.txt") < dockerfile.index("COPY . .")
    assert not re.search(r"pip install (?!--require-hashes|--no-deps)", dockerfile)


GUNICORN_PROBE = """
import os, signal, subprocess, sys, time, urllib.request
server = subprocess.Popen([sys.executable, "-m", "gunicorn", "recordsportal.wsgi:application",
                           "--config", "python:recordsportal.gunicorn_conf", "--bind", "127.0.0.1:" + sys.argv[1],
                           "--workers", "1", "--timeout", "60"], stderr=subprocess.PIPE, text=True,
                          start_new_session=True)
try:
    for _ in range(200):
        try:
            print("HEALTH", urllib.request.urlopen("http://127.0.0.1:" + sys.argv[1] + "/health/", timeout=2).status)
            break
        except OSError:
            time.sleep(0.2)
finally:
    os.killpg(server.pid, signal.SIGTERM)
    _, stderr = server.communicate(timeout=60)
sys.stderr.write(stderr)
"""


def test_gunicorns_own_lines_are_json_like_the_portals(run_python, tmp_path):
    import json
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"DJANGO_SETTINGS_MODULE": "recordsportal.settings", "LOG_FORMAT": "json", "SECRET_KEY": "k" * 50,
           "ALLOWED_HOSTS": "127.0.0.1", "SQLITE_PATH": str(tmp_path / "probe.sqlite3"),
           "MEDIA_ROOT": str(tmp_path / "media"), "STATIC_ROOT": str(tmp_path / "static")}
    result = run_python(GUNICORN_PROBE, env, str(port))
    assert "HEALTH 200" in result.stdout, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    records = [json.loads(line) for line in lines]  # raises on any plain-text line
    gunicorn = [r["message"] for r in records if r["logger"] == "gunicorn.error"]
    assert any(m.startswith("Starting gunicorn") for m in gunicorn), gunicorn
    assert any(m.startswith("Booting worker") for m in gunicorn), gunicorn
    assert any("Shutting down" in m or "Handling signal" in m for m in gunicorn), gunicorn
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert not [r for r in records if r["logger"] == "gunicorn.access"]  # recordsportal.requests logs them


# --- The lock files and the audit of them ---------------------------------------------------------

def locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    entries = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", text, re.M)
    unpinned = [line for line in text.splitlines() if line and not line[0].isspace() and not line.startswith("#")
                and "==" not in line]
    assert unpinned == [], f"{name}: not pinned: {unpinned}"
    assert all(hashes for _, _, hashes in entries), f"{name}: a package without its SHA-256"
    return {re.sub(r"[-_.]+", "-", package.lower()): version for package, version, _ in entries}


def test_the_lock_files_pin_every_dependency_with_hashes_and_agree():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime, test = locked("lock.txt"), locked("lock-test.txt")

    def names(requirements):
        return {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", r).group(0).lower()) for r in requirements}

    assert names(project["project"]["dependencies"]) <= runtime.keys(), "make lock: pyproject.toml changed"
    assert names(project["project"]["optional-dependencies"]["test"]) <= test.keys(), "make lock: pyproject.toml changed"
    # The image and CI run the same versions of what they share, and the build backend is locked.
    assert {name: test.get(name) for name in runtime} == runtime
    assert "setuptools" in runtime and "setuptools" in test
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PIP) install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "$(PIP) install --quiet --require-hashes -r $(LOCK_TEST)" in makefile


def audit_verdict(tmp_path, report, log="", strict=False):
    import json
    import os
    import sys

    (tmp_path / "report.json").write_text(json.dumps(report)) if report is not None else None
    (tmp_path / "log").write_text(log)
    env = {**os.environ, "AUDIT_STRICT": "1" if strict else "0"}
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "pip_audit_verdict.py"), str(tmp_path / "report.json"),
                           "0", str(tmp_path / "log")], capture_output=True, text=True, env=env)


def test_the_audit_says_loudly_when_pip_audit_checked_nothing(tmp_path):
    skipped = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI and could not be "
                                                                  "audited: django (5.2.20)"}]}
    result = audit_verdict(tmp_path, skipped)
    assert result.returncode == 0
    for stream in (result.stdout, result.stderr):
        assert "pip-audit CHECKED NOTHING" in stream and "NO DEPENDENCY HAS BEEN CHECKED" in stream
        assert "pip-audit -r requirements/lock.txt --require-hashes --disable-pip" in stream
    assert audit_verdict(tmp_path, skipped, strict=True).returncode == 1
    unreachable = audit_verdict(tmp_path, None, log="ConnectionError: Max retries exceeded", strict=True)
    assert unreachable.returncode == 1 and "CHECKED NOTHING" in unreachable.stdout


def test_the_audit_fails_on_a_known_vulnerability_and_passes_a_clean_lock(tmp_path):
    vulnerable = {"dependencies": [{"name": "django", "version": "5.2.0", "vulns": [
        {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]}, {"name": "six", "version": "1.17.0", "vulns": []}]}
    result = audit_verdict(tmp_path, vulnerable)
    assert result.returncode == 1 and "django 5.2.0: PYSEC-2025-1 fixed in 5.2.1" in result.stdout
    clean = audit_verdict(tmp_path, {"dependencies": [{"name": "six", "version": "1.17.0", "vulns": []}]})
    assert clean.returncode == 0 and "no known vulnerabilities in 1 packages" in clean.stdout
    audit = (ROOT / ".ci" / "audit").read_text()
    assert "-r requirements/lock.txt -r requirements/lock-test.txt" in audit and ".ci/pip_audit_verdict.py" in audit
