"""PostgreSQL restarted while the web serves requests: requests fail cleanly during the outage
(503, our Vietnamese page, no traceback, never a hang), /health/ says 503, requests succeed again
as soon as the database is back (Django replaces its dead persistent connections:
CONN_HEALTH_CHECKS), and every write that was answered as successful is in the database, with
register numbers that neither duplicate nor skip.

The shared PostgreSQL is never touched: the test runs a private cluster (initdb as the postgres
OS user, trust authentication, a free port) whose schema and data are copied from the migrated
test database (pg_dump | pg_restore: 2 s here, where `migrate` takes 35 s), and a real gunicorn
(2 sync workers) pointed at it. A client thread logs in once and then loops: GET /health/, GET the
documents register, POST the "register an incoming document" form. The cluster is stopped
(`pg_ctl stop -m fast`, which also cuts the web's open connections), kept down until every kind
of request has been seen failing, and started again; then, once requests succeed, restarted the
plain way (`pg_ctl restart -m fast`, an outage of about a second).
"""

import datetime
import http.cookiejar
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pytest
from django.db import connection

from ..conftest import port_open, require
from ..factories import PASSWORD
from .conftest import PG_BIN, ROOT, free_port, start_process, stop_group, subprocess_env, tail, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.services, pytest.mark.django_db]

REQUEST_TIMEOUT = 20  # a request slower than this counts as a hang
RECOVERY_LIMIT = 15  # seconds after the database is back within which requests must succeed
OUTAGE_PAGE = "Hệ thống đang tạm thời gián đoạn"

SETUP_USER = """
import django
django.setup()
from django.contrib.auth.models import Group
from recordsportal.models import Agency
from recordsportal.roles import Role
from tests.factories import DepartmentFactory, UserFactory
for role in Role.values:
    Group.objects.get_or_create(name=role)
Agency.load()
office = DepartmentFactory(name="Văn phòng", abbreviation="VP", kind="office")
UserFactory(username="vanthu", full_name="Nguyễn Thị Văn Thư", department=office, roles=[Role.OFFICE, Role.OFFICER])
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Outcome:
    kind: str  # health, read, write
    started: float
    elapsed: float
    status: int | None  # None: no HTTP answer (connection error or timeout)
    body: str = ""
    error: str = ""
    document_id: int | None = None
    number_symbol: str = ""


@dataclass
class Client:
    base: str
    outcomes: list = field(default_factory=list)

    def __post_init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def request(self, kind, path, data=None, **extra) -> Outcome:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=REQUEST_TIMEOUT) as response:
                status, text, location = response.status, response.read().decode(errors="replace"), response.headers.get("Location")
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
            status, text, location = answer.code, answer.read().decode(errors="replace"), answer.headers.get("Location")
        except Exception as error:  # refused, reset, timed out
            outcome = Outcome(kind, started, time.monotonic() - started, None, error=repr(error), **extra)
            self.outcomes.append(outcome)
            return outcome
        outcome = Outcome(kind, started, time.monotonic() - started, status, text, **extra)
        if kind == "write" and status == 302 and location and "/documents/" in location:
            outcome.document_id = int(location.rstrip("/").rsplit("/", 1)[1])
        self.outcomes.append(outcome)
        return outcome

    def login(self, username, password):
        assert self.request("login", "/accounts/login/").status == 200
        answer = self.request("login", "/accounts/login/",
                              {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()})
        assert answer.status == 302, answer.body[:500]

    def register_incoming(self, index: int) -> Outcome:
        today = datetime.date.today().strftime("%d/%m/%Y")
        symbol = f"{index}/UBND-SC"
        form = {
            "csrfmiddlewaretoken": self.csrf(), "arrival_date": today, "number_symbol": symbol, "document_date": today,
            "issuer": "Ủy ban nhân dân tỉnh", "kind": official_letter_kind(), "summary": f"Văn bản thử số {index} trong lúc khởi động lại CSDL",
            "recipients": "", "received_medium": "paper", "paper_reason": "sender_paper", "urgency": "normal",
            "confidentiality": "normal", "notes": "",
        }
        return self.request("write", "/documents/incoming/new/", form, number_symbol=symbol)


def official_letter_kind() -> str:
    from documents.choices import Kind

    return Kind.OFFICIAL_LETTER.value


@pytest.fixture
def web_on_private_cluster(private_cluster, workdir):
    """Copy the migrated test database into the private cluster, add the clerk, start gunicorn."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    source = connection.settings_dict
    cluster = private_cluster
    cluster.psql("CREATE DATABASE portal", database="postgres")
    dump = subprocess.run(
        [PG_BIN / "pg_dump", "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432), "-U", source["USER"],
         "-Fc", "-f", workdir / "portal.dump", source["NAME"]], capture_output=True, text=True, timeout=120)
    assert dump.returncode == 0, dump.stderr
    restore = subprocess.run(
        [PG_BIN / "pg_restore", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-d", "portal", "--no-owner",
         workdir / "portal.dump"], capture_output=True, text=True, timeout=180)
    assert restore.returncode == 0, restore.stderr
    env = subprocess_env(DATABASE_URL=cluster.url, DJANGO_SETTINGS_MODULE="recordsportal.test_settings",
                         MEDIA_ROOT=str(workdir / "media"))
    setup = subprocess.run([sys.executable, "-c", SETUP_USER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stderr
    # The test settings: the real ones without the static manifest (no collectstatic here) and
    # HTTPS redirect; DEBUG is off, so errors get the portal's own pages.
    port = free_port()
    log = workdir / "gunicorn.log"
    server = start_process(
        [sys.executable, "-m", "gunicorn", "recordsportal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "60", "--graceful-timeout", "5"],
        env=env, log=log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: port_open("127.0.0.1", port), timeout=90, what=lambda: f"gunicorn to listen\n{tail(log)}")
        yield cluster, base, log
    finally:
        stop_group(server)


def test_requests_fail_cleanly_during_a_restart_and_no_committed_write_is_lost(web_on_private_cluster):
    cluster, base, server_log = web_on_private_cluster
    client = Client(base)
    client.login("vanthu", PASSWORD)
    client.outcomes.clear()
    stop = threading.Event()

    def traffic():
        index = 0
        while not stop.is_set():
            index += 1
            client.request("health", "/health/")
            client.request("read", "/documents/?direction=incoming")
            client.register_incoming(index)
            time.sleep(0.05)

    def count(kind, *, ok: bool, since: float = 0.0) -> int:
        good = {"health": (200,), "read": (200,), "write": (302,)}[kind]
        return sum(1 for o in list(client.outcomes)
                   if o.kind == kind and o.started >= since and (o.status in good) == ok)

    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    try:
        wait_until(lambda: count("write", ok=True) >= 3, timeout=90,
                   what=lambda: f"3 writes before the restart: {client.outcomes[-3:]}\n{tail(server_log)}")
        stopping = time.monotonic()
        cluster.stop("fast")
        down = time.monotonic()
        # Keep it down until every kind of request has failed at least twice.
        wait_until(lambda: all(count(kind, ok=False, since=down) >= 2 for kind in ("health", "read", "write")),
                   timeout=60, what="failed requests while the database is down")
        starting = time.monotonic()
        cluster.start()
        up = time.monotonic()
        wait_until(lambda: count("write", ok=True, since=up) >= 3 and count("read", ok=True, since=up) >= 3,
                   timeout=60, what=lambda: f"requests to succeed again: {client.outcomes[-3:]}")
        # Then the plain operation, as an administrator would run it: `pg_ctl restart -m fast`.
        restarting = time.monotonic()
        cluster.restart("fast")
        restarted = time.monotonic()
        wait_until(lambda: count("write", ok=True, since=restarted) >= 3, timeout=60,
                   what=lambda: f"requests to succeed after pg_ctl restart: {client.outcomes[-3:]}")
    finally:
        stop.set()
        thread.join(timeout=REQUEST_TIMEOUT * 3 + 10)
    assert not thread.is_alive()

    outcomes = list(client.outcomes)
    failures = [o for o in outcomes if o.status not in (200, 302)]
    # Clean failures: an HTTP answer in time, 503 with the portal's Vietnamese page (JSON for
    # /health/), never a traceback, never a refused or reset connection from the web server.
    assert failures, "the outage was not observed"
    for outcome in failures:
        assert outcome.status == 503, (outcome.kind, outcome.status, outcome.error, outcome.body[:300])
        assert outcome.elapsed < REQUEST_TIMEOUT
        assert "Traceback" not in outcome.body
        if outcome.kind == "health":
            assert '"status": "error"' in outcome.body
        else:
            assert OUTAGE_PAGE in outcome.body, outcome.body[:300]
    # While the database was down nothing succeeded (the failures are the outage, not chance).
    assert not [o for o in outcomes if down <= o.started and o.started + o.elapsed <= starting and o.status in (200, 302)]
    # Back within RECOVERY_LIMIT seconds, and every failure belongs to one of the two outages.
    first_success = min(o.started + o.elapsed for o in outcomes if o.started >= up and o.status in (200, 302))
    assert first_success - up < RECOVERY_LIMIT
    outages = [(stopping - REQUEST_TIMEOUT, up + RECOVERY_LIMIT), (restarting - REQUEST_TIMEOUT, restarted + RECOVERY_LIMIT)]
    stray = [o for o in failures if not any(start <= o.started <= end for start, end in outages)]
    assert not stray, stray[:3]
    restart_failures = [o for o in failures if o.started >= restarting - REQUEST_TIMEOUT and o.started > up + RECOVERY_LIMIT]

    # No lost committed write: every document the server answered for is stored, as sent.
    written = {o.document_id: o.number_symbol for o in outcomes if o.kind == "write" and o.status == 302}
    assert len(written) == count("write", ok=True)
    rows = cluster.psql("SELECT id, number_symbol, number FROM documents_document WHERE direction = 'incoming'")
    stored = {int(i): (symbol, int(number)) for i, symbol, number in (line.split("|") for line in rows.split())}
    assert {pk: stored.get(pk, (None,))[0] for pk in written} == written
    # Register numbers: no duplicate, no gap (a write cut by the restart rolled back its number).
    numbers = sorted(number for _symbol, number in stored.values())
    assert numbers == list(range(1, len(numbers) + 1))
    failed_writes = [o for o in outcomes if o.kind == "write" and o.status != 302]
    committed_anyway = {symbol for symbol, _n in stored.values()} & {o.number_symbol for o in failed_writes}

    recovered = [o for o in outcomes if o.started >= up and o.status in (200, 302)]
    print(
        f"\nrequests: {len(outcomes)}; failed {len(failures)} (all 503), slowest failure "
        f"{max(o.elapsed for o in failures):.2f} s; pg_ctl stop took {down - stopping:.1f} s, start {up - starting:.1f} s; "
        f"outage seen by clients {max(o.started + o.elapsed for o in failures) - min(o.started for o in failures):.1f} s; "
        f"first success {first_success - up:.2f} s after the database was back "
        f"({len(recovered)} successes after); pg_ctl restart -m fast took {restarted - restarting:.1f} s and failed "
        f"{len(restart_failures)} requests; writes: {len(written)} answered 302 and stored, "
        f"{len(failed_writes)} answered 503 of which {len(committed_anyway)} committed anyway; numbers 1..{len(numbers)}"
    )
