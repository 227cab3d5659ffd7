"""An export above the threshold through a real Celery worker on Redis and PostgreSQL (issue 16):
the request returns at once, the worker writes the workbook the page then offers; a worker killed
while exporting leaves no file, and the redelivered message writes it.

Deterministic "while exporting": the test holds an ACCESS EXCLUSIVE lock on the documents table
from its own connection; the task commits its job row as "reading", then waits on that lock to
count the rows. The test SIGKILLs the worker's process group, releases the lock and starts a
second worker with a 5-second visibility timeout, which gets the unacknowledged message back
(acks_late) and runs it again."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from documents.models import Document
from recordsportal.models import ExportJob

from ..conftest import require
from ..dossiers.test_plan_import_worker import forget_queue
from ..faults.conftest import (
    celery_publishing_to, database_url_for_subprocess, kill_group, start_worker, stop_group, tail, wait_until,
    workdir,  # noqa: F401  (fixture)
)
from .test_export_task import read_xlsx, sheet_rows, workbook_rows
from .test_exports import documents  # noqa: F401  (fixture)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, workdir):  # noqa: F811
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    settings.MEDIA_ROOT = workdir / "media"
    settings.EXPORT_TASK_THRESHOLD = 1
    return workdir / "media"


def test_a_real_worker_writes_the_export_and_the_page_offers_it(agency, documents, media, login, redis_url,  # noqa: F811
                                                                 workdir, monkeypatch):  # noqa: F811
    from recordsportal.tasks import run_export

    queue = "portal-test-exports"
    monkeypatch.setattr(run_export, "queue", queue, raising=False)
    monkeypatch.setattr(run_export, "_exec_options", None)
    worker = start_worker(name="exports", queue=queue, broker=redis_url, database_url=database_url_for_subprocess(),
                          log=workdir / "worker.log", MEDIA_ROOT=str(media))
    client = login(agency.clerk)
    try:
        with celery_publishing_to(redis_url):
            response = client.get(reverse("documents:export_xlsx"))
            job = ExportJob.objects.get()
            assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])

            def finished():
                fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
                return 'data-state="done"' in fragment and fragment

            fragment = wait_until(finished, timeout=120, interval=0.3,
                                  what=lambda: f"the export to finish\n{tail(workdir / 'worker.log')}")
            assert reverse("exports:download", args=[job.pk]) in fragment and "hx-trigger" not in fragment
            rows = sheet_rows(read_xlsx(client.get(reverse("exports:download", args=[job.pk]))))
            assert sorted(row[3] for row in rows[1:]) == ["01/UBND-KT", "02/STC-NS", "03/CA-PV"]
            forget_queue(redis_url, queue)
    finally:
        stop_group(worker)


def test_a_worker_killed_while_exporting_leaves_no_file_and_the_redelivered_task_writes_it(
        agency, documents, media, redis_url, workdir, login):  # noqa: F811
    queue = "portal-test-exports-killed"
    database_url = database_url_for_subprocess()
    from recordsportal import queueing

    # The request records the job; the test publishes its message to its own queue below.
    original = queueing.enqueue
    queueing.enqueue = lambda task, *args: True
    try:
        login(agency.clerk).get(reverse("documents:export_xlsx"))
    finally:
        queueing.enqueue = original
    job = ExportJob.objects.get()
    settings = connection.settings_dict
    lock = psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
                           password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=False)
    workers, result = [], None
    try:
        with lock.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Document._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        workers.append(start_worker(name="first", queue=queue, broker=redis_url, database_url=database_url,
                                    log=workdir / "worker-1.log", MEDIA_ROOT=str(media)))
        from recordsportal.tasks import run_export

        with celery_publishing_to(redis_url):
            result = run_export.apply_async(args=[job.pk], queue=queue)
            wait_until(lambda: ExportJob.objects.get(pk=job.pk).state == "reading", timeout=120, interval=0.3,
                       what=lambda: f"the task to start\n{tail(workdir / 'worker-1.log')}")
            kill_group(workers[0])  # the machine dies: no cleanup, no acknowledgement
            workers[0].wait(timeout=30)
            lock.rollback()
            row = ExportJob.objects.get(pk=job.pk)
            assert (row.state, row.attempts, row.file.name) == ("reading", 1, "")
            assert not [p for p in media.rglob("*") if p.is_file()]

            workers.append(start_worker(name="second", queue=queue, broker=redis_url, database_url=database_url,
                                        log=workdir / "worker-2.log", MEDIA_ROOT=str(media),
                                        CELERY_VISIBILITY_TIMEOUT="5"))
            try:
                assert result.get(timeout=150) == "done"
            except Exception:
                pytest.fail(f"the task was not redelivered\n{tail(workdir / 'worker-2.log')}")
        row = ExportJob.objects.get(pk=job.pk)
        assert (row.state, row.attempts, row.result_count) == ("done", 2, 3)
        assert sorted(r[3] for r in workbook_rows(row)[1:]) == ["01/UBND-KT", "02/STC-NS", "03/CA-PV"]
        assert len([p for p in media.rglob("*") if p.is_file()]) == 1
    finally:
        lock.close()
        for worker in workers:
            stop_group(worker)
        forget_queue(redis_url, queue, result.id if result else "none")
