"""The register import through a real Celery worker on Redis and PostgreSQL (issue 16): the page
publishes the task, the worker writes the progress row the page polls; a worker killed half-way
through writing leaves nothing saved, and the redelivered message imports the whole file.

Deterministic "half-way": the file changes one document imported before (its row is in the
second chunk), and the test holds that document's row lock (SELECT … FOR UPDATE from its own
connection). The task commits its progress row as "saving", writes the first chunk's new
documents inside its transaction, then waits on the lock to update the changed one; the test
sees a backend waiting, SIGKILLs the worker's process group, releases the lock and starts a
second worker with a 5-second visibility timeout, which gets the unacknowledged message back
(acks_late) and runs it again (see tests/dossiers/test_plan_import_worker.py)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from documents import importer, services
from documents.models import Document, RegisterImport

from ..conftest import require
from ..faults.conftest import (
    second_session,
    celery_publishing_to, database_url_for_subprocess, kill_group, start_worker, stop_group, tail, wait_until,
    workdir,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROWS = 2_500
HEADERS = ["Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày văn bản", "Trích yếu", "Hình thức"]


def register(rows=ROWS, *, changed=None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ đến")
    sheet.append(["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026"])
    sheet.append(HEADERS)
    for n in range(1, rows + 1):
        summary = f"Về việc thứ {n}" + (" (đính chính)" if n == changed else "")
        sheet.append([n, datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300), f"Sở {n % 40}",
                      f"{n}/S{n % 40}-VP", None, summary, "Giấy"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def media(settings, workdir):  # noqa: F811
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    settings.MEDIA_ROOT = workdir / "media"
    return str(workdir / "media")


def forget_queue(redis_url, queue, *task_ids):
    import redis

    redis.Redis.from_url(redis_url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}",
                                          *(f"celery-task-meta-{task_id}" for task_id in task_ids))


def test_a_real_worker_checks_and_imports_the_register_while_the_page_polls(agency, media, login, redis_url,
                                                                           workdir, monkeypatch):  # noqa: F811
    from documents.tasks import register_import_task

    queue = "portal-test-register-import"
    monkeypatch.setattr(register_import_task, "queue", queue, raising=False)
    monkeypatch.setattr(register_import_task, "_exec_options", None)
    worker = start_worker(name="register", queue=queue, broker=redis_url, database_url=database_url_for_subprocess(),
                          log=workdir / "worker.log", MEDIA_ROOT=media)
    client = login(agency.clerk)
    try:
        with celery_publishing_to(redis_url):
            response = client.post(reverse("documents:import_upload"),
                                   {"direction": "incoming", "file": SimpleUploadedFile("so-den.xlsx", register())})
            record = RegisterImport.objects.get()
            assert response["Location"] == reverse("documents:import_preview", args=[record.pk])
            states = []

            def finished():
                fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
                state = fragment.split('data-state="', 1)[1].split('"', 1)[0]
                states.append(state)
                return state in ("done", "refused", "failed") and fragment

            fragment = wait_until(finished, timeout=300, interval=0.3,
                                  what=lambda: f"the dry run ({states[-3:]})\n{tail(workdir / 'worker.log')}")
            print(f"\nstates the page saw while polling the dry run: {' → '.join(dict.fromkeys(states))}")
            assert states[-1] == "done" and "hx-trigger" not in fragment
            assert f'<div class="stat text-success">{ROWS}</div>' in fragment and not Document.objects.exists()

            client.post(reverse("documents:import_confirm", args=[record.pk]))
            states.clear()
            fragment = wait_until(finished, timeout=300, interval=0.3,
                                  what=lambda: f"the import ({states[-3:]})\n{tail(workdir / 'worker.log')}")
            assert states[-1] == "done" and 'data-testid="import-result"' in fragment, fragment
            record.refresh_from_db()
            assert (record.status, record.created_count, record.rows_read, record.rows_total) == (
                "imported", ROWS, ROWS, ROWS)
            assert Document.objects.count() == ROWS
    finally:
        stop_group(worker)
        forget_queue(redis_url, queue)


def test_a_worker_killed_while_writing_leaves_nothing_and_the_redelivered_task_imports_it_all(
        agency, media, redis_url, workdir):  # noqa: F811
    from documents.tasks import register_import_task

    queue = "portal-test-register-import-killed"
    database_url = database_url_for_subprocess()
    # Row 1,500 was imported before; the new file changes it (and brings 2,499 new rows).
    importer.register_import(acting_user=agency.clerk, upload=SimpleUploadedFile("a.xlsx", _only_row(1_500)),
                             mapping=None, direction="incoming")
    changed = Document.objects.get()
    data = register(changed=1_500)
    headers, rows_total = importer.inspect_upload(io.BytesIO(data), "incoming")
    record = RegisterImport(direction="incoming", original_name="so-den.xlsx", size=len(data), sha256="-",
                            headers=headers, mapping=importer.auto_mapping(headers, "incoming"),
                            rows_total=rows_total, created_by=agency.clerk)
    record.file.save("upload.xlsx", SimpleUploadedFile("so-den.xlsx", data), save=False)
    record.save()
    services.register_import_start(acting_user=agency.clerk, record=record, confirm=True)

    lock = second_session()
    workers, result = [], None
    try:
        with lock.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Document._meta.db_table} WHERE id = %s FOR UPDATE", [changed.pk])
        workers.append(start_worker(name="first", queue=queue, broker=redis_url, database_url=database_url,
                                    log=workdir / "worker-1.log", MEDIA_ROOT=media))
        with celery_publishing_to(redis_url):
            result = register_import_task.apply_async(args=[record.pk, True], queue=queue)

            def blocked():
                # The worker's transaction waits for the lock: the first chunk is written, not committed.
                # (Asked on the test's own autocommit connection: inside the locking transaction,
                # pg_stat_activity would show the snapshot taken at its first read.)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event_type = 'Lock'")
                    return cursor.fetchone()[0] >= 1
            wait_until(blocked, timeout=400, interval=0.3,
                       what=lambda: f"the task to block while writing\n{tail(workdir / 'worker-1.log')}")
            row = RegisterImport.objects.get(pk=record.pk)
            assert (row.state, row.rows_read, row.attempts) == ("saving", ROWS, 1)

            kill_group(workers[0])  # the machine dies: no cleanup, no acknowledgement
            workers[0].wait(timeout=30)
            lock.rollback()
            # Nothing of the interrupted import was committed: the document imported before, only.
            assert list(Document.objects.values_list("pk", "summary")) == [(changed.pk, "Về việc thứ 1500")]
            assert RegisterImport.objects.get(pk=record.pk).status == "uploaded"

            workers.append(start_worker(name="second", queue=queue, broker=redis_url, database_url=database_url,
                                        log=workdir / "worker-2.log", MEDIA_ROOT=media, CELERY_VISIBILITY_TIMEOUT="5"))
            try:
                assert result.get(timeout=400) == "done"
            except Exception:
                pytest.fail(f"the task was not redelivered\n{tail(workdir / 'worker-2.log')}")
        row = RegisterImport.objects.get(pk=record.pk)
        assert (row.status, row.attempts, row.created_count, row.updated_count) == ("imported", 2, ROWS - 1, 1)
        assert Document.objects.count() == ROWS
        changed.refresh_from_db()
        assert changed.summary == "Về việc thứ 1500 (đính chính)" and changed.history.count() == 2
    finally:
        lock.close()
        for worker in workers:
            stop_group(worker)
        forget_queue(redis_url, queue, result.id if result else "none")


def _only_row(n) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ đến")
    sheet.append(HEADERS)
    sheet.append([n, datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300), f"Sở {n % 40}", f"{n}/S{n % 40}-VP",
                  None, f"Về việc thứ {n}", "Giấy"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
