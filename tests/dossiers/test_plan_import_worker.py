"""The file plan import through a real Celery worker on Redis and PostgreSQL (issue 12, item 7):
the page publishes the task, the worker writes the progress row the page polls, and a worker
killed while saving leaves nothing half-saved: the redelivered message completes the import.

Deterministic "while saving": the test holds a row lock on the plan (SELECT … FOR UPDATE from its
own connection). The task commits its progress row as "saving", then waits on that lock inside
the transaction that saves the plan; the test sees "saving", SIGKILLs the worker's process
group, releases the lock and starts a second worker with a 5-second visibility timeout, which
gets the unacknowledged message back (acks_late) and runs it again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from dossiers import services
from dossiers.excel import HEADERS
from dossiers.models import FilePlan, FilePlanEntry, FilePlanHeading, PlanImport

from ..conftest import require
from ..faults.conftest import (
    second_session,
    celery_publishing_to, database_url_for_subprocess, kill_group, start_worker, stop_group, tail, wait_until,
    workdir,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ENTRIES = 1_500


def plan_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh mục hồ sơ")
    sheet.append(HEADERS)
    for heading in range(3):
        sheet.append([None, f"{'I' * (heading + 1)}. Đề mục {heading}", None, None, None, f"H{heading}"])
        for number in range(1, ENTRIES // 3 + 1):
            sheet.append([f"{number:02d}.H{heading}", f"Hồ sơ {number}", "Vĩnh viễn", None, None, None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def plan(agency, settings, workdir):  # noqa: F811
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    from recordsportal.models import Agency as AgencyRow

    row = AgencyRow.load()
    row.identifier_code, row.abbreviation = "000.00.31.H09", "BQL"
    row.save()
    settings.MEDIA_ROOT = workdir / "media"
    return services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)


def forget_queue(redis_url, queue, *task_ids):
    import redis

    redis.Redis.from_url(redis_url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}",
                                          *(f"celery-task-meta-{task_id}" for task_id in task_ids))


def test_a_real_worker_imports_the_plan_and_the_page_polls_its_progress(agency, plan, login, redis_url, workdir,  # noqa: F811
                                                                          monkeypatch):
    from dossiers.tasks import import_file_plan_task

    queue = "portal-test-plans"
    # The page publishes to this test's worker only (Celery caches a task's options: reset them).
    monkeypatch.setattr(import_file_plan_task, "queue", queue, raising=False)
    monkeypatch.setattr(import_file_plan_task, "_exec_options", None)
    worker = start_worker(name="plans", queue=queue, broker=redis_url, database_url=database_url_for_subprocess(),
                          log=workdir / "worker.log", MEDIA_ROOT=str(workdir / "media"))
    client = login(agency.head_a)
    try:
        with celery_publishing_to(redis_url):
            response = client.post(reverse("dossiers:plan_import", args=[plan.pk]),
                                   {"file": SimpleUploadedFile("danh-muc.xlsx", plan_xlsx())})
            record = PlanImport.objects.get()
            assert response["Location"] == reverse("dossiers:plan_import_status", args=[plan.pk, record.pk])
            states = []

            def finished():
                fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
                state = fragment.split('data-state="', 1)[1].split('"', 1)[0]
                states.append(state)
                return state in ("done", "refused", "failed") and fragment

            fragment = wait_until(finished, timeout=120, interval=0.3,
                                  what=lambda: f"the import to finish ({states[-3:]})\n{tail(workdir / 'worker.log')}")
            assert states[-1] == "done" and "hx-trigger" not in fragment, (states, fragment)
            print(f"\nstates the page saw while polling: {' → '.join(dict.fromkeys(states))}")
            assert "Đã nhập 1500 hồ sơ" in fragment.replace(".", "")
            record.refresh_from_db()
            assert (record.attempts, record.rows_read, record.rows_total, record.result_count) == (1, 1503, 1503, 1500)
            assert FilePlanEntry.objects.filter(plan=plan).count() == ENTRIES

            # The message delivered again (a redelivery after a lost acknowledgement): no change.
            again = import_file_plan_task.apply_async(args=[record.pk])
            assert again.get(timeout=60) == "done"
            record.refresh_from_db()
            assert record.attempts == 1 and FilePlanEntry.objects.filter(plan=plan).count() == ENTRIES
            forget_queue(redis_url, queue, again.id)
    finally:
        stop_group(worker)


def test_a_worker_killed_while_saving_leaves_nothing_and_the_redelivered_task_completes(
        agency, plan, redis_url, workdir):  # noqa: F811
    queue = "portal-test-plans-killed"
    database_url = database_url_for_subprocess()
    record = services.file_plan_import_start(acting_user=agency.head_a, plan=plan,
                                             upload=SimpleUploadedFile("danh-muc.xlsx", plan_xlsx()))
    lock = second_session()
    workers, result = [], None
    media = str(workdir / "media")
    try:
        with lock.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {FilePlan._meta.db_table} WHERE id = %s FOR UPDATE", [plan.pk])
        workers.append(start_worker(name="first", queue=queue, broker=redis_url, database_url=database_url,
                                    log=workdir / "worker-1.log", MEDIA_ROOT=media))
        from dossiers.tasks import import_file_plan_task

        with celery_publishing_to(redis_url):
            result = import_file_plan_task.apply_async(args=[record.pk], queue=queue)
            wait_until(lambda: PlanImport.objects.get(pk=record.pk).state == "saving", timeout=120, interval=0.3,
                       what=lambda: f"the task to reach saving\n{tail(workdir / 'worker-1.log')}")
            row = PlanImport.objects.get(pk=record.pk)
            assert (row.rows_read, row.rows_total, row.attempts) == (1503, 1503, 1)  # read to the end, then blocked

            kill_group(workers[0])  # the machine dies: no cleanup, no acknowledgement
            workers[0].wait(timeout=30)
            lock.rollback()
            # Nothing of the interrupted save was committed.
            assert not FilePlanHeading.objects.filter(plan=plan).exists()
            assert not FilePlanEntry.objects.filter(plan=plan).exists()
            assert PlanImport.objects.get(pk=record.pk).state == "saving"

            workers.append(start_worker(name="second", queue=queue, broker=redis_url, database_url=database_url,
                                        log=workdir / "worker-2.log", MEDIA_ROOT=media, CELERY_VISIBILITY_TIMEOUT="5"))
            try:
                assert result.get(timeout=150) == "done"
            except Exception:
                pytest.fail(f"the task was not redelivered\n{tail(workdir / 'worker-2.log')}")
        row = PlanImport.objects.get(pk=record.pk)
        assert (row.state, row.attempts, row.result_count) == ("done", 2, ENTRIES)
        assert FilePlanEntry.objects.filter(plan=plan).count() == ENTRIES
        assert FilePlanHeading.objects.filter(plan=plan).count() == 3
    finally:
        lock.close()
        for worker in workers:
            stop_group(worker)
        forget_queue(redis_url, queue, result.id if result else "none")
