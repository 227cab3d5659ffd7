"""Notifications: written with the change they report, e-mailed after the commit (at once or in
the daily digest, each person's choice), never twice for one event and recipient, never lost
when a send fails half-way; the notification centre shows one's own only."""

import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse

from notifications import services, tasks
from notifications.models import Kind, Notification, Preference
from recordsportal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addresses(agency):
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@bql.example.vn")
    for value in vars(agency).values():
        if isinstance(value, User):
            value.email = f"{value.username}@bql.example.vn"


def send(recipients, key="event:1", **extra):
    fields = {"kind": Kind.ASSIGNED, "title": "Bạn được giao xử lý văn bản đến số 05/2026",
              "url": "/documents/5/"}
    fields.update(extra)
    return services.notify(recipients=recipients, key=key, **fields)


class TestDelivery:
    def test_it_is_written_with_the_change_and_emailed_after_the_commit(self, agency,
                                                                        django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            send([agency.officer_a])
            assert Notification.objects.filter(recipient=agency.officer_a).count() == 1
            assert mail.outbox == []  # nothing before the commit
        assert len(callbacks) == 1
        [message] = mail.outbox
        assert message.to == ["officer_a@bql.example.vn"]
        assert "https://portal.test/documents/5/" in message.body  # links from SITE_URL
        assert "https://portal.test/notifications/preferences/" in message.body
        assert message.extra_headers["Message-ID"].endswith("@portal.test>")
        assert Notification.objects.get(recipient=agency.officer_a).emailed_at is not None

    def test_a_rolled_back_change_notifies_nobody(self, agency, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    send([agency.officer_a])
                    raise RuntimeError("the change failed")
            except RuntimeError:
                pass
        assert not Notification.objects.exists() and mail.outbox == []

    def test_one_event_notifies_each_person_once(self, agency, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send([agency.officer_a, agency.officer_a, agency.head_a])
            send([agency.officer_a, agency.head_a])  # the same job run again
        assert Notification.objects.count() == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["head_a@bql.example.vn", "officer_a@bql.example.vn"]

    def test_running_the_send_task_twice_sends_nothing_twice(self, agency, django_capture_on_commit_callbacks):
        send([agency.officer_a, agency.head_a])
        assert tasks.send_emails.apply(kwargs={"key": "event:1"}).get() == 2
        assert tasks.send_emails.apply(kwargs={"key": "event:1"}).get() == 0
        assert tasks.send_pending.apply().get() == 0
        assert len(mail.outbox) == 2

    def test_a_retry_after_a_crash_mid_send_loses_nothing_and_repeats_nothing(self, agency, monkeypatch):
        """The mail server drops the connection at the second of three e-mails: the task fails
        (Celery retries it); the retry sends the two that did not go, and not the first again."""
        send([agency.officer_a, agency.officer_a2, agency.head_a])
        real_send = EmailBackend.send_messages
        calls = {"n": 0}

        def flaky(self, messages):
            calls["n"] += 1
            if calls["n"] == 2:
                raise SMTPServerDisconnected("connection lost")
            return real_send(self, messages)

        monkeypatch.setattr(EmailBackend, "send_messages", flaky)
        with pytest.raises(SMTPServerDisconnected):
            services.emails_send(key="event:1")
        assert len(mail.outbox) == 1
        assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
        # The task declares the retry on exactly this failure.
        assert issubclass(SMTPServerDisconnected, tasks.RETRY["autoretry_for"])
        assert services.emails_send(key="event:1") == 2
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            f"{u}@bql.example.vn" for u in ("officer_a", "officer_a2", "head_a"))
        assert services.emails_send(key="event:1") == 0 and len(mail.outbox) == 3

    def test_the_sweeper_sends_what_the_queue_missed(self, agency, monkeypatch):
        # The broker was down when the change committed: the row waits for the sweeper.
        send([agency.officer_a])
        Notification.objects.update(created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
        assert tasks.send_pending.apply().get() == 1
        assert len(mail.outbox) == 1

    def test_the_digest_gathers_the_days_notifications_in_one_email(self, agency, login,
                                                                    django_capture_on_commit_callbacks):
        login(agency.officer_a).post(reverse("notifications:preferences"), {"email_mode": "digest"})
        assert Preference.objects.get(user=agency.officer_a).email_mode == "digest"
        with django_capture_on_commit_callbacks(execute=True):
            send([agency.officer_a, agency.head_a], key="event:1")
            send([agency.officer_a], key="event:2", title="Văn bản bị trả lại: 07/2026")
        # The immediate one went at once; the digest waits for the morning.
        assert [m.to[0] for m in mail.outbox] == ["head_a@bql.example.vn"]
        assert tasks.send_digests.apply().get() == 1
        digest = mail.outbox[-1]
        assert digest.to == ["officer_a@bql.example.vn"] and "2 thông báo mới" in digest.subject
        assert "05/2026" in digest.body and "07/2026" in digest.body
        assert tasks.send_digests.apply().get() == 0  # run twice: nothing twice
        assert len(mail.outbox) == 2

    def test_email_off_means_the_portal_only(self, agency, django_capture_on_commit_callbacks):
        services.preference_set(acting_user=agency.officer_a, email_mode="off")
        with django_capture_on_commit_callbacks(execute=True):
            send([agency.officer_a])
        assert mail.outbox == []
        assert Notification.objects.filter(recipient=agency.officer_a, read_at__isnull=True).count() == 1
        assert tasks.send_digests.apply().get() == 0

    def test_an_inactive_person_is_not_notified(self, agency):
        User.objects.filter(pk=agency.officer_a.pk).update(is_active=False)
        agency.officer_a.refresh_from_db()
        assert send([agency.officer_a]) == 0


class TestNotificationCentre:
    def test_the_bell_counts_the_unread_and_the_list_shows_them(self, agency, login):
        send([agency.officer_a])
        send([agency.officer_a], key="event:2", title="Sắp đến hạn xử lý")
        client = login(agency.officer_a)
        home = client.get(reverse("home")).content.decode()
        assert 'data-testid="unread-count">2<' in home
        page = client.get(reverse("notifications:list")).content.decode()
        assert "Sắp đến hạn xử lý" in page and "05/2026" in page

    def test_opening_one_marks_it_read_and_leads_to_its_record(self, agency, login):
        send([agency.officer_a])
        notification = Notification.objects.get()
        response = login(agency.officer_a).get(reverse("notifications:open", args=[notification.pk]))
        assert response.status_code == 302 and response["Location"] == "/documents/5/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_mark_read_and_mark_all_read(self, agency, login):
        send([agency.officer_a])
        send([agency.officer_a], key="event:2")
        client = login(agency.officer_a)
        first, second = Notification.objects.order_by("pk")
        client.post(reverse("notifications:read", args=[first.pk]))
        assert Notification.objects.unread().count() == 1
        client.post(reverse("notifications:read_all"))
        assert Notification.objects.unread().count() == 0
        assert 'data-testid="unread-count"' not in client.get(reverse("home")).content.decode()

    def test_nobody_reads_or_marks_anothers(self, agency, login):
        send([agency.officer_a])
        notification = Notification.objects.get()
        client = login(agency.head_a)
        assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
        assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
        assert client.get(f"/api/v1/notifications/{notification.pk}/").status_code == 404
        assert client.get("/api/v1/notifications/").json()["results"] == []
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_a_link_outside_the_portal_is_never_followed(self, agency, login):
        notification = Notification.objects.create(recipient=agency.officer_a, kind=Kind.ASSIGNED, key="x",
                                                   title="x", url="//evil.example/")
        response = login(agency.officer_a).get(reverse("notifications:open", args=[notification.pk]))
        assert response["Location"] == "/"

    def test_the_api_lists_and_marks_read(self, agency, login):
        send([agency.officer_a])
        send([agency.officer_a], key="event:2")
        client = login(agency.officer_a)
        rows = client.get("/api/v1/notifications/?unread=1").json()["results"]
        assert len(rows) == 2 and rows[0]["url"] == "/documents/5/"
        answer = client.post(f"/api/v1/notifications/{rows[0]['id']}/read/").json()
        assert answer["is_read"] is True
        assert len(client.get("/api/v1/notifications/?unread=1").json()["results"]) == 1
        assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}

    def test_the_preferences_page_refuses_an_unknown_mode(self, agency, login):
        page = login(agency.officer_a).post(reverse("notifications:preferences"), {"email_mode": "sms"})
        assert page.status_code == 200 and not Preference.objects.exists()
