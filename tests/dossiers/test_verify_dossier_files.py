"""Issue 17, item 11: `verify_attachments` checks the files uploaded into dossiers too — a
tampered or missing dossier file is reported by name and the command exits 1."""

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from dossiers import services

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def dossier_file(agency, identifier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ khảo sát", retention_years=10,
                                    opened_on=datetime.date(2026, 3, 1))
    return services.dossier_add_file(acting_user=agency.officer_a, dossier=dossier,
                                     upload=SimpleUploadedFile("ban-do.pdf", PDF_BYTES), title="Bản đồ khu đất")


def test_an_intact_dossier_file_is_counted_and_passes(dossier_file):
    out = io.StringIO()
    call_command("verify_attachments", stdout=out)
    assert "0 attachments checked, 0 problems" in out.getvalue()
    assert "1 dossier files checked, 0 problems" in out.getvalue()


def test_a_tampered_dossier_file_is_reported(dossier_file):
    with open(dossier_file.file.path, "ab") as handle:
        handle.write(b"tampered")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_attachments", stdout=io.StringIO(), stderr=err)
    assert f"CHANGED  dossier item #{dossier_file.pk}" in err.getvalue() and "ban-do.pdf" in err.getvalue()


def test_a_missing_dossier_file_is_reported(dossier_file):
    os.remove(dossier_file.file.path)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_attachments", stdout=io.StringIO(), stderr=err)
    assert f"MISSING  dossier item #{dossier_file.pk}" in err.getvalue()
