"""Security headers on every kind of response (pages, API, error pages), HSTS only over HTTPS or
behind the proxy flag, and `check --deploy` clean with production variables."""

import json

import pytest
from django.urls import include, path

from .test_settings import PRODUCTION_ENV


def boom(request):
    raise RuntimeError("a bug")


# A URLconf with one failing view, for the 500 page (used through settings.ROOT_URLCONF).
urlpatterns = [path("boom/", boom), path("", include("recordsportal.urls"))]
handler404 = "recordsportal.views.errors.page_not_found"
handler500 = "recordsportal.views.errors.server_error"

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_security_headers(response):
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    directives = policy(response)
    for name, value in EXPECTED_CSP.items():
        assert directives.get(name) == value, (name, directives)
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    # Plain HTTP with no proxy flag: no HSTS (a browser ignores it there anyway, and an intranet
    # served over HTTP by mistake must not be pinned).
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
def test_pages_carry_the_headers(client, agency):
    assert_security_headers(client.get("/accounts/login/"))
    client.force_login(agency.clerk)
    for url in ("/", "/documents/", "/documents/incoming/new/", "/dossiers/", "/reports/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)


@pytest.mark.django_db
def test_api_responses_carry_the_headers(client, agency):
    refused = client.get("/api/v1/documents/")
    assert refused.status_code == 403
    assert_security_headers(refused)
    client.force_login(agency.clerk)
    listed = client.get("/api/v1/documents/")
    assert listed.status_code == 200 and listed["Content-Type"].startswith("application/json")
    assert_security_headers(listed)
    assert_security_headers(client.get("/api/schema/"))


@pytest.mark.django_db
def test_error_pages_carry_the_headers(client, agency, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(agency.clerk)
    missing = client.get("/documents/999999999/")
    assert missing.status_code == 404
    assert_security_headers(missing)
    failed = client.get("/boom/")
    assert failed.status_code == 500
    assert "Hệ thống đang gặp sự cố" in failed.content.decode()
    assert "<style" not in failed.content.decode()  # its CSS is a static file, allowed by the policy
    assert_security_headers(failed)


@pytest.mark.django_db
def test_only_swagger_ui_relaxes_style_src(client, agency):
    client.force_login(agency.admin)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    directives = policy(docs)
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["script-src"] == "'self'"
    # Its start-up script is a file served by the same view, not an inline <script>.
    body = docs.content.decode()
    assert "<script>" not in body and "?script=" in body.replace("&amp;", "&")


@pytest.mark.django_db
def test_hsts_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_forwarded_proto_is_trusted_only_behind_the_proxy_flag(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    # Without the flag a client cannot claim HTTPS with a header: it is redirected, no HSTS.
    settings.SECURE_PROXY_SSL_HEADER = None
    spoofed = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in spoofed.headers
    # With it (USE_X_FORWARDED_PROTO=1), the proxy's header marks the request secure.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")


SHOW_SECURITY = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csp_middleware": "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE,
}))
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"proxy_header": None, "hsts": 31536000, "ssl_redirect": True, "session_secure": True}),
        ({"USE_X_FORWARDED_PROTO": "1"}, {"proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"], "hsts": 31536000}),
        ({"DEBUG": "1"}, {"proxy_header": None, "hsts": 0, "ssl_redirect": False, "session_secure": False}),
    ],
)
def test_production_flags_drive_hsts_and_the_proxy_header(run_python, extra, expected):
    result = run_python(SHOW_SECURITY, {**PRODUCTION_ENV, **extra})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["csp_middleware"] is True
    for key, value in expected.items():
        assert values[key] == value, (key, values)


def test_check_deploy_is_clean_behind_the_proxy(run_python):
    # The plain production case is tests/recordsportal/test_settings.py; this is the deployment
    # the compose file describes (TLS ends at the proxy), DEBUG unset.
    env = {**PRODUCTION_ENV, "USE_X_FORWARDED_PROTO": "1", "PROXY_COUNT": "1"}
    result = run_python("", env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (1 silenced)." in output
    assert "WARNING" not in output and "?:" not in output


# --- bandit: the same gate as .ci/audit, so `make test` catches a HIGH finding too ------------------
BANDIT_TARGETS = ["recordsportal", "documents", "dossiers", "backlog", "reports", "exchange", "notifications"]


def bandit(*targets):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *targets, "-x", "*/migrations/*,*/tests/*", "-f", "json"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    return report["results"]


def test_bandit_finds_nothing_of_high_severity():
    high = [f"{r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}"
            for r in bandit(*BANDIT_TARGETS) if r["issue_severity"] == "HIGH"]
    assert high == []


def test_bandit_would_catch_a_high_finding(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    assert any(r["issue_severity"] == "HIGH" for r in bandit(str(planted)))
