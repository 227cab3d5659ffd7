"""Violation rules one by one, re-detection, the review and the decision."""

import datetime
from decimal import Decimal

import pytest

from documents import services as document_services
from documents.choices import Form
from reports import services
from reports.compliance import compute_month
from reports.models import DeductionRule, Violation, ViolationKind
from reports.querysets import emulation_summary
from reports.violations import detect_month
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def kinds(**filters):
    return sorted(Violation.objects.filter(**filters).values_list("kind", "department__abbreviation"))


def test_e_below_target_for_top_level_departments_only(agency, make_document):
    # dept_a: 9 of 10 electronic = 90% < 95%. dept_b: 20/20. The unit inside dept_a is judged with it.
    for index in range(10):
        make_document(agency.dept_a if index < 9 else agency.unit_a1, form=Form.ELECTRONIC if index else Form.PAPER)
    for _ in range(20):
        make_document(agency.dept_b)
    compute_month(MARCH)
    detect_month(MARCH)
    assert kinds(kind=ViolationKind.E_BELOW_TARGET) == [("e_below_target", "QLĐT")]
    violation = Violation.objects.get(kind=ViolationKind.E_BELOW_TARGET)
    assert violation.evidence == {"numerator": 9, "denominator": 10, "excluded": 0, "ratio": 90.0, "target": 95.0}
    assert violation.evidence_summary.startswith("90,0% (9/10)")


def test_at_target_is_not_a_violation_and_empty_departments_are_not_judged(agency, make_document):
    for index in range(20):
        make_document(agency.dept_a, form=Form.PAPER if index == 0 else Form.ELECTRONIC)  # exactly 95%
    compute_month(MARCH)
    detect_month(MARCH)
    assert not Violation.objects.filter(kind=ViolationKind.E_BELOW_TARGET).exists()


def test_detection_is_idempotent_and_forgets_unreviewed_violations_that_no_longer_apply(agency, make_document):
    paper = make_document(agency.dept_a, form=Form.PAPER)
    compute_month(MARCH)
    detect_month(MARCH)
    detect_month(MARCH)
    assert Violation.objects.filter(kind=ViolationKind.E_BELOW_TARGET).count() == 1
    type(paper).objects.filter(pk=paper.pk).update(form=Form.ELECTRONIC)
    compute_month(MARCH)
    detect_month(MARCH)
    assert not Violation.objects.exists()


def test_reviewed_violation_survives_redetection(agency, make_document):
    paper = make_document(agency.dept_a, form=Form.PAPER)
    compute_month(MARCH)
    detect_month(MARCH)
    violation = Violation.objects.get()
    services.violation_confirm(acting_user=agency.clerk, violation=violation)
    type(paper).objects.filter(pk=paper.pk).update(form=Form.ELECTRONIC)
    compute_month(MARCH)
    detect_month(MARCH)
    assert Violation.objects.get().status == Violation.Status.CONFIRMED


def test_documents_overdue_rule(agency, incoming):
    late = incoming(number_symbol="1/A", arrival_date=datetime.date(2026, 3, 2), document_date=datetime.date(2026, 3, 1))
    document_services.incoming_assign(acting_user=agency.leader, document=late, department=agency.unit_a1,
                                      officer=agency.officer_a1_unit, deadline=datetime.date(2026, 3, 9))
    on_time = incoming(number_symbol="2/A", arrival_date=datetime.date(2026, 3, 2), document_date=datetime.date(2026, 3, 1))
    document_services.incoming_assign(acting_user=agency.leader, document=on_time, department=agency.dept_b,
                                      officer=agency.officer_b, deadline=datetime.date(2026, 3, 9))
    type(on_time).objects.filter(pk=on_time.pk).update(status="done", completed_at=datetime.datetime(2026, 3, 5, 8, tzinfo=datetime.UTC))
    detect_month(MARCH)
    violation = Violation.objects.get(kind=ViolationKind.DOCUMENTS_OVERDUE)
    assert violation.department == agency.dept_a  # the unit's lapse counts for its department
    assert violation.evidence["count"] == 1


def test_h_below_target_rule(agency):
    from dossiers.models import Dossier

    for index in range(5):  # 1 electronic of 5 = 20% < 40%
        Dossier.objects.create(
            department=agency.dept_b, officer=agency.officer_b, opened_on=datetime.date(2026, 3, 2 + index),
            title=f"Hồ sơ {index}", number_symbol=f"0{index}.QLDN", code=f"TEST.2026.0{index}.QLDN", form="electronic" if index < 1 else "paper", year=2026,
        )
    compute_month(MARCH)
    detect_month(MARCH)
    violation = Violation.objects.get(kind=ViolationKind.H_BELOW_TARGET)
    assert violation.department == agency.dept_b and violation.evidence["numerator"] == 1


def test_backlog_late_and_missing_rules(agency):
    from backlog.models import Campaign, DeadlineMiss

    campaign = Campaign.objects.create(title="Kiểm kê 2021", scope_until_year=2015, deadline=datetime.date(2021, 7, 30),
                                       created_by=agency.clerk, effort_norm=Decimal("10"))
    DeadlineMiss.objects.create(campaign=campaign, department=agency.dept_a, kind="missing", deadline=campaign.deadline)
    DeadlineMiss.objects.create(campaign=campaign, department=agency.dept_b, kind="late", deadline=campaign.deadline,
                                submitted_at=datetime.datetime(2021, 8, 2, 9, tzinfo=datetime.UTC))
    detect_month(datetime.date(2021, 7, 1))
    assert kinds() == [("inventory_late", "QLDN"), ("inventory_missing", "QLĐT")]
    assert Violation.objects.get(kind="inventory_missing").evidence["campaign"] == "Kiểm kê 2021"


class TestReview:
    @pytest.fixture
    def violation(self, agency, make_document):
        make_document(agency.dept_a, form=Form.PAPER)
        compute_month(MARCH)
        detect_month(MARCH)
        return Violation.objects.get()

    def test_confirm_uses_the_points_table(self, agency, violation):
        DeductionRule.objects.create(kind=ViolationKind.E_BELOW_TARGET, points=Decimal("1.5"))
        services.violation_confirm(acting_user=agency.clerk, violation=violation)
        violation.refresh_from_db()
        assert violation.status == "confirmed" and violation.proposed_points == Decimal("1.5")
        assert violation.reviewed_by == agency.clerk

    def test_only_the_office_reviews_and_a_dismissal_needs_a_reason(self, agency, violation):
        with pytest.raises(DomainError, match="Chỉ Văn phòng"):
            services.violation_confirm(acting_user=agency.head_a, violation=violation)
        with pytest.raises(DomainError, match="lý do"):
            services.violation_dismiss(acting_user=agency.clerk, violation=violation, reason="  ")
        services.violation_dismiss(acting_user=agency.clerk, violation=violation, reason="Số liệu nhập sai, đã sửa")
        with pytest.raises(DomainError, match="đã được xem xét"):
            services.violation_confirm(acting_user=agency.clerk, violation=violation)

    def test_leadership_decides_and_the_year_end_summary_sums_approved_points(self, agency, violation):
        with pytest.raises(DomainError):
            services.violation_decide(acting_user=agency.leader, violation=violation, approve=True)  # not confirmed yet
        services.violation_confirm(acting_user=agency.clerk, violation=violation, points=Decimal("2"))
        with pytest.raises(DomainError, match="Chỉ lãnh đạo"):
            services.violation_decide(acting_user=agency.clerk, violation=violation, approve=True)
        services.violation_decide(acting_user=agency.leader, violation=violation, approve=True)
        summary = list(emulation_summary(agency.leader, 2026))
        assert [(row["department__abbreviation"], row["points"]) for row in summary] == [("QLĐT", Decimal("2.00"))]
        with pytest.raises(DomainError):
            services.violation_decide(acting_user=agency.leader, violation=violation, approve=False)


def test_the_deductions_card_sums_only_the_departments_the_viewer_sees(agency, client):
    """Issue 12: the "Tổng hợp trừ điểm thi đua" card showed every department's approved
    deductions to officers and heads, who get 403 on the same summary's PDF and .xlsx."""
    from django.urls import reverse

    for department, officer, points in [(agency.dept_a, agency.officer_a, "2.25"), (agency.dept_b, None, "13.57")]:
        Violation.objects.create(kind=ViolationKind.E_BELOW_TARGET, department=department, officer=officer,
                                 period=MARCH, key=f"approved-{department.pk}", status=Violation.Status.CONFIRMED,
                                 decision=Violation.Decision.APPROVED, proposed_points=Decimal(points))

    def card(user):
        client.force_login(user)
        page = client.get(reverse("reports:violations"), {"year": 2026}).content.decode()
        return page[page.index('data-testid="emulation-summary"'):]

    assert "Phòng Quản lý Đầu tư" in card(agency.head_a) and "2,25" in card(agency.head_a)
    assert "Phòng Quản lý Doanh nghiệp" not in card(agency.head_a) and "13,57" not in card(agency.head_a)
    # An officer's list holds the violations naming him; the card sums those, no others.
    assert "2,25" in card(agency.officer_a) and "13,57" not in card(agency.officer_a)
    assert "2,25" not in card(agency.officer_b) and "13,57" not in card(agency.officer_b)
    assert "2,25" in card(agency.clerk) and "13,57" in card(agency.clerk)
    assert [row["department__abbreviation"] for row in emulation_summary(agency.head_b, 2026)] == ["QLDN"]
