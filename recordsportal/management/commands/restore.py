"""`manage.py restore BACKUP`: a backup into an empty instance, every checksum verified."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Restore a backup (folder or .tar) into the configured database and MEDIA_ROOT. Verifies "
        "every checksum first; refuses a non-empty target unless --force; re-verifies every stored "
        "file against the SHA-256 in the restored database."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a backup folder or archive written by `manage.py backup`")
        parser.add_argument("--force", action="store_true",
                            help="restore over a database/media folder that already holds data (it is replaced)")

    def handle(self, *args, backup: str, force: bool, **options):
        from recordsportal import backup as backups
        from recordsportal import restore

        try:
            result = restore.restore_backup(backup, force=force,
                                            log=lambda message: self.stderr.write(f"restore: {message}"))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (portal {manifest['app_version']}) in "
            f"{result.seconds:.1f} s: {result.tables} tables, {result.rows} rows, {result.media_files} media files; "
            f"{result.verified} stored files verified against their SHA-256, {len(result.problems)} problems."
        )
        for warning in result.warnings:
            self.stdout.write(f"NOTE: {warning}")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"FAILED   {problem}")
            raise CommandError(f"{len(result.problems)} stored file(s) failed verification after the restore.")
