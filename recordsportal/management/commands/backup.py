"""`manage.py backup DEST`: the database and every uploaded file, with a checksummed manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recordsportal import backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup: database dump, media files and manifest.json with SHA-256 of "
        "every file. DEST: a path ending in .tar (one archive), an existing folder (a new "
        "recordsportal-YYYYMMDD-HHMMSS.tar inside it), or a new folder path (a backup folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="x.tar, an existing folder, or a new folder path")
        parser.add_argument("--keep", type=int, default=0,
                            help="with a folder DEST: keep only the newest N recordsportal-*.tar archives")
        parser.add_argument("--allow-damaged", action="store_true",
                            help="write the backup even if stored files fail their SHA-256 check (listed in the manifest)")

    def handle(self, *args, dest, keep, allow_damaged, **options):
        folder = Path(dest)
        try:
            result = backup.create_backup(folder, allow_damaged=allow_damaged,
                                          log=lambda message: self.stderr.write(f"backup: {message}"))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = result.manifest["media"]
        self.stdout.write(
            f"Backup written: {result.path} ({result.size} bytes, {result.seconds:.1f} s); "
            f"database {result.manifest['database']['vendor']}, {media['files']} media files "
            f"({media['bytes']} bytes), {media['verified_against_database']} verified against the database's SHA-256."
        )
        if keep and folder.is_dir() and result.path.parent == folder:
            for path in backup.prune(folder, keep):
                self.stdout.write(f"Old backup deleted: {path}")
        if result.damaged:
            for problem in result.damaged:
                self.stderr.write(f"DAMAGED  {problem}")
            raise CommandError(f"{len(result.damaged)} stored file(s) are damaged; they are listed in the manifest.")
