"""The actions, one by one, with named actors: head A fills and submits, the Office clerk
reviews, head B is the outsider."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from backlog import services, tasks
from backlog.models import Campaign, DeadlineMiss, Inventory
from backlog.querysets import consolidate, inventories_late_or_missing
from recordsportal.services import DomainError

from .conftest import DEADLINE, LINES_A, on

pytestmark = pytest.mark.django_db

LINES_B = [
    {"description": "Hồ sơ doanh nghiệp", "from_year": 2000, "to_year": 2008, "shelf_metres": Decimal("2.5"),
     "boxes": 20, "estimated_dossiers": 100, "condition": "fair", "location": "", "notes": ""},
    {"description": "Báo cáo định kỳ", "from_year": 2011, "to_year": 2015, "shelf_metres": Decimal("1.75"),
     "boxes": 14, "estimated_dossiers": 60, "condition": "good", "location": "", "notes": ""},
]


def test_it_opens_a_campaign_with_one_draft_per_department(agency, campaign):
    assert campaign.status == Campaign.Status.OPEN and campaign.created_by == agency.clerk
    assert set(campaign.inventories.values_list("department__abbreviation", "status")) == {
        ("VP", "draft"), ("QLĐT", "draft"), ("QLDN", "draft")
    }
    assert campaign.history.first().history_user == agency.clerk


def test_it_lets_only_the_office_open_a_campaign(agency):
    with pytest.raises(DomainError, match="Chỉ Văn phòng"):
        services.campaign_open(acting_user=agency.head_a, title="X", scope_until_year=2015, deadline=DEADLINE,
                               departments=[agency.dept_a])
    assert not Campaign.objects.exists()


def test_it_refuses_a_second_inventory_for_a_department(agency, campaign):
    with pytest.raises(DomainError, match="đã có bản kiểm kê"):
        services.inventory_create(acting_user=agency.clerk, campaign=campaign, department=agency.dept_a)


def test_it_checks_every_line_and_saves_none_when_one_is_wrong(agency, inventory_a):
    bad = dict(LINES_A[0], to_year=2016)
    with pytest.raises(services.LinesRejected) as caught:
        services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=[LINES_A[1], bad])
    assert caught.value.errors == [
        "Dòng 2, đến năm: năm 2016 ngoài phạm vi đợt kiểm kê (tài liệu hình thành đến năm 2015)"
    ]
    assert inventory_a.lines.count() == 0


def test_it_refuses_a_save_from_a_stale_page(agency, inventory_a):
    version = inventory_a.version
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A, expected_version=version)
    stale = Inventory.objects.get(pk=inventory_a.pk)
    stale.version = version  # a second tab loaded before the first save
    with pytest.raises(DomainError, match="vừa được người khác thay đổi"):
        services.inventory_save_lines(acting_user=agency.head_a, inventory=stale, lines=LINES_A[:1], expected_version=version)
    assert inventory_a.lines.count() == 3


def test_it_locks_after_submit_and_unlocks_on_return(agency, inventory_a):
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, now=on(DEADLINE, 10))
    inventory_a.refresh_from_db()
    assert (inventory_a.status, inventory_a.late, inventory_a.submitted_by) == ("submitted", False, agency.head_a)

    # Locked: no edits, no second submit.
    with pytest.raises(DomainError, match="đã nộp"):
        services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A[:1])
    with pytest.raises(DomainError, match="đã nộp"):
        services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a)

    # Return needs a reason and the Office.
    with pytest.raises(DomainError, match="lý do"):
        services.inventory_return(acting_user=agency.clerk, inventory=inventory_a, reason="  ")
    with pytest.raises(DomainError, match="Chỉ Văn phòng"):
        services.inventory_return(acting_user=agency.head_a, inventory=inventory_a, reason="Tự trả")
    services.inventory_return(acting_user=agency.clerk, inventory=inventory_a, reason="Thiếu nơi bảo quản")
    inventory_a.refresh_from_db()
    assert inventory_a.status == "returned" and inventory_a.return_reason == "Thiếu nơi bảo quản"
    with pytest.raises(DomainError, match="Chỉ xem xét được bản kiểm kê đã nộp"):
        services.inventory_accept(acting_user=agency.clerk, inventory=inventory_a)

    # Corrected after the deadline: still on time, the first submission counts.
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A[:2])
    inventory_a.refresh_from_db()
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, now=on(DEADLINE + datetime.timedelta(days=5), 9))
    services.inventory_accept(acting_user=agency.clerk, inventory=inventory_a)
    inventory_a.refresh_from_db()
    assert (inventory_a.status, inventory_a.late, inventory_a.lines.count()) == ("accepted", False, 2)
    assert inventory_a.first_submitted_at == on(DEADLINE, 10)
    assert [h.history_user for h in inventory_a.history.all()[:2]] == [agency.clerk, agency.head_a]


@pytest.mark.parametrize(
    "moment, late",
    [(on(DEADLINE, 23, 59), False), (on(DEADLINE + datetime.timedelta(days=1), 0, 5), True)],
)
def test_it_marks_late_by_the_calendar_day_in_hanoi(agency, inventory_a, moment, late):
    # 00:05 on 31/07 in Hà Nội is still 30/07 in UTC: lateness follows the agency's day.
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, now=moment)
    inventory_a.refresh_from_db()
    assert inventory_a.late is late
    assert DeadlineMiss.objects.filter(department=agency.dept_a, kind="late").exists() is late


def test_it_needs_lines_or_a_declaration_to_submit(agency, inventory_a):
    assert services.inventory_submit_problems(inventory_a) == [
        "Bản kiểm kê chưa có dòng nào. Nhập số liệu, hoặc xác nhận phòng, đơn vị không có tài liệu tồn đọng."
    ]
    with pytest.raises(DomainError):
        services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a)
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, declare_none=True, now=on(DEADLINE, 8))
    inventory_a.refresh_from_db()
    assert inventory_a.status == "submitted" and inventory_a.declared_none


def test_it_records_late_and_missing_at_the_deadline_once(agency, campaign, inventory_a, inventory_b):
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, declare_none=True, now=on(DEADLINE, 9))
    services.inventory_save_lines(acting_user=agency.head_b, inventory=inventory_b, lines=LINES_B)
    inventory_b.refresh_from_db()
    services.inventory_submit(acting_user=agency.head_b, inventory=inventory_b, now=on(DEADLINE + datetime.timedelta(days=2), 9))
    # Before the deadline has passed nothing is recorded as missing.
    assert services.campaign_record_deadline_misses(acting_user=None, campaign=campaign, now=on(DEADLINE, 22)) == 0
    after = on(DEADLINE + datetime.timedelta(days=3), 1)
    for _ in range(2):  # the daily task may run twice
        services.campaign_record_deadline_misses(acting_user=None, campaign=campaign, now=after)
    rows = {(m.department.abbreviation, m.kind) for m in inventories_late_or_missing(campaign)}
    assert rows == {("QLDN", "late"), ("VP", "missing")}
    assert DeadlineMiss.objects.count() == 2


def test_it_closes_a_campaign_once_and_records_misses(agency, campaign):
    services.campaign_close(acting_user=agency.clerk, campaign=campaign, now=on(DEADLINE + datetime.timedelta(days=1), 9))
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert DeadlineMiss.objects.filter(campaign=campaign, kind="missing").count() == 3
    with pytest.raises(DomainError, match="đã được đóng"):
        services.campaign_close(acting_user=agency.clerk, campaign=campaign)
    with pytest.raises(DomainError, match="Đợt kiểm kê đã đóng"):
        services.inventory_save_lines(acting_user=agency.head_a, inventory=Inventory.objects.get(campaign=campaign, department=agency.dept_a), lines=LINES_A)


def test_it_consolidates_totals_matching_a_hand_computation(agency, campaign, inventory_a, inventory_b):
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=LINES_A)
    inventory_a.refresh_from_db()
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, now=on(DEADLINE, 9))
    services.inventory_save_lines(acting_user=agency.head_b, inventory=inventory_b, lines=LINES_B)
    inventory_b.refresh_from_db()
    services.inventory_submit(acting_user=agency.head_b, inventory=inventory_b, now=on(DEADLINE, 9))
    services.inventory_accept(acting_user=agency.clerk, inventory=inventory_b)

    plan = consolidate(campaign, user=agency.clerk)
    # By hand, norm 8.5 days per metre:
    #   A: 12.50 + 3.25 + 4.00 = 19.75 m; 100 + 26 + 30 = 156 boxes; 800 + 150 + 210 = 1160; 19.75 × 8.5 = 167.875 → 167.88
    #   B:  2.50 + 1.75        =  4.25 m;  20 + 14      =  34 boxes; 100 + 60        =  160;  4.25 × 8.5 =  36.125 →  36.13
    #   total 24.00 m, 190 boxes, 1320 dossiers, 24 × 8.5 = 204.00 days
    by_department = {t.label: (t.lines, t.metres, t.boxes, t.dossiers, t.effort) for t in plan.by_department}
    assert by_department == {
        "Phòng Quản lý Đầu tư": (3, Decimal("19.75"), 156, 1160, Decimal("167.88")),
        "Phòng Quản lý Doanh nghiệp": (2, Decimal("4.25"), 34, 160, Decimal("36.13")),
    }
    assert (plan.total.metres, plan.total.boxes, plan.total.dossiers, plan.total.effort) == (
        Decimal("24.00"), 190, 1320, Decimal("204.00"))
    # Periods by the decade of "from year": 1998 → 1990s; 2005, 2000 → 2000s; 2013, 2011 → 2010–2015.
    assert [(t.label, t.metres, t.boxes, t.dossiers, t.effort) for t in plan.by_period] == [
        ("1990–1999", Decimal("4.00"), 30, 210, Decimal("34.00")),
        ("2000–2009", Decimal("15.00"), 120, 900, Decimal("127.50")),
        ("2010–2015", Decimal("5.00"), 40, 210, Decimal("42.50")),
    ]
    assert [i.department.abbreviation for i in plan.pending] == ["VP"]
    # A head sees only their own department's figures.
    assert [t.label for t in consolidate(campaign, user=agency.head_b).by_department] == ["Phòng Quản lý Doanh nghiệp"]


def test_it_reminds_heads_of_departments_that_have_not_submitted(agency, campaign, inventory_a, inventory_b):
    agency.head_a.email, agency.head_b.email = "head_a@example.vn", "head_b@example.vn"
    agency.head_a.save()
    agency.head_b.save()
    services.inventory_submit(acting_user=agency.head_a, inventory=inventory_a, declare_none=True)
    sent = tasks.send_reminders.delay(campaign.pk, agency.clerk.pk).get()
    assert sent == 1  # B only; the Office has no head with an email in this agency
    (message,) = mail.outbox
    assert message.to == ["head_b@example.vn"]
    assert "Kiểm kê tài liệu tồn đọng năm 2021" in message.subject and "30/07/2021" in message.subject
    assert f"https://portal.test/backlog/inventories/{inventory_b.pk}/" in message.body  # absolute: read in a mail client
    inventory_b.refresh_from_db()
    assert inventory_b.last_reminded_at is not None


def test_the_daily_job_reminds_a_week_before_and_records_after(agency, campaign):
    agency.head_b.email = "head_b@example.vn"
    agency.head_b.save()
    assert services.campaigns_daily(now=on(DEADLINE - datetime.timedelta(days=7), 7)) == {"recorded": 0, "reminded": 1}
    assert services.campaigns_daily(now=on(DEADLINE - datetime.timedelta(days=3), 7)) == {"recorded": 0, "reminded": 0}
    assert services.campaigns_daily(now=on(DEADLINE + datetime.timedelta(days=1), 7)) == {"recorded": 3, "reminded": 0}
