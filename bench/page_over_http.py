"""One page over HTTP, as production serves it: gunicorn (one sync worker, DEBUG off, the settings
bench/run_load.py starts it with) on a free loopback port, a login as a bench user, then N
sequential GETs of the page. Prints the wall time per request (p50, p95) and, per request, the CPU
time of the gunicorn worker and of its PostgreSQL backend (/proc/<pid>/schedstat), which a busy
machine inflates far less than the wall time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \\
        .venv/bin/python bench/page_over_http.py [--user bench.tp0038] [--runs 40] "/reports/departments/18/?month=2025-10"

Run from the root of the tree to measure (gunicorn imports the code of the current directory), so
that two versions can be compared alternately (e.g. a `git worktree` of the code before). Needs
the bench users' password (bench/run_load.py --prep-only sets it) and collected static files
(bench/out/static, which run_load.py collects). Read-only: GETs only.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench@2026"  # bench/run_load.py


def cpu_ms(pid: int) -> float:
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0]) / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--user", default="bench.tp0038")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in urlparse(url).path:
        sys.exit("refusing to run: DATABASE_URL must name a database containing 'bench'")

    import psycopg
    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0",
               SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0",
               STATIC_ROOT=str(ROOT / "bench" / "out" / "static"),
               CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"))
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "recordsportal.wsgi:application",
                               "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
                              env=env, cwd=os.getcwd(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base + "/accounts/login/", timeout=5).status_code == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.5)
        client = requests.Session()
        client.headers["Accept-Language"] = "vi"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(base + "/accounts/login/").text)
        login = client.post(base + "/accounts/login/", allow_redirects=False,
                            data={"username": args.user, "password": PASSWORD, "next": "",
                                  "csrfmiddlewaretoken": token.group(1) if token else ""})
        if login.status_code != 302:
            sys.exit(f"login of {args.user} answered {login.status_code}")
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        first = client.get(base + args.path)  # warm-up; the worker's connection opens here
        if first.status_code != 200:
            sys.exit(f"{args.path} answered {first.status_code}")
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
            backends = [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend' AND application_name = ''")]
        walls, worker_cpu, database_cpu = [], [], []
        for _ in range(args.runs):
            started, cpu, database = time.perf_counter(), cpu_ms(worker), sum(cpu_ms(pid) for pid in backends)
            if client.get(base + args.path).status_code != 200:
                sys.exit("a request failed")
            walls.append((time.perf_counter() - started) * 1000)
            worker_cpu.append(cpu_ms(worker) - cpu)
            database_cpu.append(sum(cpu_ms(pid) for pid in backends) - database)
        walls.sort()
        p95 = walls[max(0, int(round(0.95 * len(walls))) - 1)]
        print(f"{args.path} ({len(first.content):,} bytes) as {args.user}, {args.runs} GETs: wall p50 "
              f"{statistics.median(walls):.0f} ms, p95 {p95:.0f} ms; CPU per request: gunicorn worker "
              f"{statistics.median(worker_cpu):.1f} ms, PostgreSQL backend {statistics.median(database_cpu):.1f} ms "
              f"(medians); load average {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


if __name__ == "__main__":
    main()
