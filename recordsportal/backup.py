"""Backup and restore of a whole instance: the database and the uploaded files, with checksums.

A backup is a directory, or one `.tar` archive of that directory:

    manifest.json      format version, created-at, app and Django versions, database vendor, the
                       latest applied migration per app, and the SHA-256 and size of every file
    database.dump      PostgreSQL: `pg_dump --format=custom` (one pg_dump is one consistent snapshot)
    database.sqlite3   SQLite: a copy made with the online backup API
    media/...          every file under MEDIA_ROOT (attachments, dossier files, register imports),
                       except dot-files such as Celery beat's schedule

A damaged stored file (missing, changed, unreadable) does not stop the backup: the database and
every other file are written, the damaged ones are listed in the manifest, and the command exits
non-zero (issue 19: one bad file used to stop every backup, database included). Archives are
written 0600 in a 0700 folder; one backup at a time per folder (a lock file), and a run first
removes what a killed run left there (`.…partial-PID`, `rp-backup-*`).

The order is what makes the pair consistent: the database first, the files after. Uploaded files
are written before the row that names them is committed, under a fresh uuid name, and are never
changed or deleted afterwards (removing a dossier item keeps its file, for the audit). So every
file the dump references is already on disk when the copy starts and is still the same bytes; a
file uploaded during the copy is at worst carried along unreferenced. Copying files first would
risk the opposite: a row in the dump whose file is missing from the backup.

Every file that has a recorded SHA-256 in the database (FileField models with a `sha256` field)
is checked against it while it is copied, and again after a restore. The references are read in
the very snapshot pg_dump exports (PostgreSQL) or from the copied SQLite file, so backup and
checks describe the same state.

Tools run through `subprocess` with argument lists; the password travels in PGPASSWORD, never argv.
Restoring is recordsportal/restore.py.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

FORMAT = "recordsportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
ARCHIVE_PREFIX = "recordsportal-"
# What `backup FOLDER` names its archives; only these are ranked, by this timestamp, and pruned.
TIMESTAMPED = re.compile(r"^recordsportal-(\d{8}-\d{6})\.(?:tar|tar\.gz|tgz)$")
LOCK_NAME = ".recordsportal-backup.lock"
# What a killed run leaves in the folder: the archive under its temporary name, the work folder.
DEBRIS = (re.compile(r"^\..+\.partial-\d+$"), re.compile(r"^rp-backup-[A-Za-z0-9_]+$"))
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must stop; the message says why, naming the file."""


@dataclass
class Problem:
    path: str  # relative to MEDIA_ROOT
    reason: str  # "missing", "changed" or "unreadable"
    table: str = ""

    def __str__(self):
        where = f" ({self.table})" if self.table else ""
        return f"{self.reason.upper():8} {self.path}{where}"


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    damaged: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    debris: list[Path] = field(default_factory=list)  # left by a killed run, removed first

    @property
    def size(self) -> int:
        if self.path.is_dir():
            return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
        return self.path.stat().st_size


# --- small helpers -------------------------------------------------------------------------------


def sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _create_private(path: Path):
    """A new file only its owner can read (0600 whatever the umask)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def copy_hashing(source: Path, target: Path) -> tuple[int, str]:
    """Copy and hash in one read, so the checksum is of the bytes actually written."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(source, "rb") as src, _create_private(target) as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class _HashingReader:
    """A read-only file wrapper that hashes what tarfile reads from it.

    tarfile has already written the member's header with the size it stat'ed; if the file then
    fails to read (an I/O error) or shrinks, the rest is padded with zeros so that the archive
    stays readable, and `error` says what happened: the member is then listed as damaged."""

    def __init__(self, handle, expected: int):
        self.handle = handle
        self.expected = expected
        self.digest = hashlib.sha256()
        self.size = 0
        self.error = ""

    def read(self, n=-1):
        wanted = self.expected - self.size if n is None or n < 0 else min(n, self.expected - self.size)
        try:
            chunk = self.handle.read(wanted) if not self.error else b""
        except OSError as exc:
            self.error, chunk = f"read error after {self.size} bytes: {exc.strerror or exc}", b""
        if len(chunk) < wanted:
            self.error = self.error or f"the file shrank to {self.size + len(chunk)} bytes while being copied"
            chunk += bytes(wanted - len(chunk))
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def vendor() -> str:
    return connection.vendor


def app_version() -> str:
    try:
        return metadata.version("recordsportal")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def fixity_tables() -> list[tuple[str, str]]:
    """(table, file column) of every model that stores a file with its SHA-256."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "sha256" not in names:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                found.append((model._meta.db_table, f.column))
    return sorted(found)


def pg_environment() -> dict[str, str]:
    """libpq's variables for the default database; the password stays out of argv."""
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def run_tool(args: list[str], what: str) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"`{args[0]}` is not installed (package postgresql-client); it is needed to {what}.")
    result = subprocess.run(args, env=pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({what}): {result.stderr.strip() or result.returncode}")


def _latest_migrations(rows) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in rows:
        # Migration names start with a zero-padded number, so the greatest name is the latest.
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _read_references(cursor, quote, tables, existing) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """{relative path: (sha256, table)} and the latest migration per app, through a DB-API cursor."""
    if "django_migrations" not in existing:
        raise BackupError("The database has no portal tables (never migrated?): check DATABASE_URL.")
    references = {}
    # Table and column names (here and below) come from the models and introspection, quoted.
    for table, column in tables:
        if table not in existing:  # a model whose migration is not applied yet
            continue
        cursor.execute(f"SELECT {quote(column)}, sha256 FROM {quote(table)} WHERE {quote(column)} <> ''")  # nosec B608
        for name, sha in cursor.fetchall():
            references[name] = (sha, table)
    cursor.execute("SELECT app, name FROM django_migrations")
    return references, _latest_migrations(cursor.fetchall())


# --- writing a backup ----------------------------------------------------------------------------


class Unreadable(Exception):
    """A file that could not be opened or read; nothing of it was written."""


class _DirectoryWriter:
    """`add` returns (size, sha256, error): error is "" or why the copy is not the file's content."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, mode=0o700)

    def add(self, source: Path, name: str) -> tuple[int, str, str]:
        target = self.root / name
        try:
            return (*copy_hashing(source, target), "")
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise Unreadable(exc.strerror or str(exc)) from exc

    def add_bytes(self, name: str, data: bytes) -> None:
        with _create_private(self.root / name) as handle:
            handle.write(data)

    def close(self):
        pass


class _TarWriter:
    def __init__(self, path: Path):
        mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
        self.handle = _create_private(path)
        self.tar = tarfile.open(fileobj=self.handle, mode=mode, format=tarfile.PAX_FORMAT)

    def add(self, source: Path, name: str) -> tuple[int, str, str]:
        try:  # opened before the header is written: a file that cannot be opened leaves no trace
            handle = open(source, "rb")
        except OSError as exc:
            raise Unreadable(exc.strerror or str(exc)) from exc
        with handle:
            info = self.tar.gettarinfo(fileobj=handle, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode &= 0o700
            reader = _HashingReader(handle, info.size)
            self.tar.addfile(info, reader)
        return reader.size, reader.digest.hexdigest(), reader.error

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(time.time())
        self.tar.addfile(info, io.BytesIO(data))

    def close(self):
        self.tar.close()
        self.handle.close()


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def resolve_destination(dest: Path) -> Path:
    """`x.tar` → that archive; an existing directory → a new timestamped archive inside it (for
    cron); any other path → a backup directory created there."""
    if dest.is_dir() and not is_archive(dest):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        dest = dest / f"{ARCHIVE_PREFIX}{stamp}.tar"
    if dest.exists():
        raise BackupError(f"{dest} already exists; a backup never overwrites another.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    return dest


def archive_time(path: Path) -> datetime.datetime | None:
    """The time in a `recordsportal-YYYYMMDD-HHMMSS.tar` name; None for any other name."""
    match = TIMESTAMPED.match(path.name)
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def prune(folder: Path, keep: int, *, protect: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` timestamped archives in `folder`, ranked by the time in
    their names; the ones deleted. Other names (a manual `recordsportal-before-upgrade.tar`) are
    never touched nor counted, and `protect` (the archive just written) is never deleted, even if
    its name says it is older (a clock set back)."""
    if keep <= 0:
        return []
    archives = sorted((stamp, path.name, path) for path in folder.iterdir()
                      if path.is_file() and (stamp := archive_time(path)) is not None)
    doomed = [path for _, _, path in archives[:-keep]
              if protect is None or path.resolve() != Path(protect).resolve()]
    for path in doomed:
        path.unlink()
    return doomed


@contextlib.contextmanager
def folder_lock(folder: Path):
    """One backup at a time in a folder (across containers too: flock on the shared mount)."""
    try:
        handle = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise BackupError(f"Cannot write in {folder}: {exc.strerror or exc}.") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"Another backup is running in {folder}; try again when it has finished.") from None
        yield
    finally:
        os.close(handle)  # releases the lock


def remove_debris(folder: Path) -> list[Path]:
    """What killed runs left in `folder` (call with the folder's lock held: then no live run owns
    any of it): archives under their temporary name and work folders. The paths removed."""
    removed = []
    for path in sorted(folder.iterdir()):
        if any(pattern.match(path.name) for pattern in DEBRIS) and not path.is_symlink():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def make_private(folder: Path, log) -> None:
    """The folder that keeps the archives: 0700, so that only the portal's user lists and reads them."""
    mode = folder.stat().st_mode & 0o777
    if mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError as exc:
            log(f"WARNING: {folder} is readable by others (mode {mode:o}) and could not be made 0700: "
                f"{exc.strerror or exc}")


def media_files(root: Path):
    """Every regular file under MEDIA_ROOT, as (path, name relative to it); dot-files and
    dot-folders (beat's schedule, editors' temp files) and symlinks are left out."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if filename.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            yield path, path.relative_to(root).as_posix()


def _dump_database(work: Path) -> tuple[Path, dict, dict]:
    """Dump the database into `work`; the dump, the file references and migrations it holds."""
    kind = vendor()
    tables = fixity_tables()
    if kind == "postgresql":
        target = work / DUMP_NAMES[kind]
        # A read-only repeatable-read transaction exports its snapshot; pg_dump dumps exactly that
        # snapshot, and the references to check are read in it too. Connect first, so that no
        # connection health check becomes the transaction's first statement.
        connection.ensure_connection()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                snapshot, server_version = cursor.fetchone()
                existing = set(connection.introspection.table_names(cursor))
                references, migrations = _read_references(cursor, connection.ops.quote_name, tables, existing)
                run_tool(["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}",
                          f"--file={target}"], "dump the database")
        return target, references, {"migrations": migrations, "server_version": server_version}
    if kind == "sqlite":
        target = work / DUMP_NAMES[kind]
        if not Path(settings.DATABASES["default"]["NAME"]).is_file():  # connecting would create it
            raise BackupError(f"The SQLite database {settings.DATABASES['default']['NAME']} does not exist.")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            existing = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            references, migrations = _read_references(copy.cursor(), lambda n: f'"{n}"', tables, existing)
        finally:
            copy.close()
        return target, references, {"migrations": migrations, "server_version": sqlite3.sqlite_version}
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {kind}.")


def create_backup(dest: Path, *, log=lambda message: None) -> BackupResult:
    """Write a backup to `dest` (see resolve_destination).

    A stored file that is missing, differs from its recorded SHA-256 or cannot be read does not
    stop it: the database and every other file are written, and the damaged files are listed in
    `result.damaged` and in the manifest (a changed file is carried as it now is, the evidence;
    an unreadable one is left out or, if it failed half-way, padded with zeros). Anything else
    that goes wrong (the dump, the disk) stops it and leaves nothing behind."""
    started = time.monotonic()
    dest = Path(dest)
    into_folder = dest.is_dir() and not is_archive(dest)
    final = resolve_destination(dest)
    folder = final.parent
    # Written under a temporary name and renamed at the end: a half-written backup never looks whole.
    partial = final.with_name(f".{final.name}.partial-{os.getpid()}")
    media_root = Path(settings.MEDIA_ROOT)
    files: list[dict] = []
    damaged: list[Problem] = []
    with folder_lock(folder):
        debris = remove_debris(folder)
        for path in debris:
            log(f"removed what an interrupted backup left: {path}")
        if into_folder:
            make_private(folder, log)
        with tempfile.TemporaryDirectory(prefix="rp-backup-", dir=folder) as work:
            writer = _TarWriter(partial) if is_archive(final) else _DirectoryWriter(partial)
            try:
                dump, references, db_info = _dump_database(Path(work))
                log(f"database dumped ({dump.stat().st_size} bytes)")
                size, sha, _ = writer.add(dump, dump.name)
                files.append({"path": dump.name, "size": size, "sha256": sha})
                dump.unlink()
                seen, verified = set(), 0
                # Files after the dump: see the module docstring for why this order is safe.
                for path, name in media_files(media_root):
                    expected = references.get(name)
                    table = expected[1] if expected else ""
                    seen.add(name)
                    try:
                        size, sha, error = writer.add(path, f"{MEDIA_DIR}/{name}")
                    except Unreadable as exc:
                        damaged.append(Problem(name, "unreadable", table))
                        log(f"UNREADABLE {name}: {exc}")
                        continue
                    files.append({"path": f"{MEDIA_DIR}/{name}", "size": size, "sha256": sha})
                    if error:
                        damaged.append(Problem(name, "unreadable", table))
                        log(f"UNREADABLE {name}: {error}")
                    elif expected and expected[0] != sha:
                        damaged.append(Problem(name, "changed", table))
                    elif expected:
                        verified += 1
                for name, (_, table) in sorted(references.items()):
                    if name not in seen:
                        damaged.append(Problem(name, "missing", table))
                media_entries = files[1:]
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                    "app_version": app_version(),
                    "django_version": django.get_version(),
                    "database": {"vendor": vendor(), "file": DUMP_NAMES[vendor()],
                                 "server_version": db_info["server_version"]},
                    "migrations": db_info["migrations"],
                    "media": {
                        "files": len(media_entries),
                        "bytes": sum(f["size"] for f in media_entries),
                        "verified_against_database": verified,
                    },
                    "damaged": [{"path": p.path, "reason": p.reason, "table": p.table} for p in damaged],
                    "files": files,
                }
                writer.add_bytes(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
                writer.close()
            except BaseException:
                writer.close()
                if partial.is_dir():
                    shutil.rmtree(partial, ignore_errors=True)
                else:
                    partial.unlink(missing_ok=True)
                raise
        os.replace(partial, final)
    return BackupResult(final, manifest, damaged, time.monotonic() - started, debris)
