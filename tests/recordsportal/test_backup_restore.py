"""Backup and restore on real PostgreSQL: the round trip keeps every row and every file's
SHA-256; a tampered backup and a non-empty target are refused.

The seeded data is committed (transaction=True) so that pg_dump, in another process, sees it.
Backup and restore run as `manage.py` subprocesses with their own DATABASE_URL and MEDIA_ROOT,
exactly as an administrator would run them.
"""

import datetime
import hashlib
import json
import re
import os
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ..conftest import CLEARED_FOR_SUBPROCESS, require, require_tool

ROOT = Path(__file__).resolve().parents[2]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8

# Committed data (transaction=True): pg_dump runs in another process and sees only committed rows.
committed = pytest.mark.django_db(transaction=True)


def conninfo(db_settings, name=None) -> dict:
    return {
        "host": db_settings["HOST"] or None,
        "port": db_settings["PORT"] or None,
        "user": db_settings["USER"] or None,
        "password": db_settings["PASSWORD"] or None,
        "dbname": name or db_settings["NAME"],
    }


def database_url(db_settings, name) -> str:
    auth = db_settings["USER"] + (f":{db_settings['PASSWORD']}" if db_settings["PASSWORD"] else "")
    return f"postgres://{auth}@{db_settings['HOST'] or '127.0.0.1'}:{db_settings['PORT'] or 5432}/{name}"


def manage(*args, database: str, media: Path, timeout=300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    env.update(DATABASE_URL=database, MEDIA_ROOT=str(media), LOG_FORMAT="plain")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def row_counts(info: dict) -> dict[str, int]:
    with psycopg.connect(**info) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def table_contents(info: dict) -> dict[str, tuple[int, str]]:
    """(rows, MD5 of every row's text in a fixed order) per table: equal means the same content."""
    with psycopg.connect(**info) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: tuple(conn.execute(
            f"SELECT COUNT(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM \"{t}\" x").fetchone())
            for t in tables}


def sequence_values(info: dict) -> dict[str, int | None]:
    with psycopg.connect(**info) as conn:
        return dict(conn.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))


NEXT_DOCUMENT = """
import datetime, django
django.setup()
from documents import services
from documents.models import Document
from recordsportal.models import User
last = Document.objects.order_by("-pk").first()
new = services.incoming_register(
    acting_user=User.objects.get(username="clerk"), number_symbol="6/UBND-KT", issuer="UBND tỉnh",
    summary="Đăng ký sau khi khôi phục", document_date=datetime.date(2026, 3, 9),
    arrival_date=datetime.date(2026, 3, 9), attachments=[])
print("NEXT", last.number, last.pk, new.number, new.pk)
"""


def stored_files(info: dict) -> list[tuple[str, str]]:
    """(file, sha256) of every attachment, dossier file and register import in a database."""
    with psycopg.connect(**info) as conn:
        rows = []
        for table in ("documents_attachment", "dossiers_dossieritem", "documents_registerimport"):
            rows += conn.execute(f"SELECT file, sha256 FROM {table} WHERE file <> ''").fetchall()
        return sorted(rows)


@pytest.fixture
def postgres(settings):
    require(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "PostgreSQL (DATABASE_URL)")
    require_tool("pg_dump")
    require_tool("pg_restore")
    return settings.DATABASES["default"]


@pytest.fixture
def empty_database(postgres):
    """A new database with nothing in it (not even migrations), dropped afterwards."""
    name = f"rp_restore_{uuid.uuid4().hex[:10]}"
    admin = conninfo(postgres, "postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def seeded(agency, settings, tmp_path):
    """Documents with attachments, a dossier with an uploaded file, a backlog inventory with
    lines, all through the services, their files under a temporary MEDIA_ROOT."""
    from backlog import services as backlog_services
    from backlog.models import Inventory
    from documents import services as document_services
    from dossiers import services as dossier_services
    from recordsportal.models import Agency

    identity = Agency.load()
    identity.identifier_code, identity.abbreviation = "000.00.31.H09", "BQL"
    identity.save()
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    documents = []
    for n in range(1, 6):
        uploads = [SimpleUploadedFile(f"Công văn {n}.pdf", PDF_BYTES + str(n).encode() * n, "application/pdf"),
                   SimpleUploadedFile(f"Ảnh {n}.png", PNG_BYTES + bytes([n]) * 1000, "image/png")]
        documents.append(document_services.incoming_register(
            acting_user=agency.clerk, number_symbol=f"{n}/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
            summary=f"Về việc đầu tư dự án số {n}", document_date=datetime.date(2026, 3, 2),
            arrival_date=datetime.date(2026, 3, 3), attachments=uploads))
    document = document_services.incoming_assign(acting_user=agency.leader, document=documents[0],
                                                 department=agency.dept_a, officer=agency.officer_a)
    dossier = dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thẩm định dự án",
                                            retention_years=10)
    dossier_services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=document)
    dossier_services.dossier_add_file(acting_user=agency.officer_a, dossier=dossier,
                                      upload=SimpleUploadedFile("Bản đồ quy hoạch.pdf", PDF_BYTES * 3,
                                                                "application/pdf"))
    campaign = backlog_services.campaign_open(
        acting_user=agency.clerk, title="Kiểm kê tài liệu tồn đọng", scope_until_year=2015,
        deadline=datetime.date(2027, 7, 30), departments=[agency.dept_a, agency.dept_b])
    inventory = Inventory.objects.get(campaign=campaign, department=agency.dept_a)
    backlog_services.inventory_line_add(
        acting_user=agency.head_a, inventory=inventory, description="Hồ sơ dự án đầu tư", from_year=2005,
        to_year=2012, shelf_metres=12.5, boxes=100, estimated_dossiers=800, condition="good", location="Kho 1")
    return media


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.services
@committed
def test_round_trip_keeps_every_row_and_checksum(postgres, seeded, empty_database, tmp_path):
    source = conninfo(postgres)
    before = row_counts(source)
    contents, sequences = table_contents(source), sequence_values(source)
    files = stored_files(source)
    assert len(files) == 11  # 10 attachments, 1 dossier file
    assert before["documents_attachment"] == 10 and before["backlog_inventoryline"] == 1

    archive = tmp_path / "backups" / "portal.tar"
    archive.parent.mkdir()
    started = time.monotonic()
    backup = manage("backup", str(archive), database=database_url(postgres, postgres["NAME"]), media=seeded)
    backup_seconds = time.monotonic() - started
    assert backup.returncode == 0, backup.stderr
    assert "11 verified against the database" in backup.stdout

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["format_version"] == 1 and manifest["database"]["vendor"] == "postgresql"
    assert manifest["migrations"]["documents"].startswith("00") and "dossiers" in manifest["migrations"]
    assert {f["path"] for f in manifest["files"]} | {"manifest.json"} == names
    assert manifest["media"]["files"] == 11

    restored_media = tmp_path / "restored-media"
    started = time.monotonic()
    restore = manage("restore", str(archive), database=database_url(postgres, empty_database), media=restored_media)
    restore_seconds = time.monotonic() - started
    assert restore.returncode == 0, restore.stderr
    assert "11 stored files verified against their SHA-256, 0 problems" in restore.stdout

    target = conninfo(postgres, empty_database)
    assert row_counts(target) == before
    # Every table's content, not only its row count, and every sequence where it was.
    restored_contents = table_contents(target)
    assert restored_contents == contents
    assert sequence_values(target) == sequences
    assert stored_files(target) == files
    for name, sha in files:
        assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == sha, name
    for entry in manifest["files"]:
        if entry["path"].startswith("media/"):
            path = restored_media / entry["path"].removeprefix("media/")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    # The restored instance is whole: the same stored files verify with the existing command.
    verify = manage("verify_attachments", database=database_url(postgres, empty_database), media=restored_media)
    assert verify.returncode == 0 and "10 attachments checked, 0 problems" in verify.stdout, verify.stderr
    # Counters continue: the next registration gets the next number of the series and a new id.
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    env.update(DATABASE_URL=database_url(postgres, empty_database), MEDIA_ROOT=str(restored_media), LOG_FORMAT="plain",
               DJANGO_SETTINGS_MODULE="recordsportal.settings")
    following = subprocess.run([sys.executable, "-c", NEXT_DOCUMENT], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=120)
    assert following.returncode == 0, following.stderr
    last_number, last_pk, new_number, new_pk = map(int, following.stdout.split("NEXT")[1].split())
    assert (last_number, new_number) == (5, 6) and new_pk > last_pk
    print(f"\nFIGURES backup {backup_seconds:.1f} s ({archive.stat().st_size} bytes), restore {restore_seconds:.1f} s, "
          f"{sum(before.values())} rows in {len(before)} tables, content identical in {len(restored_contents)} tables, "
          f"{len(sequences)} sequences equal, {len(files)} stored files compared (SHA-256), next document number "
          f"{new_number} after {last_number} (id {new_pk} after {last_pk})")

    # Restoring again into the now-filled target is refused, and nothing changes.
    filled = row_counts(target)
    assert filled["documents_document"] == before["documents_document"] + 1
    again = manage("restore", str(archive), database=database_url(postgres, empty_database), media=restored_media)
    assert again.returncode != 0
    assert "The target is not empty" in again.stderr and empty_database in again.stderr
    assert row_counts(target) == filled


@pytest.mark.services
@committed
def test_a_tampered_backup_is_refused_naming_the_file(postgres, seeded, empty_database, tmp_path):
    folder = tmp_path / "backup-folder"
    backup = manage("backup", str(folder), database=database_url(postgres, postgres["NAME"]), media=seeded)
    assert backup.returncode == 0, backup.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    victim = next(f["path"] for f in manifest["files"] if f["path"].startswith("media/attachments/"))
    flip_a_byte(folder / victim)

    restored_media = tmp_path / "restored-media"
    restore = manage("restore", str(folder), database=database_url(postgres, empty_database), media=restored_media)
    assert restore.returncode != 0
    assert victim in restore.stderr and "checksum mismatch" in restore.stderr
    assert "nothing was restored" in restore.stderr
    # Verified before touching anything: the target database and media folder are still empty.
    assert row_counts(conninfo(postgres, empty_database)) == {}
    assert not restored_media.exists()

    # The dump itself is covered too.
    (folder / victim).write_bytes(bytes(b ^ 0x01 if i == 0 else b for i, b in enumerate((folder / victim).read_bytes())))
    flip_a_byte(folder / "database.dump")
    restore = manage("restore", str(folder), database=database_url(postgres, empty_database), media=restored_media)
    assert restore.returncode != 0 and "database.dump: checksum mismatch" in restore.stderr


@pytest.mark.services
@committed
def test_a_damaged_attachment_is_listed_and_everything_else_is_backed_up(postgres, seeded, tmp_path):
    from documents.models import Attachment

    attachment = Attachment.objects.order_by("id").first()
    flip_a_byte(seeded / attachment.file.name)
    archive = tmp_path / "portal.tar"
    backup = manage("backup", str(archive), database=database_url(postgres, postgres["NAME"]), media=seeded)
    # Written all the same (one bad file used to stop every backup, database included), exit 1.
    assert backup.returncode != 0
    assert f"CHANGED  {attachment.file.name} (documents_attachment)" in backup.stderr
    assert "10 verified against the database" in backup.stdout
    assert archive.exists() and list(tmp_path.glob(".portal.tar.partial*")) == []
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert tar.getmember("database.dump").size > 0
    assert manifest["damaged"] == [{"path": attachment.file.name, "reason": "changed", "table": "documents_attachment"}]
    assert manifest["media"]["files"] == 11
    status = json.loads((seeded / ".backup-status.json").read_text())
    assert status["status"] == "damaged" and status["damaged"] == 1 and status["archive"] == str(archive)
    # The flag that used to be needed for this is still accepted (existing cron lines).
    again = manage("backup", str(tmp_path / "again.tar"), "--allow-damaged",
                   database=database_url(postgres, postgres["NAME"]), media=seeded)
    assert again.returncode != 0 and (tmp_path / "again.tar").exists()


SQLITE_SEED = """
import datetime, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
call_command("migrate", verbosity=0)
from documents import services
from recordsportal.roles import Role
from tests.factories import UserFactory
clerk = UserFactory(username="clerk", roles=[Role.OFFICE])
for n in range(3):
    services.incoming_register(
        acting_user=clerk, number_symbol=f"{n}/UBND", issuer="UBND tỉnh", summary=f"Văn bản {n}",
        document_date=datetime.date(2026, 3, 2), arrival_date=datetime.date(2026, 3, 3),
        attachments=[SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 " + bytes([n]) * 500, "application/pdf")])
"""


def sqlite_env(path: Path, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_FOR_SUBPROCESS}
    env.update(SQLITE_PATH=str(path), MEDIA_ROOT=str(media), LOG_FORMAT="plain",
               DJANGO_SETTINGS_MODULE="recordsportal.test_settings")
    return env


def test_sqlite_round_trip_with_the_online_backup(tmp_path):
    """The embedded default (SQLite file) backs up and restores the same way."""
    import sqlite3

    source, media = tmp_path / "portal.sqlite3", tmp_path / "media"
    seed = subprocess.run([sys.executable, "-c", SQLITE_SEED], cwd=ROOT, env=sqlite_env(source, media),
                          capture_output=True, text=True, timeout=300)
    assert seed.returncode == 0, seed.stderr
    backup = subprocess.run([sys.executable, "manage.py", "backup", str(tmp_path / "b.tar")], cwd=ROOT,
                            env=sqlite_env(source, media), capture_output=True, text=True, timeout=300)
    assert backup.returncode == 0 and "3 verified against the database" in backup.stdout, backup.stderr

    target, restored = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    restore = subprocess.run([sys.executable, "manage.py", "restore", str(tmp_path / "b.tar")], cwd=ROOT,
                             env=sqlite_env(target, restored), capture_output=True, text=True, timeout=300)
    assert restore.returncode == 0, restore.stderr
    assert "3 stored files verified against their SHA-256, 0 problems" in restore.stdout

    def dump(path):
        with sqlite3.connect(path) as conn:
            return list(conn.iterdump())

    assert dump(target) == dump(source)
    with sqlite3.connect(target) as conn:
        for name, sha in conn.execute("SELECT file, sha256 FROM documents_attachment"):
            assert hashlib.sha256((restored / name).read_bytes()).hexdigest() == sha


# --- The backup folder, damaged files, the recorded outcome, restore's free space: no database -----
# create_backup with the dump replaced by a small file, so these run anywhere in a second; the real
# dump is exercised by the PostgreSQL and SQLite tests above.

import fcntl  # noqa: E402
import io  # noqa: E402

from django.core.management import CommandError, call_command  # noqa: E402

from recordsportal import backup as backups  # noqa: E402
from recordsportal import backup_status  # noqa: E402
from recordsportal import restore as restores  # noqa: E402

HEALTHY, CHANGED, MISSING, UNREADABLE, HALF_READ = (
    "attachments/2026/ok.pdf", "attachments/2026/changed.pdf", "attachments/2026/missing.pdf",
    "attachments/2026/eio.pdf", "dossiers/2026/half.pdf")


@pytest.fixture
def instance(settings, tmp_path, monkeypatch):
    """A MEDIA_ROOT with stored files, and a database 'dump' whose references name them."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.BACKUP_MAX_AGE_HOURS = 0
    contents = {HEALTHY: PDF_BYTES + b"ok", CHANGED: PDF_BYTES + b"as uploaded", HALF_READ: PDF_BYTES * 500}
    references = {name: (hashlib.sha256(data).hexdigest(), "documents_attachment") for name, data in contents.items()}
    references[MISSING] = ("0" * 64, "documents_attachment")
    for name, data in contents.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    (media / CHANGED).write_bytes(PDF_BYTES + b"altered on disk")

    def fake_dump(work):
        dump = work / "database.sqlite3"
        dump.write_bytes(b"SQLite format 3\x00" + bytes(1000))
        return dump, references, {"migrations": {"documents": "0001_initial"}, "server_version": "3"}

    monkeypatch.setattr(backups, "_dump_database", fake_dump)
    monkeypatch.setattr(backups, "vendor", lambda: "sqlite")
    return media


def run_backup(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("backup", *map(str, args), stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)


def archive_manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_keep_ranks_by_the_time_in_the_name_and_never_deletes_the_archive_just_written(instance, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    names = ["recordsportal-20261101-233000.tar", "recordsportal-20261102-233000.tar",
             "recordsportal-before-upgrade.tar",  # the README's manual backup: sorted after any date
             "recordsportal-20991231-235959.tar",  # written by a clock set ahead
             "recordsportal-20261301-000000.tar",  # not a date
             "notes.txt"]
    for name in names:
        (folder / name).write_bytes(b"x")
    code, out, err = run_backup(folder, "--keep", "1")
    written = Path(re.search(r"Backup written: (\S+)", out).group(1))
    assert written.parent == folder and backups.archive_time(written) is not None
    remaining = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    # The newest by its name's time stays (2099), and so does the archive just written, though older.
    assert remaining == sorted(["recordsportal-before-upgrade.tar", "recordsportal-20991231-235959.tar",
                                "recordsportal-20261301-000000.tar", "notes.txt", written.name])
    assert "Old backup deleted" in out and written.name not in out.split("Backup written")[1].split("\n", 1)[1]


def test_prune_without_a_protected_archive_keeps_the_newest_by_time():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in ("recordsportal-20261103-010000.tgz", "recordsportal-20261102-010000.tar",
                     "recordsportal-20261101-010000.tar.gz", "recordsportal-zzz.tar"):
            (folder / name).write_bytes(b"x")
        deleted = backups.prune(folder, 2)
        assert [p.name for p in deleted] == ["recordsportal-20261101-010000.tar.gz"]
        assert backups.prune(folder, 0) == []


def test_a_damaged_file_does_not_stop_the_backup_it_is_listed_and_the_exit_code_says_so(instance, tmp_path,
                                                                                       monkeypatch):
    real_open = open

    class FailsHalfWay:
        def __init__(self, handle):
            self.handle, self.reads = handle, 0

        def read(self, n=-1):
            self.reads += 1
            if self.reads > 1:
                raise OSError(5, "Input/output error")
            return self.handle.read(min(n, 100))

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def faulty_open(path, *args, **kwargs):
        if str(path).endswith("eio.pdf"):
            raise OSError(5, "Input/output error")
        handle = real_open(path, *args, **kwargs)
        return FailsHalfWay(handle) if str(path).endswith("half.pdf") else handle

    (instance / UNREADABLE).write_bytes(b"cannot be read")
    monkeypatch.setattr(backups, "open", faulty_open, raising=False)
    code, out, err = run_backup(tmp_path / "portal.tar")
    assert code == 1 and "4 stored file(s) are damaged" in err
    assert "DAMAGED  CHANGED  attachments/2026/changed.pdf (documents_attachment)" in err

    manifest = archive_manifest(tmp_path / "portal.tar")
    assert sorted((d["path"], d["reason"]) for d in manifest["damaged"]) == sorted(
        [(CHANGED, "changed"), (MISSING, "missing"), (UNREADABLE, "unreadable"), (HALF_READ, "unreadable")])
    listed = {f["path"]: f for f in manifest["files"]}
    # The database and the healthy file are there, whole; the unreadable file is not.
    assert set(listed) == {"database.sqlite3", f"media/{HEALTHY}", f"media/{CHANGED}", f"media/{HALF_READ}"}
    assert listed[f"media/{HEALTHY}"]["sha256"] == hashlib.sha256(PDF_BYTES + b"ok").hexdigest()
    assert manifest["media"]["verified_against_database"] == 1
    # Still a sound archive: restore's own verification finds every listed byte as listed.
    import contextlib

    monkeypatch.delattr(backups, "open")  # the disk is healthy again

    with contextlib.ExitStack() as stack:
        root = restores.open_backup(tmp_path / "portal.tar", stack)
        assert restores.verify_backup(root, restores.read_manifest(root)) == []
    recorded = backup_status.read()
    assert recorded["status"] == "damaged" and recorded["damaged"] == 4 and CHANGED in recorded["message"]


def test_a_killed_backups_debris_goes_and_archives_are_private(instance, tmp_path):
    import os
    import stat

    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / ".recordsportal-20261101-233000.tar.partial-4242").write_bytes(b"\0" * 4096)
    (folder / "rp-backup-k2j4_x").mkdir()
    (folder / "rp-backup-k2j4_x" / "database.dump").write_bytes(b"dump")
    (folder / ".keep-me").write_bytes(b"")
    (folder / "rp-backup-notes.txt").write_bytes(b"")
    code, out, err = run_backup(folder)
    assert "Backup written" in out, err  # (exit 1: the fixture's damaged files)
    assert "removed what an interrupted backup left" in err and "partial-4242" in err
    left = sorted(p.name for p in folder.iterdir())
    archive = next(p for p in folder.iterdir() if backups.archive_time(p))
    assert left == sorted([".keep-me", "rp-backup-notes.txt", backups.LOCK_NAME, archive.name])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    old_umask = os.umask(0)  # whatever the umask, a folder backup is private too
    try:
        code, out, err = run_backup(tmp_path / "as-a-folder")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "as-a-folder").stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "as-a-folder").rglob("*") if p.is_file()} == {0o600}


def test_a_running_backup_keeps_its_folder_and_its_partial_file(instance, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    live = folder / ".recordsportal-20261101-233000.tar.partial-77"
    live.write_bytes(b"being written")
    with open(folder / backups.LOCK_NAME, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, out, err = run_backup(folder)
    assert code == 1 and "Another backup is running" in err
    assert live.exists()
    assert backup_status.read()["status"] == "failed"


def test_every_run_is_recorded_and_a_failure_keeps_the_last_success(instance, tmp_path, monkeypatch):
    code, out, err = run_backup(tmp_path / "damaged.tar")
    assert code == 1 and backup_status.read()["status"] == "damaged"
    assert backup_status.read()["last_success_at"] == ""  # a damaged backup is not a whole one

    def whole(work):
        dump = work / "database.sqlite3"
        dump.write_bytes(b"SQLite format 3\x00")
        return dump, {}, {"migrations": {}, "server_version": "3"}

    monkeypatch.setattr(backups, "_dump_database", whole)
    code, out, err = run_backup(tmp_path / "good.tar")
    assert code == 0, err
    first = backup_status.read()
    assert first["status"] == "ok" and first["last_success_at"] == first["finished_at"]
    assert first["archive"] == str(tmp_path / "good.tar") and first["size"] == (tmp_path / "good.tar").stat().st_size

    def no_database(work):
        raise backups.BackupError("pg_dump failed (dump the database): connection refused")

    monkeypatch.setattr(backups, "_dump_database", no_database)
    code, out, err = run_backup(tmp_path / "bad.tar")
    assert code == 1 and not (tmp_path / "bad.tar").exists()
    failed = backup_status.read()
    assert failed["status"] == "failed" and "connection refused" in failed["message"]
    assert failed["last_success_at"] == first["finished_at"]


def run_restore(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("restore", *map(str, args), stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)


@pytest.fixture
def archive(instance, tmp_path, settings):
    """A backup archive (of the fixture instance), and an empty MEDIA_ROOT to restore into. No
    database is opened by these tests: a restore that got as far as the database would fail them
    with pytest-django's 'Database access not allowed'."""
    path = tmp_path / "portal.tar"
    run_backup(path)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    return path


def test_restore_checks_the_free_space_first_and_says_how_much_is_needed(archive, tmp_path, monkeypatch):
    import collections

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(restores.shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 20_000, 20_000))
    unpacked, media = restores.archive_sizes(archive)
    assert unpacked > media > 20_000
    code, out, err = run_restore(archive)
    assert code == 1 and "Not enough free space; nothing was restored" in err
    assert f"unpacking the archive needs {unpacked / 1e6:.1f} MB" in err
    assert f"copying the files needs {media / 1e6:.1f} MB" in err and "TMPDIR" in err
    assert not (tmp_path / "restored-media").exists()


def rewrite_archive(source: Path, target: Path, change) -> None:
    """Copy an archive member by member; `change(info, data)` returns the (info, data) to write."""
    with tarfile.open(source) as old, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as new:
        for info in old.getmembers():
            data = old.extractfile(info).read() if info.isfile() else b""
            for out_info, out_data in change(info, data):
                out_info.size = len(out_data) if out_info.isfile() else 0
                new.addfile(out_info, io.BytesIO(out_data) if out_info.isfile() else None)


def test_hostile_archives_are_refused_before_anything_is_touched(archive, tmp_path):
    hostile = {}
    data = archive.read_bytes()
    hostile["truncated"] = data[: len(data) // 2]
    healthy = f"media/{HEALTHY}"

    def flip(info, data):
        yield info, (bytes([data[0] ^ 1]) + data[1:]) if info.name == healthy else data

    def escape(info, data):
        yield info, data
        if info.name == healthy:
            evil = tarfile.TarInfo("../escaped.pdf")
            yield evil, b"outside"

    def absolute(info, data):
        yield info, data
        if info.name == healthy:
            yield tarfile.TarInfo(str(tmp_path / "absolute.pdf")), b"outside"

    def symlink(info, data):
        yield info, data
        if info.name == healthy:
            link = tarfile.TarInfo("media/attachments/passwd")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            yield link, b""

    def unsafe_manifest(info, data):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"].append({"path": "../../etc/cron.d/x", "size": 1, "sha256": "0" * 64})
            data = json.dumps(manifest).encode()
        yield info, data

    for name, change in (("altered", flip), ("traversal", escape), ("absolute", absolute), ("symlink", symlink),
                         ("unsafe-manifest", unsafe_manifest)):
        rewrite_archive(archive, tmp_path / f"{name}.tar", change)
    for name, content in hostile.items():
        (tmp_path / f"{name}.tar").write_bytes(content)

    expected = {
        "truncated": "cannot be read as a backup archive",
        "altered": f"{healthy}: checksum mismatch",
        "traversal": "cannot be read as a backup archive",
        "absolute": "in the backup but not in its manifest",  # the data filter drops the leading /
        "symlink": "cannot be read as a backup archive",
        "unsafe-manifest": "unsafe path in the manifest",
    }
    refused = {}
    for name, message in expected.items():
        code, out, err = run_restore(tmp_path / f"{name}.tar")
        assert code == 1 and message in err, (name, err)
        refused[name] = err.splitlines()[-1][:100]
    assert not (tmp_path / "restored-media").exists()
    assert not (tmp_path / "escaped.pdf").exists() and not (tmp_path / "absolute.pdf").exists()
    print(f"\nFIGURES hostile archives refused: {len(refused)} of {len(expected)} ({', '.join(refused)})")
