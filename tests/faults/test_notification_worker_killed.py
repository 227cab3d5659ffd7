"""A Celery worker SIGKILLed in the middle of sending notification e-mails (issue 15): after the
redelivery every event's notification exists once per person and every e-mail was delivered
exactly once — none lost, none twice.

The chain runs in the worker as in production: the daily `documents.deadline_reminders` writes
the due-soon and overdue notifications (officer, co-handler, heads) and, once committed, queues
`notifications.send_emails`, which e-mails them one by one. The worker's mail server is
tests/faults/mailbox.py: one file per accepted message; its third message hangs before it is
accepted (a mail server that stops answering), the test sees the worker blocked there and
SIGKILLs its whole process group (the machine dies: no cleanup, no acknowledgement). Two
e-mails went out and were marked; the third row's lock dies with the worker's connection. A
second worker (visibility timeout 5 s) gets the unacknowledged message back (acks_late) and
sends the rest; running the daily job again then writes and sends nothing.
"""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from documents.choices import Status
from documents.models import Document
from notifications.models import Kind, Notification
from recordsportal.models import User

from ..conftest import require
from .conftest import (
    celery_publishing_to, database_url_for_subprocess, kill_group, start_worker, stop_group, tail, wait_until,
)
from .mailbox import delivered

pytestmark = [pytest.mark.faults, pytest.mark.services, pytest.mark.django_db(transaction=True)]

QUEUE = "celery"  # the reminders task queues send_emails on the default queue (this run's Redis db)


def forget_queue(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [QUEUE, f"_kombu.binding.{QUEUE}", "unacked", "unacked_index", "unacked_mutex",
            *client.keys("celery-task-meta-*")]
    client.delete(*keys)


def test_a_worker_killed_mid_send_neither_loses_nor_repeats_an_email(agency, incoming, redis_url, workdir):
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    forget_queue(redis_url)
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@bql.example.vn")
    today = timezone.localdate()
    # Three open documents of department A: due tomorrow, due today, two days late.
    for number, days in enumerate((1, 0, -2), start=1):
        document = incoming(number_symbol=f"{number}/UBND-KT")
        Document.objects.filter(pk=document.pk).update(
            status=Status.ASSIGNED, department=agency.dept_a, officer=agency.officer_a,
            deadline=today + datetime.timedelta(days=days))
        if number == 1:
            document.co_handlers.add(agency.officer_a2)
    mailbox = workdir / "mailbox"
    mailbox.mkdir()
    database_url = database_url_for_subprocess()
    common = {"TEST_MAILBOX_DIR": str(mailbox), "SITE_URL": "https://portal.test",
              "EMAIL_BACKEND": "tests.faults.mailbox.BlockingMailbox"}
    workers = []
    try:
        workers.append(start_worker(name="mail-first", queue=QUEUE, broker=redis_url, database_url=database_url,
                                    log=workdir / "worker-1.log", TEST_MAILBOX_BLOCK_AT="3", **common))
        from documents.tasks import deadline_reminders

        with celery_publishing_to(redis_url):
            reminders = deadline_reminders.apply_async()
            assert reminders.get(timeout=120) == 3
            # Officer A on 3 documents, head A on 3, officer A2 (co-handler) on 1.
            assert Notification.objects.count() == 7
            assert Counter(Notification.objects.values_list("kind", flat=True)) == {Kind.DUE_SOON: 5, Kind.OVERDUE: 2}
            wait_until(lambda: list(mailbox.glob("blocked-*")), timeout=120, interval=0.3,
                       what=lambda: f"the worker to block in the third send\n{tail(workdir / 'worker-1.log')}")
            assert len(delivered(mailbox)) == 2
            assert Notification.objects.filter(emailed_at__isnull=False).count() == 2

            kill_group(workers[0])
            workers[0].wait(timeout=30)
            # The two sent are marked; the one in flight, and the rest, wait.
            assert len(delivered(mailbox)) == 2
            assert Notification.objects.filter(emailed_at__isnull=True).count() == 5

            workers.append(start_worker(name="mail-second", queue=QUEUE, broker=redis_url, database_url=database_url,
                                        log=workdir / "worker-2.log", CELERY_VISIBILITY_TIMEOUT="5", **common))
            wait_until(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), timeout=150,
                       interval=0.5, what=lambda: f"the redelivered send to finish\n{tail(workdir / 'worker-2.log')}")

            # The daily job retried (or run twice): nothing new is written or sent.
            again = deadline_reminders.apply_async()
            assert again.get(timeout=120) == 3
        assert Notification.objects.count() == 7
        messages = delivered(mailbox)
        expected = {f"<notification.{pk}@portal.test>": f"{username}@bql.example.vn"
                    for pk, username in Notification.objects.values_list("pk", "recipient__username")}
        ids = Counter(message["Message-ID"] for message in messages)
        assert ids == Counter(set(expected)), "each notification e-mailed exactly once"
        assert {message["Message-ID"]: message["To"] for message in messages} == expected
        assert all("https://portal.test/documents/" in message.get_payload(decode=True).decode() for message in messages)
        assert Counter(Notification.objects.values_list("recipient__username", "key")).most_common(1)[0][1] == 1
    finally:
        for worker in workers:
            stop_group(worker)
        forget_queue(redis_url)
