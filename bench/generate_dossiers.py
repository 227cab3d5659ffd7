"""Benchmark data: 500,000 work dossiers beside the bench documents (run bench/generate.py first).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \
        .venv/bin/python bench/generate_dossiers.py --dossiers 500000 [--reset]

Dossiers are spread over the bench officers, 2021 to today, each formed by its officer's
department, ~45% electronic, most of the older ones closed with a due date by the 2024 rule, some
archived. Loaded with PostgreSQL COPY. Refuses to run unless the database name contains "bench".
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")

TOPICS = ["Hồ sơ thẩm định dự án đầu tư", "Hồ sơ cấp phép xây dựng", "Hồ sơ kiểm tra môi trường",
          "Hồ sơ hội nghị xúc tiến đầu tư", "Hồ sơ quyết toán kinh phí", "Hồ sơ tuyển dụng lao động",
          "Hồ sơ giải phóng mặt bằng", "Hồ sơ cải cách hành chính", "Hồ sơ thi đua khen thưởng"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    name = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to run: DATABASE_URL must name a database containing 'bench' (got {name!r})")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from recordsportal.models import Agency, User
    from recordsportal.text import search_key

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute("TRUNCATE dossiers_dossier, dossiers_historicaldossier CASCADE")
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        if cursor.fetchone()[0]:
            sys.exit("dossiers already present: pass --reset to regenerate")

    rng = random.Random(args.seed)
    agency = Agency.load()
    officers = list(User.objects.filter(department__isnull=False).values_list("id", "department_id", "department__abbreviation"))
    today = dt.date.today()
    start = dt.date(2021, 1, 1)
    span = (today - start).days
    now = dt.datetime.now(dt.UTC).isoformat()
    numbers = {}

    def rows():
        for index in range(args.dossiers):
            officer_id, department_id, abbreviation = rng.choice(officers)
            opened = start + dt.timedelta(days=int(span * (index / args.dossiers)) + rng.randint(0, 3))
            opened = min(opened, today)
            key = (department_id, opened.year)
            numbers[key] = numbers.get(key, 0) + 1
            number_symbol = f"{numbers[key]:02d}.{abbreviation}"
            code = f"{agency.identifier_code}.{opened.year}.{number_symbol}"
            title = f"{rng.choice(TOPICS)} năm {opened.year} (số {index})"
            electronic = rng.random() < 0.45
            retention = rng.choice([0, 5, 10, 10, 20, 2])
            age = (today - opened).days
            if age > 200:
                ended = min(opened + dt.timedelta(days=rng.randint(30, 180)), today)
                archived = age > 700 and rng.random() < 0.7 and retention >= 5 or retention == 0 and age > 700
                status = "archived" if archived else "closed"
                due = dt.date(ended.year + 1, 12, 31) if (retention == 0 or retention >= 5) else None
            else:
                ended, status, due, archived = None, "open", None, False
            yield "\t".join([
                str(department_id), str(officer_id), str(opened.year), number_symbol, code, title,
                str(retention), opened.isoformat(), ended.isoformat() if ended else r"\N", status,
                "t" if electronic else "f", "electronic" if electronic else "paper", "", "",
                due.isoformat() if due else r"\N", (ended + dt.timedelta(days=400)).isoformat() if archived else r"\N",
                "", search_key(f"{code} {title}"), now, now, "f", "1", str(officer_id),
            ]) + "\n"

    columns = ("department_id, officer_id, year, number_symbol, code, title, retention_years, opened_on, ended_on, "
               "status, kept_in_portal, form, closing_note, notes, due_on, archived_on, return_reason, search_text, "
               "created_at, updated_at, is_deleted, version, created_by_id")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY dossiers_dossier ({columns}) FROM STDIN") as copy:
            batch = []
            for line in rows():
                batch.append(line)
                if len(batch) >= 20_000:
                    copy.write("".join(batch))
                    batch.clear()
            copy.write("".join(batch))
        cursor.execute("ANALYZE dossiers_dossier")
    elapsed = time.perf_counter() - started
    print(f"{args.dossiers:,} dossiers in {elapsed:.1f} s ({args.dossiers / elapsed:,.0f} rows/s)")


if __name__ == "__main__":
    main()
