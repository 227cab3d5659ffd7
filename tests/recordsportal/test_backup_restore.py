"""Backup and restore on real PostgreSQL: the round trip keeps every row and every file's
SHA-256; a tampered backup and a non-empty target are refused.

The seeded data is committed (transaction=True) so that pg_dump, in another process, sees it.
Backup and restore run as `manage.py` subprocesses with their own DATABASE_URL and MEDIA_ROOT,
exactly as an administrator would run them.
"""

import datetime
import hashlib
import json
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
    print(f"\nFIGURES backup {backup_seconds:.1f} s ({archive.stat().st_size} bytes), restore {restore_seconds:.1f} s, "
          f"{sum(before.values())} rows in {len(before)} tables, {len(files)} files verified")

    # Restoring again into the now-filled target is refused, and nothing changes.
    again = manage("restore", str(archive), database=database_url(postgres, empty_database), media=restored_media)
    assert again.returncode != 0
    assert "The target is not empty" in again.stderr and empty_database in again.stderr
    assert row_counts(target) == before


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
def test_backup_refuses_an_attachment_that_no_longer_matches_its_sha256(postgres, seeded, tmp_path):
    from documents.models import Attachment

    attachment = Attachment.objects.order_by("id").first()
    flip_a_byte(seeded / attachment.file.name)
    archive = tmp_path / "portal.tar"
    backup = manage("backup", str(archive), database=database_url(postgres, postgres["NAME"]), media=seeded)
    assert backup.returncode != 0
    assert f"CHANGED  {attachment.file.name} (documents_attachment)" in backup.stderr
    assert not archive.exists() and list(tmp_path.glob(".portal.tar.partial*")) == []
    # With --allow-damaged the backup is written and names the damaged file in its manifest.
    backup = manage("backup", str(archive), "--allow-damaged", database=database_url(postgres, postgres["NAME"]),
                    media=seeded)
    assert backup.returncode != 0 and archive.exists()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["damaged"] == [{"path": attachment.file.name, "reason": "changed", "table": "documents_attachment"}]


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
