"""Restoring a backup written by recordsportal/backup.py (`manage.py restore`): into an empty
instance, every checksum verified before anything is touched, every stored file re-verified after.

Order, each step able to refuse before the next writes anything: the free space (unpacking and
copying), the archive unpacked with tarfile's "data" filter (no absolute paths, no `..`, no links
out), every file against the manifest, the schema against this code's migrations, the target
empty (or `force`); then the database (`pg_restore --single-transaction`, or SQLite's backup
API), the files, and the stored files against the SHA-256 in the restored database.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

from .backup import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    BackupError,
    Problem,
    fixity_tables,
    media_files,
    run_tool,
    sha256_file,
    vendor,
)


@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    verified: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0



def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _size(amount: int) -> str:
    return f"{amount / 1e9:.2f} GB" if amount >= 1e8 else f"{amount / 1e6:.1f} MB"


def check_free_space(needs: list[tuple[str, Path, int]]) -> None:
    """Refuse, before anything is written, when a disk lacks room: `needs` lists (what, folder,
    bytes). Needs on one file system add up."""
    by_device: dict[int, list[tuple[str, Path, int]]] = {}
    for what, folder, amount in needs:
        by_device.setdefault(_existing(folder).stat().st_dev, []).append((what, folder, amount))
    problems = []
    for entries in by_device.values():
        needed = sum(amount for _, _, amount in entries)
        free = shutil.disk_usage(_existing(entries[0][1])).free
        if needed > free:
            parts = " and ".join(f"{what} needs {_size(amount)} in {folder}" for what, folder, amount in entries)
            problems.append(f"{parts}: {_size(needed)} on that disk, {_size(free)} free "
                            f"({_size(needed - free)} short)")
    if problems:
        raise BackupError("Not enough free space; nothing was restored: " + "; ".join(problems)
                          + ". Free some space, or unpack elsewhere with TMPDIR=<a folder on a larger disk>.")


def archive_sizes(source: Path) -> tuple[int, int]:
    """(bytes the archive unpacks to, bytes of its media files), read from its headers."""
    try:
        with tarfile.open(source) as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} cannot be read as a backup archive: {exc}") from exc
    return sum(m.size for m in members), sum(m.size for m in members if m.name.startswith(f"{MEDIA_DIR}/"))


def open_backup(source: Path, stack, media_root: Path | None = None) -> Path:
    """The backup as a directory: itself, or an archive extracted to a temporary folder (with
    tarfile's "data" filter: no absolute paths, no `..`, no links out, no device files). The free
    space for unpacking, and for copying the files into `media_root`, is checked first."""
    if source.is_dir():
        if media_root is not None:
            media = sum(p.stat().st_size for p in (source / MEDIA_DIR).rglob("*") if p.is_file())
            check_free_space([("copying the files", media_root, media)])
        return source
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    if not tarfile.is_tarfile(source):
        raise BackupError(f"{source} is neither a backup folder nor a .tar archive.")
    unpacked, media = archive_sizes(source)
    needs = [("unpacking the archive", Path(tempfile.gettempdir()), unpacked)]
    if media_root is not None:
        needs.append(("copying the files", media_root, media))
    check_free_space(needs)
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rp-restore-")))
    try:
        with tarfile.open(source) as tar:
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} cannot be read as a backup archive: {exc}") from exc
    return work


def read_manifest(root: Path) -> dict:
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{MANIFEST} is missing: this is not a Records Portal backup.") from None
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise BackupError(f"{MANIFEST} is not a Records Portal backup manifest.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(f"This backup has format version {manifest['format_version']}; this version of the "
                          f"portal reads up to {FORMAT_VERSION}. Restore it with the newer portal.")
    return manifest


def verify_backup(root: Path, manifest: dict) -> list[str]:
    """Every file the manifest lists, checked for size and SHA-256, and nothing more: the list
    of problems, each naming its file (empty when the backup is intact)."""
    problems = []
    listed = set()
    for entry in manifest["files"]:
        name = entry.get("path", "")
        if not _safe_name(name):
            problems.append(f"{name!r}: unsafe path in the manifest")
            continue
        listed.add(name)
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing from the backup")
            continue
        size, sha = sha256_file(path)
        if size != entry.get("size") or sha != entry.get("sha256"):
            problems.append(f"{name}: checksum mismatch (expected SHA-256 {entry.get('sha256')}, "
                            f"{entry.get('size')} bytes; found {sha}, {size} bytes)")
    for path in root.rglob("*"):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(f"{name}: in the backup but not in its manifest")
    if manifest["database"]["file"] not in listed:
        problems.append(f"{manifest['database']['file']}: the database dump is not in the manifest")
    return problems


def database_rows() -> dict[str, int]:
    """Rows per table of the target database (only tables that exist)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def target_problems(media_root: Path) -> list[str]:
    """Why the target instance is not empty (a restore would mix two instances)."""
    problems = []
    name = settings.DATABASES["default"]["NAME"]
    tables = database_rows()
    filled = [table for table, rows in tables.items() if rows]
    if filled:
        problems.append(f"the database {name} has {len(filled)} table(s) with rows "
                        f"({', '.join(filled[:5])}{'…' if len(filled) > 5 else ''})")
    elif tables:  # a migrated but empty schema: the dump's CREATE TABLE would collide with it
        problems.append(f"the database {name} already has {len(tables)} (empty) table(s)")
    if media_root.exists() and any(media_files(media_root)):
        problems.append(f"the media folder {media_root} is not empty")
    return problems


def _migration_warnings(manifest: dict) -> list[str]:
    """The backup's schema against this code's migrations: newer is refused, older is a note."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", {}).items()
               if app in loader.migrated_apps and (app, name) not in known]
    if unknown:
        raise BackupError("The backup was made by a newer version of the portal (migrations unknown here: "
                          f"{', '.join(unknown)}). Install that version, then restore.")
    leaves = {app: name for app, name in loader.graph.leaf_nodes()}
    behind = [app for app, name in manifest.get("migrations", {}).items() if leaves.get(app, name) > name]
    if behind:
        return [f"The backup predates migrations of {', '.join(sorted(behind))}: run `manage.py migrate` "
                "after the restore (the compose `migrate` service does it on `up`)."]
    return []


def _restore_database(root: Path, manifest: dict, force: bool) -> None:
    kind = manifest["database"]["vendor"]
    if kind != vendor():
        raise BackupError(f"This is a {kind} backup; the target database is {vendor()}.")
    dump = root / manifest["database"]["file"]
    connection.close()
    if kind == "postgresql":
        args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                "--no-password", f"--dbname={settings.DATABASES['default']['NAME']}"]
        if force:
            args += ["--clean", "--if-exists"]
        run_tool([*args, str(dump)], "restore the database")
    else:
        source = sqlite3.connect(dump)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    connection.close()


def _restore_media(root: Path, manifest: dict, media_root: Path) -> int:
    count = 0
    prefix = f"{MEDIA_DIR}/"
    for entry in manifest["files"]:
        if not entry["path"].startswith(prefix):
            continue
        target = media_root / entry["path"][len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(root / entry["path"], temporary)
        os.replace(temporary, target)
        count += 1
    return count


def verify_stored_files(media_root: Path) -> tuple[int, list[Problem]]:
    """Every stored file with a recorded SHA-256, re-hashed: (verified, problems)."""
    verified, problems = 0, []
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, column in fixity_tables():
            if table not in existing:
                continue
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT {quote(column)}, sha256 FROM {quote(table)} WHERE {quote(column)} <> ''")  # nosec B608
            for name, expected in cursor.fetchall():
                path = media_root / name
                if not path.is_file():
                    problems.append(Problem(name, "missing", table))
                elif sha256_file(path)[1] != expected:
                    problems.append(Problem(name, "changed", table))
                else:
                    verified += 1
    return verified, problems


def restore_backup(source: Path, *, force: bool = False, log=lambda message: None) -> RestoreResult:
    """Restore `source` (folder or archive) into the configured database and MEDIA_ROOT.

    Nothing is touched until the whole backup has verified against its manifest and the target
    is known to be empty (or `force`)."""
    started = time.monotonic()
    media_root = Path(settings.MEDIA_ROOT)
    with contextlib.ExitStack() as stack:
        root = open_backup(Path(source), stack, media_root)
        manifest = read_manifest(root)
        problems = verify_backup(root, manifest)
        if problems:
            raise BackupError("The backup failed verification; nothing was restored:\n"
                              + "\n".join(f"  {p}" for p in problems))
        log(f"backup verified: {len(manifest['files'])} files match the manifest")
        warnings = _migration_warnings(manifest)
        if not force:
            occupied = target_problems(media_root)
            if occupied:
                raise BackupError("The target is not empty; nothing was restored: " + "; ".join(occupied)
                                  + ". Restore into a new, empty database and media folder, or use --force "
                                  "to overwrite (the current data is lost).")
        _restore_database(root, manifest, force)
        log("database restored")
        media_root.mkdir(parents=True, exist_ok=True)
        media_count = _restore_media(root, manifest, media_root)
        log(f"{media_count} media files copied")
    rows = database_rows()
    verified, stored_problems = verify_stored_files(media_root)
    return RestoreResult(manifest=manifest, tables=len(rows), rows=sum(rows.values()), media_files=media_count,
                         verified=verified, problems=stored_problems, warnings=warnings,
                         seconds=time.monotonic() - started)
