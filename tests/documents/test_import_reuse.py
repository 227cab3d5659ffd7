"""Issue 16: the import that follows a dry run checks the rows the dry run parsed instead of
reading the file again, when nothing the parsing depends on has changed (the file, the columns,
the form for every row, the departments and people, today's date); the database is checked
again all the same, and the kept rows are used once and then deleted."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from documents import importer
from documents.models import Document, RegisterImport
from documents.tasks import register_import_task
from recordsportal.models import Department
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db

HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Tên loại", "Trích yếu", "Hình thức"]


def xlsx(count) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ đến")
    sheet.append(["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"])
    sheet.append(HEADERS)
    for n in range(1, count + 1):
        arrival = datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300)
        sheet.append([n, arrival, f"Sở {n % 40}", f"{n}/S{n % 40}-VP", arrival - datetime.timedelta(days=1),
                      "Loại lạ" if n % 50 == 0 else "Công văn", f"Về việc thứ {n}", "Giấy" if n % 3 else "Điện tử"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def held(monkeypatch):
    queued = []
    monkeypatch.setattr("documents.views.imports.enqueue", lambda task, *args: queued.append(args) or True)
    return queued


def dry_run(client, data) -> RegisterImport:
    client.post(reverse("documents:import_upload"),
                {"direction": "incoming", "file": SimpleUploadedFile("so-den.xlsx", data)})
    record = RegisterImport.objects.get()
    assert register_import_task.apply(args=[record.pk, False]).get() == "done"
    record.refresh_from_db()
    return record


def confirm(client, record):
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert register_import_task.apply(args=[record.pk, True]).get() == "done"
    record.refresh_from_db()
    return record


def documents():
    return list(Document.objects.order_by("number").values_list(
        "number", "register_date", "document_date", "issuer", "number_symbol", "kind", "summary", "form",
        "paper_reason", "received_medium", "import_key", "search_text"))


def reads(monkeypatch):
    opened = []
    real = importer._open
    monkeypatch.setattr(importer, "_open", lambda *args, **kwargs: opened.append(1) or real(*args, **kwargs))
    return opened


def test_the_import_after_a_dry_run_does_not_read_the_file_again_and_saves_the_same_rows(
        agency, login, held, media, monkeypatch):
    client = login(agency.clerk)
    data = xlsx(1_200)
    record = dry_run(client, data)
    kept = record.preview["parsed"]
    assert Path(kept["path"]).exists() and len(stored_files(media)) == 1  # the upload only, in the media
    opened = reads(monkeypatch)
    record = confirm(client, record)
    assert opened == []  # the rows came from the dry run
    assert (record.created_count, record.rows_read) == (1_200, 1_200)
    assert not Path(kept["path"]).exists()  # used once
    reused = documents()

    # The same file imported by reading it (no dry run kept) gives the same documents.
    Document.history.model.objects.all().delete()
    Document.all_objects.all().delete()
    from documents.models import NumberCounter

    NumberCounter.objects.all().delete()
    RegisterImport.objects.all().delete()
    record = dry_run(client, data)
    RegisterImport.objects.filter(pk=record.pk).update(preview={**record.preview, "parsed": {}})
    opened.clear()
    record = confirm(client, RegisterImport.objects.get(pk=record.pk))
    assert opened == [1] and record.created_count == 1_200
    assert documents() == reused


def test_the_file_is_read_again_when_a_department_changed_since_the_dry_run(agency, login, held, monkeypatch):
    client = login(agency.clerk)
    record = dry_run(client, xlsx(30))
    Department.objects.filter(pk=agency.clerk.department_id).update(name="Văn phòng mới")
    opened = reads(monkeypatch)
    assert confirm(client, record).created_count == 30
    assert opened == [1]


def test_the_file_is_read_again_when_the_kept_rows_were_altered_on_the_disk(agency, login, held, media, monkeypatch):
    client = login(agency.clerk)
    record = dry_run(client, xlsx(30))
    path = Path(record.preview["parsed"]["path"])
    path.write_bytes(path.read_bytes() + b"x")
    opened = reads(monkeypatch)
    assert confirm(client, record).created_count == 30
    assert opened == [1]


def test_the_kept_rows_are_checked_against_the_database_again(agency, login, held, monkeypatch):
    """A row registered by hand between the dry run and the import is found by the import."""
    client = login(agency.clerk)
    record = dry_run(client, xlsx(30))
    from documents import services

    services.incoming_register(acting_user=agency.clerk, issuer="Sở 7", number_symbol="7/S7-VP",
                               document_date=datetime.date(2026, 1, 7), arrival_date=datetime.date(2026, 1, 8),
                               summary="Về việc thứ 7", form="paper")
    opened = reads(monkeypatch)
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert register_import_task.apply(args=[record.pk, True]).get() == "refused"
    record.refresh_from_db()
    assert opened == [] and record.error_count == 2
    # The document registered by hand took number 01 of 2026 and is row 9's document.
    assert "Dòng 3, cột A (Số đến): số 01 năm 2026 đã được dùng trong sổ" in record.errors[0]
    assert "Dòng 9: văn bản 7/S7-VP ngày 07/01/2026 của Sở 7 đã được đăng ký" in record.errors[1]
    assert Document.objects.count() == 1


def test_discarding_an_import_deletes_the_kept_rows_with_the_upload(agency, login, held, media,
                                                                   django_capture_on_commit_callbacks):
    client = login(agency.clerk)
    record = dry_run(client, xlsx(30))
    path = Path(record.preview["parsed"]["path"])
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:import_delete", args=[record.pk]))
    assert not path.exists() and not RegisterImport.objects.exists()


def test_the_import_after_a_dry_run_checks_the_database_once_per_chunk(agency, login, held):
    """The dry run's rows are checked once, under the counter locks as they are written, not a
    first time before the writing transaction and again inside it (issue 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agency.clerk)
    record = dry_run(client, xlsx(1_200))
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    with CaptureQueriesContext(connection) as queries:
        assert register_import_task.apply(args=[record.pk, True]).get() == "done"
    by_key = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "import_key" in q["sql"].split("WHERE")[-1]]
    assert len(by_key) == 2  # two chunks of 1,000 rows, once each
    record.refresh_from_db()
    assert (record.created_count, record.rows_read) == (1_200, 1_200)


def test_a_number_taken_since_the_dry_run_in_a_later_chunk_refuses_the_whole_file(agency, login, held):
    """The first chunk is written before the second is checked: the number registered by hand
    between the dry run and the import, found in the second chunk, rolls the first back too."""
    from documents import services
    from documents.models import NumberCounter
    from documents.services import series_for

    client = login(agency.clerk)
    record = dry_run(client, xlsx(1_200))
    NumberCounter.objects.update_or_create(series=series_for("incoming", "normal"), year=2026,
                                           defaults={"last_number": 1_099})
    services.incoming_register(acting_user=agency.clerk, issuer="Sở khác", number_symbol="9/SK-VP",
                               document_date=datetime.date(2026, 3, 1), arrival_date=datetime.date(2026, 3, 2),
                               summary="Văn bản đăng ký tay", form="paper")
    assert Document.objects.get().number == 1_100
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert register_import_task.apply(args=[record.pk, True]).get() == "refused"
    record.refresh_from_db()
    assert record.error_count == 1
    assert "Dòng 1102, cột A (Số đến): số 1100 năm 2026 đã được dùng trong sổ" in record.errors[0]
    assert Document.all_objects.count() == 1  # the first chunk's 1,000 rows rolled back
    assert NumberCounter.objects.get(series=series_for("incoming", "normal"), year=2026).last_number == 1_100
