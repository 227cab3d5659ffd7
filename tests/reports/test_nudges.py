"""Nudges before the month ends (issue 14, part 5): the least number of additional electronic
records that reaches the target, on the dashboard and the home page; the heads' weekly e-mail in
the last two weeks of a month while their department is below target."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.choices import Form
from reports import nudges
from reports.compliance import compute_month

pytestmark = pytest.mark.django_db


def test_records_to_target_is_the_least_number_that_reaches_it():
    for target in (Decimal("95"), Decimal("40"), Decimal("33.5")):
        for denominator in range(1, 30):
            for numerator in range(denominator + 1):
                k = nudges.records_to_target(numerator, denominator, target)
                assert (numerator + k) * 100 >= target * (denominator + k)
                assert k == 0 or (numerator + k - 1) * 100 < target * (denominator + k - 1)
    assert nudges.records_to_target(9, 10, 95) == 10  # 19/20 = 95%
    assert nudges.records_to_target(0, 0, 95) is None  # no ratio yet
    assert nudges.records_to_target(9, 10, 100) is None


def test_the_dashboard_and_home_page_say_how_many_more_records_reach_the_target(agency, make_document, login):
    this_month = timezone.localdate().replace(day=1)
    for form in (Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, day=this_month, form=form)
    compute_month(this_month)
    page = login(agency.officer_a).get(reverse("reports:dashboard")).content.decode()
    # 1/2 = 50%: 18 more electronic documents make 19/20 = 95%.
    assert "Cần thêm 18 văn bản điện tử trong tháng để đạt 95%." in page
    home = login(agency.officer_a).get("/").content.decode()
    assert "Cần thêm 18 văn bản điện tử trong tháng để đạt 95%." in home
    past = login(agency.officer_a).get(reverse("reports:dashboard"), {"month": "2026-01"}).content.decode()
    assert 'data-testid="gap-to-target"' not in past


def test_heads_below_target_get_a_weekly_email_in_the_last_two_weeks(agency, make_document, mailoutbox):
    month = datetime.date(2026, 11, 1)
    for head in (agency.head_a, agency.head_b):
        head.email = f"{head.username}@bql.gov.vn"
        head.save(update_fields=["email"])
    make_document(agency.dept_a, agency.officer_a, day=month, form=Form.PAPER)
    for _ in range(3):
        make_document(agency.dept_b, agency.officer_b, day=month, form=Form.ELECTRONIC)
    compute_month(month)
    assert nudges.send_head_digests(datetime.date(2026, 11, 16)) == 0  # fifteen days left
    assert nudges.send_head_digests(datetime.date(2026, 11, 17)) == 1  # the last 14 days
    [mail] = mailoutbox
    assert mail.to == [agency.head_a.email] and "Cần thêm 19 văn bản điện tử" in mail.body
