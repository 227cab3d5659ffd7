"""Searches and lists of every scope, through gunicorn over HTTP (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \
        .venv/bin/python -W ignore bench/bench_scopes.py [--runs 20] [--warmup 3] [--label NAME] [--only TEXT]

Starts gunicorn as bench/run_load.py does (production settings, DEBUG off, whitenoise serving
the collected static files, 4 workers x 2 threads, plain http on 127.0.0.1), logs each role in
through the login form, and requests each case one after the other (no concurrency: the
figure is what one person waits for). Roles: the Office (bench.vt0007, the agency), the head of
a department with units (bench.tp0023, QLĐT and its 9 units), a unit head (bench.tp0043,
QLĐT-1) and an officer (bench.cb1195). Kinds: a rare word, a phrase of common words, a single
common word, no query with filters, page 1 and a deep page. Each case: warm-up requests, then
`--runs` timed ones; p50/p95/max in ms against the target (search p95 <= 300 ms, list p95 <=
200 ms), the 1-minute load average before and after the case, and for each search the ratio of
a head's p95 to the Office's (target <= 2x). Table on stdout (also as Markdown) and in
bench/out/scopes-<label>.json.

Refuses a database whose name does not contain "bench". Sets one known password on the four
accounts and clears their axes records (as run_load.py does for every bench.* account).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from run_load import PASSWORD, free_port, uptime  # noqa: E402  (same server, same accounts)

TARGETS = {"search": 300, "list": 200}
ROLES = {  # name: (username, deep page: ~the last pages of the scope's register)
    "Office": ("bench.vt0007", 200),
    "head (10 units)": ("bench.tp0023", 200),
    "unit head": ("bench.tp0043", 150),
    "officer": ("bench.cb1195", 100),
}
KINDS = [  # name, group, query string (deep page: filled per role)
    ("rare word `vinfast`", "search", "q=vinfast"),
    ("phrase `quyet dinh dau tu`", "search", "q=quyet+dinh+dau+tu"),
    ("common word `trien khai`", "search", "q=trien+khai"),
    ("phrase + filter (incoming)", "search", "q=quyet+dinh&direction=incoming"),
    ("no query, filters dir+year", "list", "direction=incoming&year=2025"),
    ("register page 1", "list", ""),
    ("deep page", "list", "page={deep}"),
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--label", default="run")
    parser.add_argument("--only", help="run only the cases whose role or kind contains this")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout gunicorn serves (e.g. a `git archive` of an older commit, for a before/after)")
    return parser.parse_args()


def prepare():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import check_password, make_password
    from django.db import connection

    from recordsportal.models import User

    users = User.objects.filter(username__in=[u for u, _ in ROLES.values()])
    if users.count() != len(ROLES):
        sys.exit("bench accounts missing: run bench/generate.py first")
    if not all(check_password(PASSWORD, u.password) for u in users):
        users.update(password=make_password(PASSWORD))
    AccessAttempt.objects.filter(username__in=[u for u, _ in ROLES.values()]).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document")
        documents = cursor.fetchone()[0]
    connection.close()
    return documents


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def start_server(url, args, static_root, tmp):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "STATIC_ROOT": str(static_root), "MEDIA_ROOT": str(tmp / "media"),
        "CELERY_BROKER_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    if not (static_root / "staticfiles.json").exists():
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
                       env=env, check=True, cwd=ROOT)
    port = free_port()
    # The production image's configuration file (its logging, and each worker's garbage collector
    # tuned once the portal is loaded: recordsportal/gunicorn_conf.py), as run_load.py does.
    cmd = [str(VENV_BIN / "gunicorn"), "recordsportal.wsgi:application", "--config", "python:recordsportal.gunicorn_conf",
           "--bind", f"127.0.0.1:{port}",
           "--workers", str(args.workers), "--timeout", "60", "--worker-class", "gthread",
           "--threads", str(args.threads), "--keep-alive", "30"]
    log = open(OUT / f"gunicorn-scopes-{args.label}.log", "w")
    server = subprocess.Popen(cmd, env=env, cwd=args.code, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return server, log, port


def login(session, base, username):
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF.search(page.text)
    response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=60, data={
        "username": username, "password": PASSWORD, "next": "", "csrfmiddlewaretoken": token.group(1) if token else ""})
    if response.status_code != 302:
        sys.exit(f"login of {username} answered {response.status_code}")


def main():
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in urlparse(url).path:
        sys.exit(f"refusing to run: DATABASE_URL must name a database containing 'bench' (got {url!r})")
    import requests

    OUT.mkdir(parents=True, exist_ok=True)
    documents = prepare()
    tmp = Path(tempfile.mkdtemp(prefix="rp-scopes-"))
    # run_load.py's collected files when there are some, else our own copy (collected once).
    static_root = OUT / "static" if (OUT / "static" / "staticfiles.json").exists() else OUT / "static-scopes"
    server, log, port = start_server(url, args, static_root, tmp)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start (see {log.name})")
            time.sleep(0.5)
        sessions = {}
        for role, (username, _deep) in ROLES.items():
            sessions[role] = requests.Session()
            login(sessions[role], base, username)
        print(f"{documents:,} documents; code: {args.code}; gunicorn --workers {args.workers} --threads {args.threads} on {base}; "
              f"{args.runs} runs after {args.warmup} warm-up per case, one request at a time")
        print(f"start: {uptime()}", flush=True)
        print(f"{'kind':30} {'role':16} {'rows':>5} {'p50':>7} {'p95':>7} {'max':>7}  {'target':14} load 1-min")
        for kind, group, query in KINDS:
            for role, (username, deep) in ROLES.items():
                if args.only and args.only not in kind and args.only not in role:
                    continue
                path = "/documents/" + ("?" + query.format(deep=deep) if query else "")
                session = sessions[role]
                for _ in range(args.warmup):
                    response = session.get(base + path, timeout=60)
                    assert response.status_code == 200, (path, response.status_code)
                rows = len(set(re.findall(r'href="/documents/(\d+)/"', response.text)))
                load_before = os.getloadavg()[0]
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    response = session.get(base + path, timeout=60)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                load_after = os.getloadavg()[0]
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                target = TARGETS[group]
                verdict = f"≤{target} {'ok' if p95 <= target else 'MISSED'}"
                print(f"{kind:30} {role:16} {rows:>5} {p50:7.0f} {p95:7.0f} {max(times):7.0f}  {verdict:14} "
                      f"{load_before:.1f}→{load_after:.1f}", flush=True)
                results.append({"kind": kind, "group": group, "role": role, "user": username, "path": path,
                                "rows": rows, "p50_ms": round(p50), "p95_ms": round(p95), "max_ms": round(max(times)),
                                "target_p95_ms": target, "met": p95 <= target,
                                "load_before": round(load_before, 2), "load_after": round(load_after, 2)})
        print(f"end: {uptime()}")
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        except ProcessLookupError:
            pass
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)

    # A head's search at most 2x the Office's for the same words.
    office = {r["kind"]: r["p95_ms"] for r in results if r["role"] == "Office"}
    for r in results:
        if r["group"] == "search" and r["role"] != "Office" and r["kind"] in office and "head" in r["role"]:
            r["ratio_to_office"] = round(r["p95_ms"] / office[r["kind"]], 2) if office[r["kind"]] else None
    print("\n| kind | role | rows | p50 | p95 | target (p95) | head / Office | load 1-min |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r.get("ratio_to_office")
        ratio_text = "" if ratio is None else f"{ratio:.1f}× ({'ok' if ratio <= 2 else 'MISSED'})"
        print(f"| {r['kind']} | {r['role']} | {r['rows']} | {r['p50_ms']} | {r['p95_ms']} | "
              f"≤ {r['target_p95_ms']}: {'met' if r['met'] else '**missed**'} | {ratio_text} | "
              f"{r['load_before']:.1f} → {r['load_after']:.1f} |")
    (OUT / f"scopes-{args.label}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    missed = [r for r in results if not r["met"] or (r.get("ratio_to_office") or 0) > 2]
    print(f"\n{len(results) - len(missed)} of {len(results)} cases within target; figures: bench/out/scopes-{args.label}.json")


if __name__ == "__main__":
    main()
