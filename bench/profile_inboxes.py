"""Every inbox and home page of the handling chain (issue 15) at bench scale: queries, p50 and p95.

    createdb -T rp_bench rp_<you>_bench && psql -d rp_<you>_bench -f bench/inbox_state.sql
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_<you>_bench \\
        .venv/bin/python -W ignore bench/profile_inboxes.py [--runs 40]

In process (Django's test client, no server), as profile_routes.py: each page is fetched once to
warm up, then --runs times; the whole request time is reported as p50, p95 and max, with the SQL
queries of the last run. The people are the ones with the most work waiting: the leader named
most in submissions, the head of the department with most documents awaiting dispatch, the
officer with most open documents, an Office clerk. Read-only: no POST is sent (logging in writes
a session row).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def people():
    from django.db import connection

    def one(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    return {
        "leader": one("SELECT u.username FROM recordsportal_user u JOIN documents_document d ON d.submitted_to_id = u.id"
                      " WHERE d.status = 'submitted' GROUP BY u.username ORDER BY count(*) DESC LIMIT 1"),
        "head": one("SELECT u.username FROM recordsportal_department p JOIN recordsportal_user u ON u.id = p.head_id"
                    " JOIN recordsportal_department c ON c.path LIKE p.path || '%'"
                    " JOIN documents_document d ON d.department_id = c.id AND d.status = 'assigned' AND d.officer_id IS NULL"
                    " GROUP BY u.username ORDER BY count(*) DESC LIMIT 1"),
        "officer": one("SELECT u.username FROM recordsportal_user u JOIN documents_document d ON d.officer_id = u.id"
                       " WHERE d.status IN ('assigned', 'in_progress') AND NOT EXISTS (SELECT 1 FROM"
                       " recordsportal_department h WHERE h.head_id = u.id)"
                       " GROUP BY u.username ORDER BY count(*) DESC LIMIT 1"),
        "clerk": one("SELECT u.username FROM recordsportal_user u JOIN recordsportal_user_groups ug ON ug.user_id = u.id"
                     " JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'office' ORDER BY u.id LIMIT 1"),
    }


ROUTES = [
    ("leader", "home (leader)", "/"),
    ("leader", "leadership inbox", "/documents/inbox/leadership/"),
    ("leader", "notifications (leader)", "/notifications/"),
    ("head", "home (head)", "/"),
    ("head", "department inbox", "/documents/inbox/department/"),
    ("head", "deadlines (head)", "/documents/deadlines/"),
    ("officer", "home (officer)", "/"),
    ("officer", "to handle (officer)", "/documents/to-handle/"),
    ("officer", "notifications (officer)", "/notifications/"),
    ("officer", "notifications API (officer)", "/api/v1/notifications/"),
    ("clerk", "home (office)", "/"),
    ("clerk", "deadlines (office)", "/documents/deadlines/"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    if "bench" not in urlparse(os.environ.get("DATABASE_URL", "")).path:
        sys.exit("refusing to run: DATABASE_URL must name a bench database")

    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recordsportal.models import User

    who = people()
    print("people:", ", ".join(f"{k}={v}" for k, v in who.items()))
    # "cpu+sql": this process's CPU time plus the SQL time of the request, what the request costs
    # without waiting for a core: on a shared, loaded machine the wall-clock p95 mostly measures
    # the queue for the CPU.
    print(f"{'page':<30} {'status':>6} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu+sql p95':>11}")
    clients = {}
    for role, name, url in ROUTES:
        if args.only and args.only not in name:
            continue
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client()
            client.force_login(User.objects.get(username=who[role]))
        client.get(url)
        times, costs = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu = (time.process_time() - cpu) * 1000
            costs.append(cpu + sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        times.sort()
        costs.sort()

        def p95(values):
            return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]

        print(f"{name:<30} {response.status_code:>6} {len(ctx.captured_queries):>7} {statistics.median(times):>7.1f} "
              f"{p95(times):>7.1f} {times[-1]:>7.1f} {p95(costs):>11.1f}")


if __name__ == "__main__":
    main()
