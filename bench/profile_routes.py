"""Queries and time per route, as the load test's users see them (in process, no server).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \
        .venv/bin/python -W ignore bench/profile_routes.py [--runs 5] [--show-repeats]

For each route of bench/locustfile.py and a representative account (Office clerk, a head, an
officer with open dossiers, from bench/out/load-users.json written by bench/run_load.py), the
number of SQL queries, the SQL time and the whole request time (median of --runs after one
warm-up), and the SQL statements repeated with different parameters (the N+1 signature).
Read-only: no POST is sent.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def shape(sql: str) -> str:
    """The statement with its literals removed, to find the same query run many times."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\(\?(, \?)*\)", "(?…)", sql)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show-repeats", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--skip", default="", help="leave out the routes whose name contains this")
    # As a gunicorn worker runs (recordsportal/gunicorn_conf.py, post_worker_init): without it the
    # process keeps Python's default collector, as the in-process figures before 9aa1613 did.
    parser.add_argument("--gc-tuned", action="store_true", help="tune the garbage collector as gunicorn's workers do")
    args = parser.parse_args()
    if "bench" not in urlparse(os.environ.get("DATABASE_URL", "")).path:
        sys.exit("refusing to run: DATABASE_URL must name a database containing 'bench'")

    import django

    django.setup()
    from django.conf import settings

    # Static URLs without a collectstatic manifest (the pages are timed, not their assets).
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recordsportal.models import User

    import gc

    if args.gc_tuned:
        from recordsportal.gunicorn_conf import post_worker_init

        post_worker_init(worker=None)
    # The collector's CPU per request: its full collections are rare and long, so they show in the
    # mean ("cpu mean") and not in the median.
    collector = {"ms": 0.0, "start": 0.0}

    def _timed(phase, info):
        if phase == "start":
            collector["start"] = time.process_time()
        else:
            collector["ms"] += (time.process_time() - collector["start"]) * 1000

    gc.callbacks.append(_timed)

    accounts = json.loads((ROOT / "bench" / "out" / "load-users.json").read_text(encoding="utf-8"))
    office = accounts["office"][0]["username"]
    head = next(h for h in accounts["heads"] if h["username"] == "bench.tp0023") if any(
        h["username"] == "bench.tp0023" for h in accounts["heads"]) else accounts["heads"][0]
    officer = accounts["officers"][0]
    dept = accounts["top_departments"][1]
    dossier = officer["dossiers"][0]
    routes = [
        (office, "home", "/"),
        (office, "dashboard", "/reports/"),
        (office, "documents list", "/documents/"),
        (office, "documents list filtered", f"/documents/?direction=incoming&year=2025&department={dept}"),
        (office, "documents list overdue", "/documents/?overdue=on"),
        (office, "documents list sorted", "/documents/?sort=-number"),
        (office, "documents search", "/documents/?q=quyet+dinh+dau+tu"),
        (office, "incoming form", "/documents/incoming/new/"),
        (head["username"], "home (head)", "/"),
        (head["username"], "dashboard (head)", "/reports/"),
        (head["username"], "dashboard department", f"/reports/departments/{head['department']}/"),
        (head["username"], "documents list (head)", "/documents/"),
        (head["username"], "documents list filtered (head)", f"/documents/?department={head['department']}&direction=incoming"),
        (head["username"], "documents search (head)", "/documents/?q=quyet+dinh+dau+tu"),
        (head["username"], "documents search trien khai (head)", "/documents/?q=trien+khai"),
        (head["username"], "dossiers list (head)", "/dossiers/all/"),
        (head["username"], "dossiers overdue (head)", "/dossiers/all/?due=overdue"),
        (officer["username"], "home (officer)", "/"),
        (officer["username"], "documents to handle", "/documents/to-handle/"),
        (officer["username"], "documents list (officer)", "/documents/"),
        (officer["username"], "my dossiers", "/dossiers/"),
        (officer["username"], "dossier detail", f"/dossiers/{dossier}/"),
        (officer["username"], "dossier document search", f"/dossiers/{dossier}/documents/search/?q=trien+khai"),
    ]
    if args.only:
        routes = [r for r in routes if args.only in r[1]]
    if args.skip:
        routes = [r for r in routes if args.skip not in r[1]]
    clients = {}
    # CPU ms: this process's CPU time per request (Python, templates, the client side of the
    # queries), which a loaded machine inflates far less than the wall time.
    print(f"{'route':<38} {'status':>6} {'queries':>7} {'sql ms':>7} {'p50 ms':>7} {'max ms':>7} {'cpu ms':>7} {'mean':>6} {'gc ms':>6}  repeated")
    for username, name, url in routes:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        client.get(url)
        times, sql_times, cpu_times = [], [], []
        collector["ms"] = 0.0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                cpu_times.append((time.process_time() - c) * 1000)
            sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        shapes = Counter(shape(q["sql"]) for q in ctx.captured_queries)
        repeated = [(n, s) for s, n in shapes.most_common() if n > 2]
        print(f"{name:<38} {response.status_code:>6} {len(ctx.captured_queries):>7} {statistics.median(sql_times):>7.1f} "
              f"{statistics.median(times):>7.1f} {max(times):>7.1f} {statistics.median(cpu_times):>7.1f} "
              f"{statistics.mean(cpu_times):>6.1f} {collector['ms'] / args.runs:>6.1f}  {sum(n for n, _ in repeated)}")
        if args.show_repeats:
            for n, s in repeated[:5]:
                print(f"    {n}x {s[:300]}")
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:2]
            for q in slow:
                print(f"    slow {float(q['time']) * 1000:.1f} ms: {q['sql'][:300]}")


if __name__ == "__main__":
    main()
