"""Ad hoc dossier codes (issue 12): an officer types a number and symbol of their own department's
file plan only; another department's code is refused with one message whether it exists or not,
so nobody can take it (and block that department's planned dossier) or probe which codes exist.

One scenario, two interfaces: the page's form and `POST /api/v1/dossiers/` (the API subclass
swaps the request), so the two cannot drift.
"""

import datetime

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db

OPENED = datetime.date(2026, 3, 2)


@pytest.fixture
def plan_b(agency, identifier):
    """Department B's 2026 plan: heading QH with three planned dossiers; 01.QH is opened."""
    plan = services.file_plan_create(acting_user=agency.head_b, department=agency.dept_b, year=2026)
    major = services.file_plan_heading_add(acting_user=agency.head_b, plan=plan, title="Quy hoạch", abbreviation="QH")
    for title in ("Hồ sơ quy hoạch chi tiết", "Hồ sơ điều chỉnh quy hoạch", "Hồ sơ thẩm định quy hoạch"):
        services.file_plan_entry_add(acting_user=agency.head_b, plan=plan, heading=major, title=title,
                                     retention_years=20, responsible=agency.officer_b)
    services.dossier_open(acting_user=agency.officer_b, plan_entry=plan.entries.get(number=1), opened_on=OPENED)
    return plan


class TestAdHocCodesThroughThePage:
    def open(self, client, number_symbol):
        """Open an ad hoc dossier with `number_symbol`; (created, the refusal shown or None)."""
        response = client.post(reverse("dossiers:open"), {
            "title": "Hồ sơ phát sinh", "retention_years": "10", "number_symbol": number_symbol,
            "opened_on": OPENED.strftime("%d/%m/%Y"), "kept_in_portal": "on"})
        if response.status_code == 302:
            return True, None
        assert response.status_code == 200
        return False, response.context["form"].errors.get("number_symbol")

    def test_another_departments_code_is_refused_alike_whether_it_exists_or_not(self, agency, login, plan, plan_b):
        client = login(agency.officer_a)
        answers = {}
        for symbol in ("01.QH", "02.QH", "06.QH"):  # in use, planned, free
            created, refusal = self.open(client, symbol)
            assert not created, symbol
            answers[symbol] = [message.replace(symbol, "<symbol>") for message in refusal]
        # One answer for the code in use, the planned one and the free one: nothing to probe.
        assert answers["01.QH"] == answers["02.QH"] == answers["06.QH"]
        assert "không thuộc danh mục hồ sơ năm 2026 của Phòng Quản lý Đầu tư" in answers["01.QH"][0]
        assert "đã được dùng" not in answers["01.QH"][0]
        assert not Dossier.objects.filter(department=agency.dept_a).exists()

    def test_the_other_department_still_opens_its_planned_dossier(self, agency, login, plan, plan_b):
        self.open(login(agency.officer_a), "02.QH")
        dossier = services.dossier_open(acting_user=agency.officer_b, plan_entry=plan_b.entries.get(number=2),
                                        opened_on=OPENED)
        assert dossier.code == "000.00.31.H09.2026.02.QH" and dossier.department == agency.dept_b

    def test_a_code_of_ones_own_plan_is_taken_once(self, agency, login, plan, plan_b):
        client = login(agency.officer_a)
        assert self.open(client, "07.TH") == (True, None)
        assert self.open(client, "08.QLĐT") == (True, None)
        assert Dossier.objects.get(number_symbol="07.TH").code == "000.00.31.H09.2026.07.TH"
        created, refusal = self.open(client, "07.TH")
        assert not created and "Mã hồ sơ 000.00.31.H09.2026.07.TH đã được dùng" in refusal[0]

    def test_a_planned_code_of_ones_own_plan_is_opened_from_the_plan(self, agency, login, plan, plan_b):
        created, refusal = self.open(login(agency.officer_a), "02.TH")
        assert not created and "chọn hồ sơ đó trong danh mục" in refusal[0]
        assert not Dossier.objects.filter(department=agency.dept_a).exists()

    def test_a_heading_two_departments_share_belongs_to_neither(self, agency, login, plan, plan_b):
        # Department B's plan also has a heading TH: a typed `NN.TH` could be either's code.
        services.file_plan_heading_add(acting_user=agency.head_b, plan=plan_b, title="Tổng hợp", abbreviation="TH")
        created, refusal = self.open(login(agency.officer_a), "09.TH")
        assert not created and "không thuộc danh mục" in refusal[0]


class TestAdHocCodesThroughTheAPI(TestAdHocCodesThroughThePage):
    def open(self, client, number_symbol):
        response = client.post("/api/v1/dossiers/", {
            "title": "Hồ sơ phát sinh", "retention_years": 10, "number_symbol": number_symbol,
            "opened_on": OPENED.isoformat()}, content_type="application/json")
        if response.status_code == 201:
            return True, None
        assert response.status_code == 400, response.content
        return False, response.json().get("number_symbol")
