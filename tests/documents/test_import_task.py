"""Issue 16: the register import runs as a Celery task. The request stores the upload and queues
the task (the dry run, or with the flag the import) and returns; the task writes its progress
(rows read, errors so far) to the RegisterImport row, which the page polls; a run is idempotent,
and one cut off half-way leaves nothing and can run again. In the test settings Celery is eager:
where a test needs the request to return before the task, it holds the queue."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from documents import importer, services
from documents.models import Document, NumberCounter, RegisterImport
from documents.tasks import register_import_task
from recordsportal import progress

pytestmark = pytest.mark.django_db

HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Hình thức"]


def xlsx(count, *, start=1, bad=()) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ đến")
    sheet.append(HEADERS)
    for n in range(start, start + count):
        arrival = "31/02/2026" if n in bad else datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300)
        sheet.append([n, arrival, f"Sở {n % 40}", f"{n}/S{n % 40}-VP", None, f"Về việc thứ {n}", "Giấy"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def held(monkeypatch):
    """The queue, held: what the views publish is kept here instead of running at once."""
    queued = []
    monkeypatch.setattr("documents.views.imports.enqueue", lambda task, *args: queued.append(args) or True)
    return queued


def upload(client, data):
    return client.post(reverse("documents:import_upload"),
                       {"direction": "incoming", "file": SimpleUploadedFile("so-den.xlsx", data)})


def test_the_upload_returns_before_the_dry_run_and_the_page_shows_it_queued(agency, login, held):
    client = login(agency.clerk)
    response = upload(client, xlsx(2_500))
    record = RegisterImport.objects.get()
    assert response["Location"] == reverse("documents:import_preview", args=[record.pk])
    assert held == [(record.pk, False)]  # the dry run, queued, not run
    assert (record.state, record.rows_total, record.rows_read, record.preview) == ("queued", 2_500, 0, {})
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 1s"' in page
    assert "Đã đọc 0 / 2.500 dòng" in page

    assert register_import_task.apply(args=[record.pk, False]).get() == "done"
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in fragment and "hx-trigger" not in fragment
    assert '<div class="stat text-success">2500</div>' in fragment
    assert not Document.objects.exists()  # a dry run writes nothing


def test_the_task_reports_rows_read_and_errors_as_it_goes(agency, login, held, monkeypatch):
    monkeypatch.setattr(progress, "REPORT_EVERY", 0)
    seen = []
    write = RegisterImport.write

    def spy(self, **fields):
        if "rows_read" in fields and "state" not in fields:
            seen.append((fields["rows_read"], fields["error_count"]))
        write(self, **fields)

    monkeypatch.setattr(RegisterImport, "write", spy)
    client = login(agency.clerk)
    upload(client, xlsx(2_000, bad={10, 1_500}))
    record = RegisterImport.objects.get()
    register_import_task.apply(args=[record.pk, False])
    assert seen[0] == (1, 0) and seen[-1] == (2_000, 2)
    assert (1_000, 1) in seen  # the first bad row counted as soon as it was read
    record.refresh_from_db()
    assert (record.state, record.rows_read, record.error_count) == ("done", 2_000, 2)
    assert record.errors == ["Dòng 11, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật",
                             "Dòng 1501, cột B (Ngày đến): “31/02/2026” không phải là ngày có thật"]
    assert record.preview["new"] == 1_998 and record.preview["errors"] == 2


def test_confirm_is_the_same_task_with_the_flag_and_a_second_delivery_changes_nothing(agency, login, held):
    client = login(agency.clerk)
    upload(client, xlsx(2_500))
    record = RegisterImport.objects.get()
    register_import_task.apply(args=[record.pk, False])
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert held[-1] == (record.pk, True)
    # The dry run's message delivered late finds a row marked for the import: left alone.
    assert register_import_task.apply(args=[record.pk, False]).get() == "queued"
    assert register_import_task.apply(args=[record.pk, True]).get() == "done"
    record.refresh_from_db()
    assert (record.status, record.created_count, record.attempts, record.result_count) == ("imported", 2_500, 2, 2_500)
    assert Document.objects.count() == 2_500
    assert NumberCounter.objects.get(series="incoming", year=2026).last_number == 2_500
    # Delivered again (a lost acknowledgement): nothing more.
    assert register_import_task.apply(args=[record.pk, True]).get() == "done"
    record.refresh_from_db()
    assert record.attempts == 2 and Document.objects.count() == 2_500
    # The same file uploaded again: every row skipped, nothing new.
    upload(client, xlsx(2_500))
    again = RegisterImport.objects.exclude(pk=record.pk).get()
    register_import_task.apply(args=[again.pk, False])
    again.refresh_from_db()
    assert (again.preview["new"], again.preview["changed"], again.preview["skipped"]) == (0, 0, 2_500)


def test_a_run_cut_off_while_saving_leaves_nothing_and_runs_again(agency, login, held, monkeypatch):
    """In-process stand-in for a killed worker (the real one: test_import_worker.py): the third
    chunk's insert fails; the two chunks written before it are rolled back with it."""
    client = login(agency.clerk)
    upload(client, xlsx(3_500))
    record = RegisterImport.objects.get()
    services.register_import_start(acting_user=agency.clerk, record=record, confirm=True)
    calls = []
    real = importer._insert

    def failing(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 3:
            assert Document.objects.count() == 2_000  # written, not committed
            raise RuntimeError("the worker dies here")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(importer, "_insert", failing)
    assert register_import_task.apply(args=[record.pk, True]).get() == "failed"
    assert not Document.objects.exists() and not NumberCounter.objects.filter(last_number__gt=0).exists()
    record.refresh_from_db()
    assert (record.status, record.state) == ("uploaded", "failed")
    page = client.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    assert reverse("documents:import_run", args=[record.pk]) in page  # "Chạy lại"

    monkeypatch.setattr(importer, "_insert", real)
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert register_import_task.apply(args=[record.pk, True]).get() == "done"
    assert Document.objects.count() == 3_500
    record.refresh_from_db()
    assert (record.status, record.created_count, record.attempts) == ("imported", 3_500, 2)


def test_an_import_refused_on_confirm_keeps_nothing_and_lists_the_errors(agency, login, held):
    client = login(agency.clerk)
    upload(client, xlsx(1_200, bad={1_100}))
    record = RegisterImport.objects.get()
    client.post(reverse("documents:import_confirm", args=[record.pk]))
    assert register_import_task.apply(args=[record.pk, True]).get() == "refused"
    assert not Document.objects.exists()
    record.refresh_from_db()
    assert record.status == "uploaded" and record.error_count == 1
    page = client.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    assert "Dòng 1101, cột B (Ngày đến)" in page and 'data-testid="import-refused"' in page


def test_a_stale_run_is_offered_to_run_again(agency, login, held):
    client = login(agency.clerk)
    upload(client, xlsx(10))
    record = RegisterImport.objects.get()
    record.write(state="reading", updated_at=record.updated_at - datetime.timedelta(minutes=10))
    page = client.get(reverse("documents:import_preview", args=[record.pk])).content.decode()
    assert 'data-testid="import-stale"' in page
    client.post(reverse("documents:import_run", args=[record.pk]))
    assert held[-1] == (record.pk, False)
    assert register_import_task.apply(args=[record.pk, False]).get() == "done"


def test_the_cap_is_100000_rows(agency, login, monkeypatch):
    assert importer.MAX_IMPORT_ROWS == 100_000
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 50)
    page = upload(login(agency.clerk), xlsx(51)).content.decode()
    assert "Tệp có quá nhiều dòng; tối đa 50 dòng mỗi lần." in page and not RegisterImport.objects.exists()
