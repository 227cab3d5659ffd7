"""Issue 17, item 7: the hand-over record (biên bản giao nhận) is dated with the hand-over — its
header says the day the archive received the batch, like its body — and reads the same at every
download."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers import services
from dossiers.models import ArchiveBatch

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def test_the_handover_record_is_dated_with_the_handover_not_the_download(agency, closed_dossier, login):
    dossier = closed_dossier()
    batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
    services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
    received = datetime.datetime(2026, 9, 14, 10, 0, tzinfo=HANOI)
    ArchiveBatch.objects.filter(pk=batch.pk).update(received_at=received)
    url = reverse("dossiers:batch_document", args=[batch.pk, "handover", "pdf"])
    first = _text(login(agency.clerk).get(url))
    assert "ngày 14 tháng 09 năm 2026" in first  # the header's place and date
    assert "Hôm nay, ngày 14 tháng 09 năm 2026" in first  # the body
    assert first.count("tháng 09 năm 2026") == 2
    assert _text(login(agency.clerk).get(url)) == first
