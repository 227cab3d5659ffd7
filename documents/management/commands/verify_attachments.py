"""Re-read every stored attachment and compare its SHA-256 with the one recorded at upload."""

from django.core.management.base import BaseCommand, CommandError

from documents.attachments import sha256_of
from documents.models import Attachment


class Command(BaseCommand):
    help = "Verify the SHA-256 fixity of every attachment; exits 1 if any file is missing or changed."

    def handle(self, *args, **options):
        checked = problems = 0
        for attachment in Attachment.objects.only("id", "file", "sha256", "original_name").iterator(chunk_size=500):
            checked += 1
            try:
                with attachment.file.open("rb") as handle:
                    actual = sha256_of(handle)
            except FileNotFoundError:
                problems += 1
                self.stderr.write(f"MISSING  #{attachment.pk} {attachment.file.name} ({attachment.original_name})")
                continue
            if actual != attachment.sha256:
                problems += 1
                self.stderr.write(f"CHANGED  #{attachment.pk} {attachment.file.name} ({attachment.original_name})")
        self.stdout.write(f"{checked} attachments checked, {problems} problems")
        if problems:
            raise CommandError(f"{problems} attachment(s) failed verification")
