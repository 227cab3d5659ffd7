"""Compliance engine and dashboard at province scale (after bench/generate.py and
bench/generate_dossiers.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/bench_reports.py [--month 2025-10]

Prints, in one run: the time to compute one month for every department and officer (E and H,
upserted snapshots), the time of the raw SQL aggregates over the same rows, their ratio (target
≤ 2×); the dashboard p50/p95 for an Office user and a department head (target p95 ≤ 100 ms); the
monthly PDF (target ≤ 3 s).
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")

RAW_E = """SELECT department_id, officer_id,
       count(*) FILTER (WHERE confidentiality = 'normal' AND form = 'electronic'),
       count(*) FILTER (WHERE confidentiality = 'normal'),
       count(*) FILTER (WHERE confidentiality <> 'normal')
  FROM documents_document
 WHERE NOT is_deleted AND register_date >= %s AND register_date < %s
 GROUP BY 1, 2"""
RAW_H = """SELECT department_id, officer_id, count(*) FILTER (WHERE form = 'electronic'), count(*)
  FROM dossiers_dossier
 WHERE NOT is_deleted AND opened_on >= %s AND opened_on < %s
 GROUP BY 1, 2"""


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values):
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2025-10")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if "bench" not in urlparse(os.environ.get("DATABASE_URL", "")).path:
        sys.exit("refusing to run: DATABASE_URL must name a bench database")

    import django

    django.setup()
    from django.conf import settings

    # Production serves collected static files from a manifest; the benchmark does not collect them.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.db import connection
    from django.test import Client

    from documents.models import Document
    from dossiers.models import Dossier
    from recordsportal.models import User
    from recordsportal.roles import Role
    from reports.compliance import compute_month
    from reports.models import Snapshot, next_month

    month = dt.datetime.strptime(args.month, "%Y-%m").date()
    end = next_month(month)
    documents = Document.objects.filter(register_date__gte=month, register_date__lt=end).count()
    dossiers = Dossier.objects.filter(opened_on__gte=month, opened_on__lt=end).count()
    print(f"data: {Document.all_objects.count():,} documents, {Dossier.all_objects.count():,} dossiers; "
          f"month {month:%m/%Y}: {documents:,} documents, {dossiers:,} dossiers")

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_E, [month, end])
            cursor.fetchall()
            cursor.execute(RAW_H, [month, end])
            cursor.fetchall()

    compute_month(month)  # warm-up, and snapshots for the dashboard
    raw()
    # Interleave the two so both see the same cache and load.
    compute_times, raw_times = [], []
    for _ in range(args.runs):
        compute_times += timed(lambda: compute_month(month), 1)
        raw_times += timed(raw, 1)
    snapshots = Snapshot.objects.filter(month=month).count()
    compute_ms, raw_ms = statistics.median(compute_times), statistics.median(raw_times)
    print(f"compute one month (E+H, {snapshots:,} snapshots upserted): median {compute_ms:.0f} ms")
    print(f"raw SQL aggregates over the same rows:                      median {raw_ms:.0f} ms")
    print(f"ratio: {compute_ms / raw_ms:.2f}x (target <= 2x)")

    # The dashboard reads snapshots: make the twelve months before exist too.
    first = month.replace(year=month.year - 1)
    m = first
    while m < month:
        if not Snapshot.objects.filter(month=m).exists():
            compute_month(m)
        m = next_month(m)

    # Fresh statistics, as autovacuum would gather them after a night's computation.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_snapshot")
    office = User.objects.filter(groups__name=Role.OFFICE).first() or User.objects.filter(is_superuser=True).first()
    head = User.objects.filter(groups__name=Role.DEPARTMENT_HEAD).first()
    for label, user in (("Office (agency and its top-level departments)", office), ("department head", head)):
        client = Client()
        client.force_login(user)
        url = f"/reports/?month={month:%Y-%m}"
        assert client.get(url, secure=True, HTTP_HOST="127.0.0.1").status_code == 200
        times = timed(lambda client=client, url=url: client.get(url, secure=True, HTTP_HOST="127.0.0.1"), 30)
        print(f"dashboard, {label}: p50 {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms (target p95 <= 100 ms)")

    client = Client()
    client.force_login(office)
    url = f"/reports/monthly.pdf?month={month:%Y-%m}"
    assert client.get(url, secure=True, HTTP_HOST="127.0.0.1").status_code == 200
    times = timed(lambda: client.get(url, secure=True, HTTP_HOST="127.0.0.1"), 5)
    size = len(client.get(url, secure=True, HTTP_HOST="127.0.0.1").content)
    print(f"monthly PDF ({size:,} bytes): median {statistics.median(times) / 1000:.2f} s, "
          f"max {max(times) / 1000:.2f} s (target <= 3 s)")


if __name__ == "__main__":
    main()
