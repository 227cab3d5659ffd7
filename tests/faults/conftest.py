"""Process helpers for the fault-injection tests: free ports, polling, process groups that are
always reaped, a private Redis, a Celery worker and a private PostgreSQL cluster.

Every process is started in its own session (process group) so that a test can SIGKILL a worker
with its children, and every fixture stops what it started in its finalizer, even on failure.
"""

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from kombu import pools as kombu_pools

from ..conftest import CLEARED_FOR_SUBPROCESS, port_open, require, require_tool

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: fault-injection tests (killed worker, database restart, broker down)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value (returned); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


def subprocess_env(**extra: str) -> dict[str, str]:
    """This environment without the settings variables the test run chose, plus `extra`."""
    base = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    return {**base, **extra}


def start_process(args, *, env, log: Path, cwd=ROOT) -> subprocess.Popen:
    """Start `args` in a new session (its own process group), output to `log` (a pipe nobody
    reads could fill up and block the process)."""
    handle = open(log, "ab")
    try:
        return subprocess.Popen(args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        handle.close()


def children_of(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                children.append(int(entry.name))
    return children


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def stop_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the process group, then SIGKILL what is left; always reaps the leader."""
    if process.poll() is None:
        kill_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    kill_group(process, signal.SIGKILL)  # children that outlived the leader
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="rp-faults-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def database_url_for_subprocess() -> str:
    """A subprocess (worker, web server) must use the database this test reads: the test one."""
    from django.db import connection

    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def second_session(*, autocommit: bool = False):
    """A second session on the test database, outside Django's: to hold a row lock that blocks a
    worker mid-task, or to watch pg_stat_activity while it waits."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
                           password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=autocommit)


# --- Celery -------------------------------------------------------------------------------------

@contextlib.contextmanager
def celery_publishing_to(url: str):
    """The portal's Celery app, in this process, publishing to `url` (not eager); cached
    connections and result store are dropped on the way in and out."""
    from recordsportal.celery import app

    def forget_connections():
        # The app's connection and producer pools live in kombu's process-wide registry, keyed
        # by broker URL: closing them without clearing the registry left a closed pool there for
        # every later test publishing to the same URL ("Acquire on closed pool").
        kombu_pools.reset()
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    # Celery reads CELERY_BROKER_URL / CELERY_RESULT_BACKEND from the environment before its
    # configuration, so the variables the test run was started with must be set aside too.
    saved_env = {key: os.environ.get(key) for key in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    forget_connections()
    os.environ.update(CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        assert app.conf.broker_url == url
        yield app
    finally:
        forget_connections()
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        app.conf.update(saved)


def start_worker(*, name: str, queue: str, broker: str, database_url: str, log: Path, **env: str) -> subprocess.Popen:
    """A real `celery -A recordsportal worker` (prefork, one child, as in production)."""
    require(importlib.util.find_spec("celery") is not None, "celery")
    environment = subprocess_env(
        CELERY_BROKER_URL=broker, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="recordsportal.settings", **env
    )
    return start_process(
        [sys.executable, "-m", "celery", "-A", "recordsportal", "worker", "--pool=prefork", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", f"{name}@%h", "-l", "info"],
        env=environment, log=log,
    )


# --- Redis --------------------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test may kill and restart."""

    def __init__(self, directory: Path):
        self.binary = require_tool("redis-server")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = start_process(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            env=subprocess_env(), log=self.directory / "redis.log",
        )
        wait_until(lambda: port_open("127.0.0.1", self.port), timeout=20, what="the private redis-server")

    def kill(self):
        if self.process is not None:
            kill_group(self.process)
            self.process.wait(timeout=10)
            self.process = None
        wait_until(lambda: not port_open("127.0.0.1", self.port), timeout=10, what="redis-server to be gone")

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)


@pytest.fixture
def private_redis(workdir):
    server = PrivateRedis(workdir)
    server.start()
    yield server
    if server.process is not None:
        stop_group(server.process)


# --- PostgreSQL ---------------------------------------------------------------------------------

class PrivateCluster:
    """A PostgreSQL cluster of this test's own (the shared server is never restarted), run as the
    `postgres` OS user: trust authentication on 127.0.0.1 and a free port."""

    def __init__(self, directory: Path):
        require(os.geteuid() == 0 or os.environ.get("USER") == "postgres", "root or postgres (to run initdb)")
        require((PG_BIN / "initdb").exists(), f"{PG_BIN}/initdb")
        if os.geteuid() == 0:
            require_tool("runuser")
        self.directory = directory
        self.data = directory / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _as_postgres(self, *args, timeout=120, check=True):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=check)

    def init(self):
        os.chmod(self.directory, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                          "--no-sync", "--locale", "C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.directory}'\n"
                       "max_connections = 40\nshared_buffers = 32MB\n")

    def pg_ctl(self, *args, timeout=120, check=True):
        return self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, *args, timeout=timeout, check=check)

    def start(self):
        self.pg_ctl("start", "-w", "-t", "60", "-l", self.directory / "postgres.log")

    def restart(self, mode="fast"):
        # -l as for start: a postmaster left holding this call's output pipes would block it.
        self.pg_ctl("restart", "-m", mode, "-w", "-t", "60", "-l", self.directory / "postgres.log")

    def stop(self, mode="fast"):
        self.pg_ctl("stop", "-m", mode, "-w", "-t", "60")

    def psql(self, sql: str, database="portal") -> str:
        done = subprocess.run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                               "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def private_cluster(workdir):
    cluster = PrivateCluster(workdir)
    cluster.init()
    try:
        cluster.start()
        yield cluster
    finally:
        # Immediate: nothing to keep, and no waiting on connections the test left open.
        cluster.pg_ctl("stop", "-m", "immediate", "-w", "-t", "60", check=False)
