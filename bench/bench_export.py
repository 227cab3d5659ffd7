"""Benchmark: the Excel export of the register list (documents/views/exports.py → export_xlsx).

Measures wall time and peak Python memory of the exact writer path the view uses:
`exports.list_rows` (codes → Vietnamese labels) → `recordsportal.xlsx.write_workbook` (openpyxl
write-only, every text a text cell), written to a temporary file as `xlsx_response` does.

    # rows built in memory (no database needed), 10,000 and 100,000 rows:
    .venv/bin/python bench/bench_export.py --rows 10000 100000
    # rows read from PostgreSQL with the view's query (values_list + iterator(chunk_size=2000)):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench .venv/bin/python bench/bench_export.py --from-db --rows 100000

Each size runs twice: once for the time (no tracing), once under tracemalloc for the peak.
"""

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from documents import exports  # noqa: E402
from documents.models import Document  # noqa: E402
from recordsportal.xlsx import write_workbook  # noqa: E402

ISSUERS = ["Ủy ban nhân dân tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Bộ Công Thương", "Công an tỉnh",
           "Sở Tài nguyên và Môi trường", "Ban Quản lý các Khu công nghiệp", "Kho bạc Nhà nước tỉnh"]
TOPICS = ["triển khai kế hoạch cải cách hành chính", "báo cáo tình hình thu hút đầu tư", "giao dự toán ngân sách",
          "thẩm định dự án nhà máy", "kiểm tra công tác văn thư, lưu trữ", "xúc tiến đầu tư vào khu kinh tế",
          "cấp giấy chứng nhận đăng ký đầu tư", "phòng cháy, chữa cháy tại khu công nghiệp"]
KINDS = ["CV", "QĐ", "TB", "KH", "BC", "GM", "TTr"]
DEPARTMENTS = ["Văn phòng", "Phòng Quản lý Đầu tư", "Phòng Quản lý Doanh nghiệp", "Phòng Kế hoạch - Tổng hợp"]
OFFICERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


def memory_rows(count: int, seed: int = 1):
    """Tuples shaped like `exports.LIST_FIELDS`, every summary unique (as in a real register)."""
    rng = random.Random(seed)
    start = dt.date(2026, 1, 1)
    for i in range(count):
        date = start + dt.timedelta(days=i * 365 // max(count, 1))
        kind = rng.choice(KINDS)
        yield (
            "incoming", 2026, i + 1, f"{rng.randint(1, 999)}/{kind}-UBND", date, date - dt.timedelta(days=2), kind,
            f"Về việc {rng.choice(TOPICS)} (văn bản thứ {i + 1})", rng.choice(ISSUERS), "Các phòng chuyên môn", "",
            "electronic" if rng.random() < 0.95 else "paper", "normal", "normal", "assigned", rng.choice(DEPARTMENTS),
            rng.choice(OFFICERS), date + dt.timedelta(days=10), "",
        )


def db_rows(count: int):
    queryset = Document.objects.order_by("-register_date", "-id")[:count]
    return exports.list_export_queryset(queryset)


def export(source, count: int) -> int:
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        rows = exports.list_rows(source(count))
        write_workbook(handle, [("Văn bản", exports.list_headers(), rows, exports.LIST_WIDTHS)])
        handle.seek(0, os.SEEK_END)
        return handle.tell()


def measure(source, count: int, trace: bool) -> dict:
    """Run in a fresh process per size, so max RSS belongs to this size alone."""
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    size = export(source, count)
    seconds = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = None
    if trace:
        tracemalloc.start()
        export(source, count)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return {"rows": count, "seconds": seconds, "peak_mb": peak, "file_mb": size / 1024 / 1024,
            "baseline_mb": baseline, "maxrss_mb": maxrss}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--from-db", action="store_true", help="read the rows from DATABASE_URL")
    parser.add_argument("--trace", action="store_true", help="also run once under tracemalloc (slow) for the peak")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    translation.activate("vi")
    source = db_rows if args.from_db else memory_rows
    if args.from_db and not args.one:
        available = Document.objects.count()
        if available < max(args.rows):
            sys.exit(f"only {available:,} documents in the database; generate bench data first (bench/generate.py)")
    if args.one:
        r = measure(source, args.one, args.trace)
        peak = f"{r['peak_mb']:.1f}" if r["peak_mb"] is not None else "-"
        print(f"{r['rows']:>9,} {r['seconds']:>8.2f} {r['rows'] / r['seconds']:>8,.0f} {r['baseline_mb']:>12.0f} "
              f"{r['maxrss_mb']:>11.0f} {peak:>18} {r['file_mb']:>8.1f}", flush=True)
        return
    import openpyxl

    try:
        import lxml  # noqa: F401
        writer = "lxml"
    except ImportError:
        writer = "stdlib xml"
    print(f"source: {'PostgreSQL (' + os.environ.get('DATABASE_URL', '').rsplit('/', 1)[-1] + ')' if args.from_db else 'memory'}"
          f"; openpyxl {openpyxl.__version__} write-only ({writer}); python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'rows':>9} {'seconds':>8} {'rows/s':>8} {'RSS before MB':>12} {'max RSS MB':>11} "
          f"{'tracemalloc peak':>18} {'file MB':>8}", flush=True)
    for count in args.rows:
        extra = (["--from-db"] if args.from_db else []) + (["--trace"] if args.trace else [])
        subprocess.run([sys.executable, __file__, "--one", str(count), *extra], check=True)


if __name__ == "__main__":
    main()
