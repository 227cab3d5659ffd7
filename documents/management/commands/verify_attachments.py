"""Re-read every stored file whose SHA-256 was recorded at upload — document attachments and the
files uploaded into dossiers — and compare. A tampered or missing file of either kind is reported
and the command exits 1."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from documents.attachments import sha256_of
from documents.models import Attachment


def _dossier_files():
    # Looked up by name: dossiers builds on documents, not the other way round.
    DossierItem = apps.get_model("dossiers", "DossierItem")
    return DossierItem.objects.exclude(file="").exclude(sha256="")


class Command(BaseCommand):
    help = "Verify the SHA-256 fixity of every attachment and dossier file; exits 1 if any file is missing or changed."

    def handle(self, *args, **options):
        sources = [
            ("attachments", "", Attachment.objects.all()),
            ("dossier files", "dossier item ", _dossier_files()),
        ]
        total = 0
        for label, prefix, queryset in sources:
            checked, problems = self._verify(queryset, prefix)
            total += problems
            self.stdout.write(f"{checked} {label} checked, {problems} problems")
        if total:
            raise CommandError(f"{total} stored file(s) failed verification")

    def _verify(self, queryset, prefix):
        checked = problems = 0
        for row in queryset.only("id", "file", "sha256", "original_name").order_by("pk").iterator(chunk_size=500):
            checked += 1
            try:
                with row.file.open("rb") as handle:
                    actual = sha256_of(handle)
            except FileNotFoundError:
                problems += 1
                self.stderr.write(f"MISSING  {prefix}#{row.pk} {row.file.name} ({row.original_name})")
                continue
            if actual != row.sha256:
                problems += 1
                self.stderr.write(f"CHANGED  {prefix}#{row.pk} {row.file.name} ({row.original_name})")
        return checked, problems
