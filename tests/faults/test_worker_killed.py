"""A Celery worker SIGKILLed in the middle of a compliance computation: the task comes back to
another worker, which completes it, and the month's snapshots end complete and unduplicated.

Deterministic "middle": the test holds a row lock (SELECT ... FOR UPDATE, from its own psycopg
connection) on the month's stale H snapshot of the agency. `reports.compute_month` writes E's
snapshots, then blocks on that row while upserting H's, inside its one transaction. The test sees
it waiting in pg_stat_activity and SIGKILLs the pool child alone: the worker's main process requeues
the task at once (task_reject_on_worker_lost) and runs it again, blocking again: now on its first
statement, the upsert of the month's ReportMonth row, which the orphaned backend of the killed run
still holds (so two runs of one month never interleave their snapshot writes). Then it SIGKILLs
the worker's whole process group, releases the lock, and starts a second worker. With `acks_late` the message was never acknowledged; the Redis transport gives
it back once it has been unacknowledged for the visibility timeout (CELERY_VISIBILITY_TIMEOUT:
2 h in production, 5 s for the second worker here).
"""

import datetime
import os
import signal
import time
import uuid
from collections import defaultdict

import pytest
from django.db import connection

from documents.choices import Confidentiality, Form
from dossiers.models import Dossier
from reports import compliance
from reports.models import ReportMonth, Snapshot

from ..conftest import require
from .conftest import (
    second_session,
    celery_publishing_to, children_of, database_url_for_subprocess, kill_group, start_worker, stop_group, tail,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.services, pytest.mark.django_db(transaction=True)]

MARCH = datetime.date(2026, 3, 1)
VISIBILITY_TIMEOUT = 5


def seed_march(agency, make_document):
    """Documents and dossiers of March 2026 for two departments, a unit and four officers (and
    one April document that March must not count)."""
    documents = [
        (agency.dept_a, agency.officer_a, Form.ELECTRONIC, Confidentiality.NORMAL),
        (agency.dept_a, agency.officer_a, Form.ELECTRONIC, Confidentiality.NORMAL),
        (agency.dept_a, agency.officer_a, Form.PAPER, Confidentiality.NORMAL),
        (agency.dept_a, agency.officer_a2, Form.ELECTRONIC, Confidentiality.NORMAL),
        (agency.dept_a, agency.officer_a2, Form.PAPER, Confidentiality.SECRET),
        (agency.unit_a1, agency.officer_a1_unit, Form.ELECTRONIC, Confidentiality.NORMAL),
        (agency.unit_a1, agency.officer_a1_unit, Form.PAPER, Confidentiality.NORMAL),
        (agency.dept_b, agency.officer_b, Form.PAPER, Confidentiality.NORMAL),
        (agency.dept_b, agency.officer_b, Form.ELECTRONIC, Confidentiality.NORMAL),
        (agency.dept_b, None, Form.ELECTRONIC, Confidentiality.NORMAL),
    ]
    for day, (department, officer, form, confidentiality) in enumerate(documents, start=2):
        make_document(department, officer, day=MARCH.replace(day=day), form=form, confidentiality=confidentiality)
    make_document(agency.dept_b, agency.officer_b, day=datetime.date(2026, 4, 2), form=Form.PAPER)
    dossiers = [
        (agency.dept_a, agency.officer_a, "electronic"),
        (agency.dept_a, agency.officer_a2, "paper"),
        (agency.unit_a1, agency.officer_a1_unit, "electronic"),
        (agency.dept_b, agency.officer_b, "paper"),
        (agency.dept_b, agency.officer_b, "paper"),
    ]
    for index, (department, officer, form) in enumerate(dossiers):
        Dossier.objects.create(department=department, officer=officer, opened_on=MARCH.replace(day=3 + index), form=form,
                               title=f"Hồ sơ {index}", number_symbol=f"{index:02d}.TEST", code=f"F.2026.{index:02d}", year=2026)


def expected_snapshots(agency) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(metric, scope_key) -> (numerator, denominator, excluded), counted here in Python from the
    stored rows, independently of the SQL the computation uses."""
    from documents.models import Document

    parents = {agency.unit_a1.pk: agency.dept_a.pk}
    figures = defaultdict(lambda: [0, 0, 0])
    pairs = defaultdict(lambda: [0, 0, 0])  # (metric, department, officer): the 'dept_officer' scope

    def count(metric, department_id, officer_id, numerator, denominator, excluded):
        pair = pairs[(metric, department_id, officer_id)]
        pair[0] += numerator
        pair[1] += denominator
        pair[2] += excluded
        scopes = ["agency", f"department:{department_id}"]
        if department_id in parents:
            scopes.append(f"department:{parents[department_id]}")
        if officer_id:
            scopes.append(f"officer:{officer_id}")
        for scope in scopes:
            row = figures[(metric, scope)]
            row[0] += numerator
            row[1] += denominator
            row[2] += excluded

    march = {"register_date__gte": MARCH, "register_date__lt": datetime.date(2026, 4, 1)}
    for department_id, officer_id, form, confidentiality in Document.objects.filter(**march).values_list(
            "department_id", "officer_id", "form", "confidentiality"):
        normal = confidentiality == Confidentiality.NORMAL
        count("E", department_id, officer_id, int(normal and form == Form.ELECTRONIC), int(normal), int(not normal))
    for department_id, officer_id, form in Dossier.objects.filter(opened_on__month=3).values_list(
            "department_id", "officer_id", "form"):
        count("H", department_id, officer_id, int(form == "electronic"), 1, 0)
    # A department's records with no officer, and an officer counted for several departments in
    # the month, get a row per department (the drill-down's 'dept_officer' scope).
    for (metric, department_id, officer_id), value in pairs.items():
        departments = {d for (m, d, o) in pairs if m == metric and o == officer_id}
        if officer_id is None or len(departments) > 1:
            figures[(metric, f"dept_officer:{department_id}:{officer_id or '-'}")] = value
    return {key: tuple(value) for key, value in figures.items()}


def stored_snapshots() -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(s.metric, s.scope_key): (s.numerator, s.denominator, s.excluded) for s in Snapshot.objects.filter(month=MARCH)}


def waiting_on(observer, pid_of_lock: int):
    """The backend blocked behind the test's lock, writing snapshots, if there is one."""
    with observer.cursor() as cursor:
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND %s = ANY(pg_blocking_pids(pid))", [pid_of_lock])
        rows = [row for row in cursor.fetchall() if Snapshot._meta.db_table in row[1]]
    return rows[0] if rows else None


def other_waiting_writers(observer, known: set[int], behind: int) -> list[int]:
    """Backends, other than `known`, waiting on a lock held by `behind` while writing the month:
    its ReportMonth row (compute_month's first statement, INSERT ... ON CONFLICT ... RETURNING) or
    its snapshots."""
    with observer.cursor() as cursor:
        cursor.execute("SELECT pid, query FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock' AND NOT pid = ANY(%s) AND %s = ANY(pg_blocking_pids(pid))",
                       [list(known), behind])
        tables = (ReportMonth._meta.db_table, Snapshot._meta.db_table)
        return [pid for pid, query in cursor.fetchall() if any(table in query for table in tables)]


def backend_alive(observer, pid: int) -> bool:
    with observer.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_a_worker_killed_mid_computation_is_replaced_and_the_month_ends_complete(
        agency, make_document, redis_url, workdir):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    seed_march(agency, make_document)
    expected = expected_snapshots(agency)
    # E and H: the agency, 3 departments (A, its unit, B), 4 officers; and E's row for B's document
    # with no officer.
    assert len(expected) == 2 * 8 + 1
    # A stale H row of the agency, as a nightly run before March's last dossiers would leave it.
    stale = Snapshot.objects.create(month=MARCH, metric="H", scope="agency", scope_key="agency", numerator=0, denominator=99)
    database_url = database_url_for_subprocess()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    lock = second_session()
    # pg_stat_activity is a snapshot taken once per transaction: observe from an autocommit session.
    observer = second_session(autocommit=True)
    workers, result = [], None
    try:
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            lock_pid = cursor.fetchone()[0]
            cursor.execute(f"SELECT 1 FROM {Snapshot._meta.db_table} WHERE month = %s AND metric = %s AND scope_key = %s"
                           " FOR UPDATE", [stale.month, stale.metric, stale.scope_key])

        # Worker 1 with the production visibility timeout: nothing is given back while it lives.
        first_log = workdir / "worker-1.log"
        workers.append(start_worker(name="first", queue=queue, broker=redis_url, database_url=database_url, log=first_log))
        from reports.tasks import compute_month_task

        with celery_publishing_to(redis_url):
            result = compute_month_task.apply_async(args=[MARCH.isoformat()], queue=queue)

            blocked = wait_until(lambda: waiting_on(observer, lock_pid), timeout=120, interval=0.5,
                                 what=lambda: f"the worker to block on the snapshot lock ({result.state})\n{tail(first_log)}")
            first_backend, query = blocked
            assert query.lstrip().upper().startswith("INSERT INTO"), query  # H's upsert, after E's
            assert first_log.read_text().count(f"{result.id}] received") == 1

            # 1. Only the pool child dies (what the OOM killer picks). The main process sees the
            # worker lost and, with task_reject_on_worker_lost, requeues the message at once; it
            # runs again in a new child and blocks again, behind the orphaned backend.
            (child,) = children_of(workers[0].pid)
            child_killed_at = time.monotonic()
            os.kill(child, signal.SIGKILL)
            # The re-run waits behind the orphaned backend of the killed run, which still holds the
            # month's row (and the E snapshots it wrote): on its first statement, the month's upsert.
            (second_backend,) = wait_until(lambda: other_waiting_writers(observer, {first_backend}, first_backend),
                                           timeout=120,
                                           interval=0.5, what=lambda: f"the re-run to block\n{tail(first_log)}")
            print(f"\npool child SIGKILLed: the same worker was running the task again {time.monotonic() - child_killed_at:.1f} s later")
            wait_until(lambda: first_log.read_text().count(f"{result.id}] received") == 2, timeout=30,
                       what="the requeued task in the first worker's log")
            assert "WorkerLostError" in first_log.read_text()
            assert not result.ready()

            # 2. The whole worker dies: SIGKILL to the main process and its child, no cleanup.
            killed_at = time.monotonic()
            kill_group(workers[0])
            workers[0].wait(timeout=30)
            lock.rollback()  # release the row; the orphaned backends then fail and roll back
            for backend in (first_backend, second_backend):
                wait_until(lambda backend=backend: not backend_alive(observer, backend), timeout=60, what="the killed runs' backends to end")
            # Nothing of the interrupted run was committed: no E row, H still the stale row.
            assert stored_snapshots() == {("H", "agency"): (0, 99, 0)}
            assert not ReportMonth.objects.filter(month=MARCH, computed_at__isnull=False).exists()  # no "as of"
            assert not result.ready()

            # Worker 2 restores the unacknowledged message after the visibility timeout and runs it.
            second_log = workdir / "worker-2.log"
            workers.append(start_worker(name="second", queue=queue, broker=redis_url, database_url=database_url,
                                        log=second_log, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT)))
            try:
                outcome = result.get(timeout=150)
            except Exception:
                pytest.fail(f"the task was not redelivered\n--- worker 2 ---\n{tail(second_log)}")
            redelivered_after = time.monotonic() - killed_at
            print(f"killed worker's task completed by the second worker {redelivered_after:.1f} s after the SIGKILL")
            assert outcome["month"] == MARCH.isoformat()
            assert f"{result.id}] received" in second_log.read_text()  # the same message, redelivered
            # Logged by the worker just after it stores the result: poll, it may lag a little.
            wait_until(lambda: f"{result.id}] succeeded" in second_log.read_text(), timeout=30, what="the success log line")

        # Complete: every expected scope and metric, with the figures counted independently.
        assert stored_snapshots() == expected
        month = ReportMonth.objects.get(month=MARCH)  # one row for the month, computed, still open
        assert month.computed_at is not None and month.closed_at is None
        # Unduplicated: one row per (month, metric, scope), enforced by the primary key too.
        rows = Snapshot.objects.filter(month=MARCH)
        assert rows.count() == len(expected) == len(set(rows.values_list("metric", "scope_key")))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
                           [Snapshot._meta.db_table])
            assert cursor.fetchone()[0] == "PRIMARY KEY (month, metric, scope_key)"

        def row_versions():  # the transaction that wrote each row: a rewritten row gets a new one
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT metric, scope_key, xmin::text FROM {Snapshot._meta.db_table} WHERE month = %s", [MARCH])
                return set(cursor.fetchall())

        # The same figures as a fresh computation in this process, which changes no row.
        versions = row_versions()
        compliance.compute_month(MARCH)
        assert stored_snapshots() == expected
        assert row_versions() == versions
    finally:
        lock.close()
        observer.close()
        for worker in workers:
            stop_group(worker)
        import redis

        redis.Redis.from_url(redis_url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}",
                                              f"celery-task-meta-{result and result.id}")
