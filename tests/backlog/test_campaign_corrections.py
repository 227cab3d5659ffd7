"""Issue 17, item 8 (campaigns): a campaign cannot be opened with a deadline already past (it
would at once be "Không nộp" for everyone), on the page or through the API; an open campaign can
be corrected — title, deadline, norm — by the Office, each change kept in its history; a closed
one cannot."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from backlog import services
from backlog.models import Campaign
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db


def _future(days=30):
    return datetime.date.today() + datetime.timedelta(days=days)


def test_the_page_refuses_a_past_deadline_and_keeps_what_was_typed(agency, login):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    response = login(agency.clerk).post(reverse("backlog:campaign_create"), {
        "title": "Kiểm kê năm nay", "scope_until_year": "2015", "deadline": yesterday.isoformat(), "effort_norm": "8",
        "departments": [agency.dept_a.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Hạn nộp {yesterday:%d/%m/%Y} đã qua" in page and "Kiểm kê năm nay" in page
    assert not Campaign.objects.filter(title="Kiểm kê năm nay").exists()


def test_the_api_refuses_a_past_deadline(agency, login):
    body = {"title": "Kiểm kê", "scope_until_year": 2015, "deadline": "2020-01-31", "effort_norm": "8",
            "departments": [agency.dept_a.pk]}
    response = login(agency.clerk).post("/api/v1/backlog/campaigns/", body, content_type="application/json")
    assert response.status_code == 400 and "đã qua" in str(response.json())
    assert not Campaign.objects.exists()


def test_the_office_corrects_an_open_campaign_with_history(agency, campaign, login):
    client = login(agency.clerk)
    assert client.get(reverse("backlog:campaign_edit", args=[campaign.pk])).status_code == 200
    before = campaign.history.count()
    response = client.post(reverse("backlog:campaign_edit", args=[campaign.pk]), {
        "title": "Kiểm kê tài liệu tồn đọng năm 2026", "deadline": _future().isoformat(), "effort_norm": "9,5"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Kiểm kê tài liệu tồn đọng năm 2026" and campaign.deadline == _future()
    assert campaign.effort_norm == Decimal("9.5")
    latest = campaign.history.first()
    assert campaign.history.count() == before + 1 and latest.history_user == agency.clerk
    assert latest.prev_record.title == "Kiểm kê tài liệu tồn đọng năm 2021"


def test_keeping_a_past_deadline_is_allowed_but_moving_it_into_the_past_is_not(agency, campaign, login):
    client = login(agency.clerk)
    response = client.post(reverse("backlog:campaign_edit", args=[campaign.pk]), {
        "title": "Đổi tên", "deadline": campaign.deadline.isoformat(), "effort_norm": "8,5"})
    assert response.status_code == 302
    response = client.post(reverse("backlog:campaign_edit", args=[campaign.pk]), {
        "title": "Đổi tên", "deadline": "2021-07-01", "effort_norm": "8,5"})
    assert response.status_code == 200 and "đã qua" in response.content.decode()


def test_heads_cannot_and_a_closed_campaign_stays_as_closed(agency, campaign, login):
    assert login(agency.head_a).get(reverse("backlog:campaign_edit", args=[campaign.pk])).status_code == 403
    services.campaign_close(acting_user=agency.clerk, campaign=campaign)
    with pytest.raises(DomainError):
        services.campaign_update(acting_user=agency.clerk, campaign=campaign, title="X", deadline=_future(),
                                 effort_norm=Decimal("1"))
