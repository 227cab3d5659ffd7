"""Benchmark: an export above EXPORT_TASK_THRESHOLD as the Celery task writes it (issue 16).

Runs what `recordsportal.exports.export_run` does after reading its job row: the builder as the
asking user (here an Office clerk of the bench agency, who sees the whole register) with a page's
query string, the full count, then `write_export` (rows streamed from PostgreSQL with
`.iterator(chunk_size=2000)` into openpyxl write-only, then copied under MEDIA_ROOT). Only the
job row's own UPDATEs (at most two a second) are left out: the bench database is read-only shared
data and carries no ExportJob table. Prints wall time, rows per second and the process's peak
RSS before and after (the growth is what the export costs).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/bench_export_task.py \\
        --query "direction=incoming&date_from=01/01/2025&date_to=30/06/2025"
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-exports-"))

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402

from recordsportal.exports import write_export  # noqa: E402
from recordsportal.models import User  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="bench.vt0007")
    parser.add_argument("--builder", default="documents.exports.register_list_export")
    parser.add_argument("--query", default="direction=incoming&date_from=01/01/2025&date_to=30/06/2025")
    args = parser.parse_args()
    from django.utils.module_loading import import_string

    translation.activate("vi")
    builder = import_string(args.builder)
    user = User.objects.get(username=args.user)
    before = rss_mb()
    started = time.monotonic()
    export = builder(user, QueryDict(args.query))
    total = export.count(None)
    counted = time.monotonic()
    written = []
    name = write_export(export, lambda rows, errors: written.append(rows) if rows % 10000 == 0 else None)
    done = time.monotonic()
    size = os.path.getsize(os.path.join(os.environ["MEDIA_ROOT"], name)) / 1024 / 1024
    print(f"{args.builder} as {args.user}, ?{args.query}")
    print(f"rows {total:,}; count {counted - started:.1f} s; write {done - counted:.1f} s; "
          f"total {done - started:.1f} s ({total / (done - started):,.0f} rows/s); file {size:.1f} MB")
    print(f"peak RSS {before:.0f} MB before, {rss_mb():.0f} MB after (growth {rss_mb() - before:.0f} MB); "
          f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")


if __name__ == "__main__":
    main()
