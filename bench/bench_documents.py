"""Timings of the document registers on the benchmark data (see bench/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/bench_documents.py [--runs 30]

Requests go through Django's test Client, in process, to the real views (middleware, filters,
scope, templates, serializers), logged in with force_login. Each case is warmed up, then timed
`--runs` times; the table gives p50/p95/max in milliseconds. The main SQL query of each case is
captured and run again under EXPLAIN (ANALYZE, BUFFERS): the plan's top lines and execution time
go to bench/out/explain.txt, the figures to bench/out/results.json.

Refuses to run unless the database name contains "bench".
"""

import argparse
import json
import re
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

# target (ms, p95) per group of cases: from issue 3
TARGETS = {"list": 200, "search": 300}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    parser.add_argument("--label", default="", help="a label stored with the results (e.g. before/after)")
    return parser.parse_args()


def refuse_unless_bench():
    name = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to run: DATABASE_URL must name a database containing 'bench' (got {name!r})")


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main():
    args = parse_args()
    refuse_unless_bench()
    import django

    django.setup()
    from django.conf import settings

    # Production serves collected static files from a manifest; the benchmark does not collect them.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.db import connection
    from django.test import Client

    from recordsportal.models import Department, User

    office = User.objects.get(username="bench.vt0007")
    head_dept = Department.objects.get(abbreviation="QLĐT")
    head = head_dept.head
    # The officer with the most open incoming documents: the fullest "to handle" desk.
    with connection.cursor() as cursor:
        cursor.execute("""SELECT officer_id, count(*) FROM documents_document
                          WHERE direction = 'incoming' AND status IN ('registered','submitted','assigned','in_progress')
                            AND officer_id IS NOT NULL AND NOT is_deleted
                          GROUP BY 1 ORDER BY 2 DESC LIMIT 1""")
        busy_id, busy_open = cursor.fetchone()
        cursor.execute("SELECT count(*), min(register_year), max(register_year) FROM documents_document")
        n_docs, y0, y1 = cursor.fetchone()
    officer = User.objects.get(pk=busy_id)
    year = y1 - 1
    filt = f"direction=incoming&year={year}&department={head_dept.pk}"

    clients = {}
    for who, user in (("office", office), ("head", head), ("officer", officer)):
        clients[who] = Client()
        clients[who].force_login(user)

    def api_later_cursor():
        # Follow `next` 20 times from the first page: page 21, reached by the cursor.
        url = "/api/v1/documents/"
        for _ in range(20):
            url = clients["office"].get(url, secure=True).json()["next"]
        return url.replace("https://testserver", "")

    cases = [
        # name, group, who, url
        ("list page 1, no filter", "list", "office", "/documents/"),
        ("list filtered dir+year+dept", "list", "office", f"/documents/?{filt}"),
        ("list filtered dir+year+dept (head)", "list", "head", f"/documents/?{filt}"),
        ("list page 1 (head's scope)", "list", "head", "/documents/"),
        ("list form=paper", "list", "office", "/documents/?form=paper"),
        ("list overdue", "list", "office", "/documents/?overdue=true"),
        ("list sort=number", "list", "office", "/documents/?sort=number"),
        ("list sort=-number", "list", "office", "/documents/?sort=-number"),
        ("list page 50", "list", "office", "/documents/?page=50"),
        ("search 'quyet dinh dau tu'", "search", "office", "/documents/?q=quyet+dinh+dau+tu"),
        ("search rare 'vinfast'", "search", "office", "/documents/?q=vinfast"),
        ("search common 'trien khai'", "search", "office", "/documents/?q=trien+khai"),
        ("search 'quyet dinh dau tu' (head)", "search", "head", "/documents/?q=quyet+dinh+dau+tu"),
        ("to handle (busiest officer)", "desk", "officer", "/documents/to-handle/"),
        ("API list page 1", "api", "office", "/api/v1/documents/"),
        ("API list page 21 (cursor)", "api", "office", api_later_cursor),
        ("API filtered dir+year+dept", "api", "office", f"/api/v1/documents/?{filt}"),
    ]
    if args.only:
        cases = [c for c in cases if args.only in c[0]]

    OUT.mkdir(parents=True, exist_ok=True)
    results, explains = [], []
    print(f"{n_docs:,} documents ({y0}–{y1}); office={office.username}, head={head.username} of {head_dept.abbreviation}, "
          f"officer={officer.username} ({busy_open} open); {args.runs} runs after {args.warmup} warm-up")
    print(f"{'case':40} {'rows':>5} {'p50':>8} {'p95':>8} {'max':>8}  target")
    for name, group, who, url in cases:
        if callable(url):
            url = url()
        client = clients[who]
        for _ in range(args.warmup):
            response = client.get(url, secure=True)
            assert response.status_code == 200, (name, response.status_code)
        captured = []

        def capture(execute, sql, params, many, context, captured=captured):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append({"sql": sql, "params": params, "time": time.perf_counter() - started})

        with connection.execute_wrapper(capture):
            response = client.get(url, secure=True)
        rows = _rows(response)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        p50, p95, worst = statistics.median(times), percentile(times, 0.95), max(times)
        target = TARGETS.get(group)
        verdict = "" if target is None else (f"≤{target} ok" if p95 <= target else f"≤{target} MISSED")
        print(f"{name:40} {rows:>5} {p50:8.1f} {p95:8.1f} {worst:8.1f}  {verdict}", flush=True)
        results.append({"case": name, "url": url, "user": who, "rows": rows, "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1), "max_ms": round(worst, 1), "target_p95_ms": target,
                        "queries": len(captured)})
        explains.append(_explain(connection, name, url, captured))

    label = f"-{args.label}" if args.label else ""
    (OUT / f"results{label}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    (OUT / f"explain{label}.txt").write_text("\n".join(explains))
    print(f"\nplans: {OUT / f'explain{label}.txt'}; figures: {OUT / f'results{label}.json'}")


def _rows(response):
    if response.get("Content-Type", "").startswith("application/json"):
        return len(response.json()["results"])
    # One link to the detail page per row.
    return len(set(re.findall(rb'href="/documents/(\d+)/"', response.content)))


def _explain(connection, name, url, queries):
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query that reads documents_document."""
    doc_queries = [q for q in queries if 'FROM "documents_document"' in q["sql"]]
    if not doc_queries:
        return f"== {name}\n{url}\n(no document query)\n"
    query = max(doc_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"], query["params"])
        plan = [line for (line,) in cursor.fetchall()]
        sql = cursor.mogrify(query["sql"], query["params"]) if hasattr(cursor, "mogrify") else query["sql"]
    top = plan[:16] + (["  ..."] if len(plan) > 18 else []) + plan[-2:]
    return (f"== {name}\n{url}\n{len(queries)} queries, slowest on documents ({query['time'] * 1000:.1f} ms):\n"
            f"{sql}\n\n" + "\n".join(top) + "\n")


if __name__ == "__main__":
    main()
