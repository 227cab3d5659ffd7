"""The inventory import through a real Celery worker on Redis and PostgreSQL (issue 16): the page
publishes the task, the worker writes the progress row the page polls, and a worker killed while
saving leaves the draft as it was: the redelivered message completes the import.

Deterministic "while saving", as tests/dossiers/test_plan_import_worker.py: the test holds a row
lock on the inventory (SELECT … FOR UPDATE from its own connection). The task commits its progress
row as "saving", then waits on that lock inside the transaction that replaces the lines (the
version claim is an UPDATE of that row); the test sees "saving", SIGKILLs the worker's process
group, releases the lock and starts a second worker with a 5-second visibility timeout, which gets
the unacknowledged message back (acks_late) and runs it again."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from backlog import services
from backlog.excel import build_template
from backlog.models import Inventory, InventoryImport, InventoryLine

from ..conftest import require
from ..dossiers.test_plan_import_worker import forget_queue
from ..faults.conftest import (
    second_session,
    celery_publishing_to, database_url_for_subprocess, kill_group, start_worker, stop_group, tail, wait_until,
    workdir,  # noqa: F401  (fixture)
)
from .conftest import fill_template, upload_file

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LINES = 1_500
OLD = [{"description": "Dòng cũ của bản nháp", "from_year": 2010, "to_year": 2011, "shelf_metres": Decimal("1"),
        "boxes": 5, "estimated_dossiers": 20, "condition": "good", "location": "", "notes": ""}]


def inventory_xlsx(inventory) -> bytes:
    rows = [[n, f"Nhóm tài liệu số {n}", 2001, 2005, 1.5, 10, 40, "Tốt", "Kho tầng 1", ""] for n in range(1, LINES + 1)]
    return fill_template(build_template(inventory), rows)


@pytest.fixture
def inventory(agency, campaign, settings, workdir):  # noqa: F811
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    settings.MEDIA_ROOT = workdir / "media"
    inventory = Inventory.objects.get(campaign=campaign, department=agency.dept_a)
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory, lines=OLD)
    inventory.refresh_from_db()
    return inventory


def test_a_real_worker_imports_the_inventory_and_the_page_polls_its_progress(agency, inventory, login, redis_url,
                                                                              workdir, monkeypatch):  # noqa: F811
    from backlog.tasks import import_inventory

    queue = "portal-test-inventories"
    # The page publishes to this test's worker only (Celery caches a task's options: reset them).
    monkeypatch.setattr(import_inventory, "queue", queue, raising=False)
    monkeypatch.setattr(import_inventory, "_exec_options", None)
    worker = start_worker(name="inventories", queue=queue, broker=redis_url, database_url=database_url_for_subprocess(),
                          log=workdir / "worker.log", MEDIA_ROOT=str(workdir / "media"))
    client = login(agency.head_a)
    try:
        with celery_publishing_to(redis_url):
            response = client.post(reverse("backlog:inventory_upload", args=[inventory.pk]),
                                   {"file": upload_file(inventory_xlsx(inventory))})
            record = InventoryImport.objects.get()
            assert response.status_code == 302
            assert response["Location"] == reverse("backlog:inventory_import", args=[inventory.pk, record.pk])
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
            assert "Đã nhập 1500 dòng vào bản nháp kiểm kê" in fragment.replace(".", "")
            record.refresh_from_db()
            assert (record.attempts, record.rows_read, record.rows_total, record.result_count) == (1, LINES, LINES, LINES)
            assert InventoryLine.objects.filter(inventory=inventory).count() == LINES

            # The message delivered again (a redelivery after a lost acknowledgement): no change.
            version = Inventory.objects.get(pk=inventory.pk).version
            again = import_inventory.apply_async(args=[record.pk])
            assert again.get(timeout=60) == "done"
            record.refresh_from_db()
            assert record.attempts == 1 and InventoryLine.objects.filter(inventory=inventory).count() == LINES
            assert Inventory.objects.get(pk=inventory.pk).version == version
            forget_queue(redis_url, queue, again.id)
    finally:
        stop_group(worker)


def test_a_worker_killed_while_saving_leaves_the_draft_as_it_was_and_the_redelivered_task_completes(
        agency, inventory, redis_url, workdir):  # noqa: F811
    queue = "portal-test-inventories-killed"
    database_url = database_url_for_subprocess()
    record = services.inventory_import_start(acting_user=agency.head_a, inventory=inventory,
                                             upload=upload_file(inventory_xlsx(inventory)))
    lock = second_session()
    workers, result = [], None
    media = str(workdir / "media")
    try:
        with lock.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Inventory._meta.db_table} WHERE id = %s FOR UPDATE", [inventory.pk])
        workers.append(start_worker(name="first", queue=queue, broker=redis_url, database_url=database_url,
                                    log=workdir / "worker-1.log", MEDIA_ROOT=media))
        from backlog.tasks import import_inventory

        with celery_publishing_to(redis_url):
            result = import_inventory.apply_async(args=[record.pk], queue=queue)
            wait_until(lambda: InventoryImport.objects.get(pk=record.pk).state == "saving", timeout=120, interval=0.3,
                       what=lambda: f"the task to reach saving\n{tail(workdir / 'worker-1.log')}")
            row = InventoryImport.objects.get(pk=record.pk)
            assert (row.rows_read, row.rows_total, row.attempts) == (LINES, LINES, 1)  # read to the end, then blocked

            kill_group(workers[0])  # the machine dies: no cleanup, no acknowledgement
            workers[0].wait(timeout=30)
            lock.rollback()
            # Nothing of the interrupted save was committed: the draft keeps its old line.
            assert list(InventoryLine.objects.filter(inventory=inventory).values_list("description", flat=True)) == [
                "Dòng cũ của bản nháp"]
            assert Inventory.objects.get(pk=inventory.pk).version == inventory.version
            assert InventoryImport.objects.get(pk=record.pk).state == "saving"

            workers.append(start_worker(name="second", queue=queue, broker=redis_url, database_url=database_url,
                                        log=workdir / "worker-2.log", MEDIA_ROOT=media, CELERY_VISIBILITY_TIMEOUT="5"))
            try:
                assert result.get(timeout=150) == "done"
            except Exception:
                pytest.fail(f"the task was not redelivered\n{tail(workdir / 'worker-2.log')}")
        row = InventoryImport.objects.get(pk=record.pk)
        assert (row.state, row.attempts, row.result_count) == ("done", 2, LINES)
        assert InventoryLine.objects.filter(inventory=inventory).count() == LINES
        assert not InventoryLine.objects.filter(inventory=inventory, description="Dòng cũ của bản nháp").exists()
    finally:
        lock.close()
        for worker in workers:
            stop_group(worker)
        forget_queue(redis_url, queue, result.id if result else "none")
