"""Redis down: pages still render; an action that queues work answers quickly, tells the user in
Vietnamese that nothing was queued and to retry, and works again once Redis is back.

The broker is a private redis-server (the shared one is never stopped): the test kills it with
SIGKILL mid-test and starts it again on the same port. Nothing consumes its queue, so a task that
was queued can be counted in Redis.
"""

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse

from backlog import services as backlog_services
from backlog.models import Inventory

from .conftest import celery_publishing_to, free_port

pytestmark = [pytest.mark.faults, pytest.mark.services]

QUEUE_DOWN = "Hàng đợi xử lý nền đang không hoạt động"
# Publishing must give up fast (settings: broker/result-store connect timeouts, 2 publish retries):
# about 0.5 s here, against 19 s with Celery's default result-store retries. Generous, for a
# loaded 2-core CI machine.
QUICK = 10.0
PAGES = ("home", "documents:list", "reports:dashboard", "dossiers:mine", "dossiers:list", "backlog:index")


@pytest.fixture
def campaign(agency):
    return backlog_services.campaign_open(
        acting_user=agency.clerk, title="Kiểm kê tài liệu tồn đọng", scope_until_year=2015,
        deadline=datetime.date.today() + datetime.timedelta(days=30), departments=[agency.dept_a, agency.dept_b],
    )


def timed_post(client, url):
    started = time.monotonic()
    response = client.post(url, follow=True)
    return response, time.monotonic() - started


def queued(redis_client) -> int:
    return redis_client.llen("celery")  # Celery's default queue on the Redis transport


def test_pages_render_with_the_broker_down(agency, login):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    client = login(agency.clerk)
    for name in PAGES:  # warm-up (templates compiled) so that the timing below is the broker's
        assert client.get(reverse(name)).status_code == 200, name
    with celery_publishing_to(dead):
        for name in PAGES:
            started = time.monotonic()
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            # Generous: a page that waited on the dead broker would take 19 s (Celery's default retries).
            assert time.monotonic() - started < 15, name
            assert QUEUE_DOWN not in response.content.decode()


def test_reminders_when_redis_dies_and_comes_back(agency, login, campaign, private_redis):
    """The one view that queues work (backlog reminders), through recordsportal.queueing."""
    url = reverse("backlog:campaign_remind", args=[campaign.pk])
    client = login(agency.clerk)
    inventories = Inventory.objects.filter(campaign=campaign)
    assert client.get(reverse("backlog:campaign", args=[campaign.pk])).status_code == 200  # warm-up
    with celery_publishing_to(private_redis.url):
        # Redis up: queued, and the clerk is told so.
        response, elapsed = timed_post(client, url)
        page = response.content.decode()
        assert response.status_code == 200 and "Đã gửi yêu cầu nhắc việc" in page
        assert queued(private_redis.client()) == 1

        # Redis killed: the page answers quickly, says plainly that nothing went out and to retry.
        private_redis.kill()
        response, elapsed = timed_post(client, url)
        page = response.content.decode()
        assert response.status_code == 200, "a broker outage must not be a server error"
        assert elapsed < QUICK, f"the request waited {elapsed:.1f} s on the dead broker"
        print(f"remind with Redis down: answered in {elapsed:.2f} s")
        assert QUEUE_DOWN in page and "Vui lòng bấm gửi lại sau ít phút" in page
        assert "Đã gửi yêu cầu nhắc việc" not in page
        # Nothing half-done: no reminder recorded, no mail sent; the campaign is still open.
        assert not inventories.filter(last_reminded_at__isnull=False).exists()
        assert mail.outbox == []
        campaign.refresh_from_db()
        assert campaign.is_open

        # Redis back (empty: it kept nothing): the retry the user was asked for is queued.
        private_redis.start()
        response, elapsed = timed_post(client, url)
        assert "Đã gửi yêu cầu nhắc việc" in response.content.decode()
        assert queued(private_redis.client()) == 1
        message = private_redis.client().lindex("celery", 0)
        assert b"backlog.send_reminders" in message
