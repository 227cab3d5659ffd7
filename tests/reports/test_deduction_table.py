"""The Office's table of emulation points per kind of violation: edited on a page, used by the
next confirmation, read by leadership; bad input refused by field, nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reports import services
from reports.models import DeductionRule, ViolationKind

pytestmark = pytest.mark.django_db


def table_post(**overrides):
    data = {kind: str(services.DEFAULT_POINTS[kind]).replace(".", ",") for kind in ViolationKind.values}
    data.update(overrides)
    return data


def test_the_office_sets_the_points_and_the_next_confirmation_uses_them(agency, login):
    client = login(agency.clerk)
    page = client.get(reverse("reports:deduction_table")).content.decode()
    assert "Mức trừ điểm thi đua" in page and 'name="inventory_missing" value="2,0"' in page
    response = client.post(reverse("reports:deduction_table"),
                           table_post(e_below_target="1,5", inventory_missing="3"), follow=True)
    assert "Đã lưu mức trừ điểm thi đua (2 mức thay đổi)." in response.content.decode()
    assert services.points_for(ViolationKind.E_BELOW_TARGET) == Decimal("1.5")
    assert services.points_for(ViolationKind.INVENTORY_MISSING) == Decimal("3")
    assert services.points_for(ViolationKind.INVENTORY_LATE) == Decimal("0.5")  # unchanged default
    # The violations page links to it.
    assert reverse("reports:deduction_table") in client.get(reverse("reports:violations")).content.decode()


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "Điểm trừ không được âm."),
    ("abc", "Nhập một số, ví dụ 0,5."),
    ("1,234", "Tối đa 2 chữ số thập phân."),
    ("500", "Điểm trừ tối đa là 100."),
])
def test_bad_points_are_refused_on_their_field_and_nothing_is_saved(agency, login, value, message):
    response = login(agency.clerk).post(reverse("reports:deduction_table"),
                                        table_post(e_below_target="1,5", dossiers_overdue=value))
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'name="dossiers_overdue" value="%s"' % value in page  # what was typed stays in the form
    assert not DeductionRule.objects.exists()


def test_leadership_reads_the_table_and_cannot_change_it(agency, login):
    DeductionRule.objects.create(kind=ViolationKind.DOCUMENTS_OVERDUE, points=Decimal("0.75"))
    client = login(agency.leader)
    page = client.get(reverse("reports:deduction_table")).content.decode()
    assert "0,75" in page and "<form" not in page.split('data-testid="deduction-table"')[0][-200:]
    assert client.post(reverse("reports:deduction_table"), table_post(documents_overdue="9")).status_code == 403
    assert DeductionRule.objects.get().points == Decimal("0.75")


def test_officers_and_heads_do_not_reach_it(agency, login):
    for user in (agency.officer_a, agency.head_a):
        assert login(user).get(reverse("reports:deduction_table")).status_code == 403


def test_only_the_office_saves_through_the_service(agency):
    from recordsportal.services import DomainError

    with pytest.raises(DomainError, match="Chỉ Văn phòng"):
        services.deduction_table_save(acting_user=agency.leader, points={"e_below_target": Decimal("9")})
    assert not DeductionRule.objects.exists()
