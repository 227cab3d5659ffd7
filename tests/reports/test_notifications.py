"""The emulation review reaches the department (issue 15): the Office's confirmation and
leadership's decision are notified to the department's heads (and the officer concerned)."""

import datetime
from decimal import Decimal

import pytest

from notifications.models import Kind, Notification
from reports import services
from reports.models import Violation, ViolationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def violation(agency):
    return Violation.objects.create(kind=ViolationKind.DOCUMENTS_OVERDUE, department=agency.dept_a,
                                    officer=agency.officer_a, period=datetime.date(2026, 3, 1), key="test-1")


def test_the_offices_confirmation_and_leaderships_decision_reach_the_department(agency, violation):
    services.violation_confirm(acting_user=agency.clerk, violation=violation, points=Decimal("2"))
    confirmed = Notification.objects.filter(kind=Kind.VIOLATION)
    assert {n.recipient for n in confirmed} == {agency.head_a, agency.officer_a}
    assert "đề xuất trừ 2" in confirmed.first().title
    services.violation_decide(acting_user=agency.leader, violation=violation, approve=True)
    decided = Notification.objects.filter(kind=Kind.DECISION)
    assert {n.recipient for n in decided} == {agency.head_a, agency.officer_a}
    assert "quyết định trừ 2" in decided.first().title and decided.first().url == "/reports/violations/?year=2026"
    assert not Notification.objects.filter(recipient__in=[agency.head_b, agency.officer_b]).exists()
