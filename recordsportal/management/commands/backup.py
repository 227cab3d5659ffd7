"""`manage.py backup DEST`: the database and every uploaded file, with a checksummed manifest."""

import argparse
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recordsportal import backup, backup_status


class Command(BaseCommand):
    help = (
        "Write a consistent backup: database dump, media files and manifest.json with SHA-256 of "
        "every file. DEST: a path ending in .tar (one archive), an existing folder (a new "
        "recordsportal-YYYYMMDD-HHMMSS.tar inside it), or a new folder path (a backup folder). "
        "Damaged stored files are listed in the manifest and make the exit code 1; the rest is "
        "still backed up. Every run is recorded for /health/ and the admin home."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="x.tar, an existing folder, or a new folder path")
        parser.add_argument("--keep", type=int, default=0,
                            help="with a folder DEST: keep only the newest N recordsportal-YYYYMMDD-HHMMSS.tar "
                                 "archives (by the time in their names; other names are left alone)")
        # Before issue 19 a damaged file stopped the backup unless this was given; now it never
        # does. Still accepted, so that existing cron lines and timers keep working.
        parser.add_argument("--allow-damaged", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, dest, keep, **options):
        folder = Path(dest)
        started = datetime.datetime.now(datetime.timezone.utc)
        try:
            result = backup.create_backup(folder, log=lambda message: self.stderr.write(f"backup: {message}"))
        except Exception as exc:
            # Recorded whatever the failure (the database unreachable included), then reported.
            message = str(exc) or exc.__class__.__name__
            self._record(status=backup_status.FAILED, started_at=started, message=message)
            if isinstance(exc, backup.BackupError):
                raise CommandError(message) from exc
            raise
        media = result.manifest["media"]
        self.stdout.write(
            f"Backup written: {result.path} ({result.size} bytes, {result.seconds:.1f} s); "
            f"database {result.manifest['database']['vendor']}, {media['files']} media files "
            f"({media['bytes']} bytes), {media['verified_against_database']} verified against the database's SHA-256."
        )
        if keep and folder.is_dir() and result.path.parent == folder:
            for path in backup.prune(folder, keep, protect=result.path):
                self.stdout.write(f"Old backup deleted: {path}")
        status = backup_status.DAMAGED if result.damaged else backup_status.OK
        message = "; ".join(str(problem).strip() for problem in result.damaged[:20])
        self._record(status=status, started_at=started, archive=str(result.path), size=result.size,
                     damaged=len(result.damaged), message=message)
        if result.damaged:
            for problem in result.damaged:
                self.stderr.write(f"DAMAGED  {problem}")
            raise CommandError(
                f"{len(result.damaged)} stored file(s) are damaged: the backup holds the database and every "
                f"other file, and lists these in its manifest. Check them with manage.py verify_attachments."
            )

    def _record(self, **outcome):
        try:
            backup_status.record(**outcome)
        except OSError as exc:  # the backup itself is what matters; say why it is not shown
            self.stderr.write(f"backup: WARNING: could not record the outcome for /health/: {exc}")
