"""Benchmark: the register import task (documents.tasks.register_import_task) on a generated file.

Generates an incoming register of N rows (default 100,000) as an e-office export would look:
two title rows above the header, 14 columns (numbers, dates, issuer, symbol, kind, summary,
recipients, notes, form, urgency, lead department, lead officer, received medium), then runs the
task's work (`services.register_import_run`) as a worker would: the dry run, then the import
(`confirm=True`), and prints each one's task time and peak memory against the targets of issue 16
(100,000 rows: <= 15 s of task time, < 100 MB).

    # SQLite (a file of its own under /tmp, migrated on first use):
    .venv/bin/python bench/bench_import.py --rows 100000
    # PostgreSQL (a database of your own; it is emptied of documents first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_h14import .venv/bin/python bench/bench_import.py --rows 100000

Each phase runs twice: once for the time (no tracing), once under tracemalloc for the peak of
Python allocations; the process's max RSS before and after is printed too (it includes Django,
openpyxl and the interpreter, ~100 MB before the task starts).
"""

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recordsportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SQLITE_PATH", "/tmp/rp_h14import_bench.sqlite3")
MEDIA = tempfile.mkdtemp(prefix="bench-import-media-")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

settings.MEDIA_ROOT = MEDIA

from documents import importer, services  # noqa: E402
from documents.models import Document, NumberCounter, RegisterImport  # noqa: E402
from recordsportal.models import Department, User  # noqa: E402
from recordsportal.roles import Role  # noqa: E402

TARGET_SECONDS = 15.0
TARGET_MB = 100.0
HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu",
           "Đơn vị hoặc người nhận", "Ghi chú", "Hình thức", "Độ khẩn", "Đơn vị chủ trì", "Cán bộ xử lý",
           "Hình thức nhận"]
ISSUERS = ["UBND tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Sở Tài nguyên và Môi trường",
           "Bộ Kế hoạch và Đầu tư", "Công an tỉnh", "Sở Công Thương", "Sở Giao thông vận tải", "Kho bạc Nhà nước"]
KINDS = ["Công văn", "Quyết định", "Thông báo", "Kế hoạch", "Báo cáo", "Giấy mời", "Tờ trình"]
WORDS = ("triển khai kế hoạch đầu tư xây dựng hạ tầng khu kinh tế thẩm định dự án giải phóng mặt bằng báo cáo "
         "tình hình thu hút vốn quyết toán công trình đường trục chính cấp phép môi trường lao động doanh nghiệp").split()


def say(text):
    print(text, flush=True)


def set_up(departments=20, officers=200):
    call_command("migrate", verbosity=0)
    clerk = User.objects.filter(username="bench_clerk").first()
    if clerk is None:
        office = Department.objects.create(name="Văn phòng (bench)", abbreviation="VPB", kind="office")
        clerk = User.objects.create(username="bench_clerk", full_name="Văn Thư Bench", department=office)
    from django.contrib.auth.models import Group

    clerk.groups.add(Group.objects.get_or_create(name=Role.OFFICE)[0])
    clerk = User.objects.get(pk=clerk.pk)
    names = []
    for i in range(departments):
        department, _ = Department.objects.get_or_create(name=f"Phòng Bench {i:02d}", defaults={"abbreviation": f"PB{i:02d}"})
        for j in range(officers // departments):
            user, _ = User.objects.get_or_create(username=f"bench_{i:02d}_{j:02d}", defaults={
                "full_name": f"Cán Bộ Bench {i:02d} {j:02d}", "department": department})
            names.append((department.name, user.full_name if j % 2 else user.username))
    return clerk, names


def generate(rows: int, names) -> bytes:
    """The register as Excel (and the e-office system's export) writes it: text in a shared
    strings table, dates as text dd/mm/yyyy. (openpyxl's own writer puts every text inline in the
    cell, which costs a reader several times more per cell than a shared string.)"""
    import zipfile
    from xml.sax.saxutils import escape

    rng = random.Random(14)
    strings: dict[str, int] = {}

    def ref(text) -> int:
        if text not in strings:
            strings[text] = len(strings)
        return strings[text]

    def letter(index):
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]

    def row_xml(number, values):
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            where = f"{letter(index)}{number}"
            if isinstance(value, int):
                cells.append(f'<c r="{where}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{where}" t="s"><v>{ref(str(value))}</v></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'

    lines = [row_xml(1, ["BAN QUẢN LÝ KHU KINH TẾ TỈNH"]), row_xml(2, [f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN ({rows} dòng)"]),
             row_xml(3, HEADERS)]
    start = dt.date(2025, 1, 1)
    for n in range(1, rows + 1):
        arrival = start + dt.timedelta(days=(n * 300) // rows)
        department, officer = names[n % len(names)]
        form = "Điện tử" if n % 4 else "Giấy"
        issuer = ISSUERS[n % len(ISSUERS)]
        lines.append(row_xml(n + 3, [
            n, arrival.strftime("%d/%m/%Y"), issuer, f"{n}/{issuer[:3].upper()}-VP{n % 7}",
            (arrival - dt.timedelta(days=1)).strftime("%d/%m/%Y"), KINDS[n % len(KINDS)],
            "Về việc " + " ".join(rng.choice(WORDS) for _ in range(12)), "Phòng Quản lý Đầu tư", "",
            form, "Thường", department, officer, "Giấy" if n % 5 == 0 else form,
        ]))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:N{rows + 3}"/><sheetData>{"".join(lines)}</sheetData></worksheet>')
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="Sổ văn bản đến" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def empty_documents():
    with connection.cursor() as cursor:
        for model in (Document.history.model, Document):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # nosec B608: our own tables
    NumberCounter.objects.all().delete()
    RegisterImport.objects.all().delete()
    if connection.vendor == "postgresql":
        # Autovacuum is off on the bench server: without this each run's deleted rows stay in
        # the table and its indexes, and the next run's checks read them (the dry run's went
        # from 2 s to 22 s after a few runs). The history table too: its deleted rows' index
        # entries stayed for the next run's history rows to be written among.
        with connection.cursor() as cursor:
            for model in (Document, Document.history.model):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")  # nosec B608: our own tables


def new_record(clerk, data: bytes) -> RegisterImport:
    handle = io.BytesIO(data)
    handle.size = len(data)
    headers, total = importer.inspect_upload(handle, "incoming")
    record = RegisterImport(direction="incoming", original_name="bench.xlsx", size=len(data), sha256="-",
                            headers=headers, mapping=importer.auto_mapping(headers, "incoming"), rows_total=total,
                            created_by=clerk)
    record.file.save("upload.xlsx", ContentFile(data), save=False)
    record.save()
    return record


def phase(record, confirm: bool, traced: bool):
    services.register_import_start(acting_user=record.created_by, record=record, confirm=confirm)
    if traced:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    result = services.register_import_run(register_import_id=record.pk, confirm=confirm)
    seconds = time.perf_counter() - started
    phase.cpu = time.process_time() - cpu  # this process's CPU: the task's own work on a shared machine
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if traced else None
    if traced:
        tracemalloc.stop()
    return result, seconds, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the import (confirm) phase")
    args = parser.parse_args()
    engine = connection.vendor
    say(f"database: {engine} ({settings.DATABASES['default']['NAME']}); rows: {args.rows:,}; "
        f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    clerk, names = set_up()
    started = time.perf_counter()
    data = generate(args.rows, names)
    say(f"generated {len(data) / 1024 / 1024:.1f} MB in {time.perf_counter() - started:.1f} s")
    empty_documents()
    t, cpu = time.perf_counter(), time.process_time()
    record = new_record(clerk, data)
    say(f"upload checks in the request (header, row count) and the file stored: {time.perf_counter() - t:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU; rows_total={record.rows_total:,}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = []
    count = 0
    for confirm in (False, True):
        name = "import (confirm)" if confirm else "dry run"
        if args.profile:
            import cProfile
            import pstats

            services.register_import_start(acting_user=clerk, record=record, confirm=confirm)
            profiler = cProfile.Profile()
            profiler.enable()
            services.register_import_run(register_import_id=record.pk, confirm=confirm)
            profiler.disable()
            say(f"--- {name}")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            continue
        result, seconds, _ = phase(record, confirm, traced=False)
        cpu = phase.cpu
        record.refresh_from_db()
        assert record.state == "done" and record.error_count == 0, (record.state, record.message, record.errors[:3])
        if confirm:
            assert record.created_count == args.rows, record.created_count
            count = Document.objects.count()
            # The traced run needs the documents gone again (and a dry run of its own, whose
            # parsed rows the import uses, as in the timed run).
            empty_documents()
            record = new_record(clerk, data)
            phase(record, False, traced=False)
            result, _, peak = phase(record, True, traced=True)
            record.refresh_from_db()
            # The import without a dry run's parsed rows (another file's, a day later, a
            # department renamed since): it reads the file, as before issue 16's second pass.
            empty_documents()
            record = new_record(clerk, data)
            phase(record, False, traced=False)
            RegisterImport.objects.filter(pk=record.pk).update(preview={})
            record.refresh_from_db()
            _result, cold_seconds, _ = phase(record, True, traced=False)
            say(f"import (confirm) reading the file again: {cold_seconds:.1f} s wall, {phase.cpu:.1f} s CPU")
        else:
            _result, _, peak = phase(record, False, traced=True)
        rows.append((name, seconds, peak))
        say(f"{name}: {seconds:.1f} s wall, {cpu:.1f} s CPU of the task's process "
            f"(target ≤ {TARGET_SECONDS:.0f} s: wall {'OK' if seconds <= TARGET_SECONDS else 'MISSED'}, "
            f"CPU {'OK' if cpu <= TARGET_SECONDS else 'MISSED'}), "
            f"peak Python memory {peak:.1f} MB (target < {TARGET_MB:.0f} MB: {'OK' if peak < TARGET_MB else 'MISSED'})")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"documents imported: {count:,}; process max RSS {rss_before:.0f} MB before the runs, {rss_after:.0f} MB after "
        f"(+{rss_after - rss_before:.0f} MB)")
    say(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    empty_documents()


if __name__ == "__main__":
    main()
