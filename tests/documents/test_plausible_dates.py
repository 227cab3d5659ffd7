"""Plausible dates (issue 12, item 5): a document's date and an arrival lie between
RECORDS_FIRST_YEAR and today, the register year follows the arrival date, and a dossier opens
within the same range — by one rule (documents/rules.py over recordsportal/dates.py) that the
registration page, the API, the service and the register import all apply."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.choices import Direction
from documents.importer import import_preview
from documents.models import Document
from dossiers import services as dossier_services
from dossiers.models import Dossier
from recordsportal.services import DomainError

from .test_import import HEADERS, good_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

SAINT_NICHOLAS = datetime.date(2026, 12, 6)  # the day the issue was filed


@pytest.fixture
def on_6_december_2026(monkeypatch):
    """Today is 06/12/2026 for every rule and default (they all read timezone.localdate())."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SAINT_NICHOLAS)


def page_data(**overrides):
    data = {"arrival_date": "03/03/2026", "number_symbol": "125/UBND-KT", "document_date": "02/03/2026",
            "issuer": "UBND tỉnh", "kind": "CV", "summary": "Về việc thử ngày", "received_medium": "electronic",
            "form": "electronic", "urgency": "normal", "confidentiality": "normal"}
    data.update(overrides)
    return data


def test_an_incoming_document_dated_01_01_0001_is_refused_on_the_page_the_api_and_the_service(agency, client,
                                                                                              incoming):
    client.force_login(agency.clerk)
    response = client.post(reverse("documents:incoming_create"), page_data(document_date="01/01/0001"))
    assert response.status_code == 200
    assert response.context["form"].errors["document_date"] == [
        "Ngày văn bản 01/01/0001 không hợp lệ: chỉ nhận từ năm 1990 trở đi."]

    api = client.post("/api/v1/documents/", {"number_symbol": "1/A", "issuer": "UBND", "summary": "Về việc",
                                             "document_date": "0001-01-01"}, content_type="application/json")
    assert api.status_code == 400
    assert api.json()["document_date"] == ["Ngày văn bản 01/01/0001 không hợp lệ: chỉ nhận từ năm 1990 trở đi."]

    with pytest.raises(DomainError, match="Ngày văn bản 01/01/0001 không hợp lệ") as refused:
        incoming(document_date=datetime.date(1, 1, 1))
    assert refused.value.field == "document_date"
    assert Document.objects.count() == 0


def test_a_future_arrival_is_refused_so_it_cannot_take_next_years_number(agency, client, incoming,
                                                                          on_6_december_2026):
    client.force_login(agency.clerk)
    response = client.post(reverse("documents:incoming_create"),
                           page_data(arrival_date="02/01/2027", document_date="01/12/2026"))
    assert response.context["form"].errors["arrival_date"] == ["Ngày đến 02/01/2027 sau ngày hôm nay (06/12/2026)."]
    api = client.post("/api/v1/documents/", {"number_symbol": "1/A", "issuer": "UBND", "summary": "Về việc",
                                             "document_date": "2026-12-01", "arrival_date": "2027-01-02"},
                      content_type="application/json")
    assert api.status_code == 400 and "arrival_date" in api.json()
    with pytest.raises(DomainError, match="sau ngày hôm nay") as refused:
        incoming(document_date=datetime.date(2026, 12, 1), arrival_date=datetime.date(2027, 1, 2))
    assert refused.value.field == "arrival_date"
    # A document dated after today cannot arrive today either.
    with pytest.raises(DomainError, match="Ngày văn bản 07/12/2026 sau ngày hôm nay"):
        incoming(document_date=datetime.date(2026, 12, 7), arrival_date=datetime.date(2026, 12, 6))
    assert not Document.objects.filter(register_year=2027).exists()
    # Today is fine, and the document goes into this year's register.
    assert incoming(document_date=SAINT_NICHOLAS, arrival_date=SAINT_NICHOLAS).register_year == 2026


def test_a_back_dated_arrival_takes_the_next_number_of_its_own_years_register(incoming, on_6_december_2026):
    """Decree 30/2020/NĐ-CP, Appendix II: arrival numbers ("số đến") run from 01 on the first day
    of the year to 31/12, "theo thứ tự thời gian tiếp nhận" — in the order the Office registers
    documents, in the register of the year they arrived. A document that arrived earlier but is
    registered late (back-dated) is therefore correctly given the next free number of its arrival
    year, after documents that arrived later but were registered before it: the number records the
    order of registration, the arrival date the day it came. What must hold, and what this
    pins: the register year is the arrival date's year (a back-dated arrival of last year goes
    into last year's register, never this year's), and no arrival is in the future (that would
    take a number of a register not yet opened)."""
    march = incoming(number_symbol="1/A", document_date=datetime.date(2026, 3, 1), arrival_date=datetime.date(2026, 3, 3))
    june = incoming(number_symbol="2/A", document_date=datetime.date(2026, 6, 1), arrival_date=datetime.date(2026, 6, 2))
    late = incoming(number_symbol="3/A", document_date=datetime.date(2026, 1, 2), arrival_date=datetime.date(2026, 1, 5))
    assert [(d.register_year, d.number) for d in (march, june, late)] == [(2026, 1), (2026, 2), (2026, 3)]
    assert late.register_date == datetime.date(2026, 1, 5)
    last_year = incoming(number_symbol="4/A", document_date=datetime.date(2025, 12, 29),
                         arrival_date=datetime.date(2025, 12, 30))
    assert (last_year.register_year, last_year.number) == (2025, 1)


def test_the_register_import_refuses_31_12_9999_and_year_0001_by_row_and_column(agency):
    rows = good_rows()
    rows[0][1] = "31/12/9999"  # arrival
    rows[1][4] = "01/01/0001"  # document date
    plan = import_preview(upload=upload(xlsx_bytes(HEADERS, rows)), direction=Direction.INCOMING)
    messages = [str(e) for e in plan.errors]
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert messages == [
        f"Dòng 2, cột B (Ngày đến): ngày đến 31/12/9999 sau ngày hôm nay ({today})",
        "Dòng 3, cột E (Ngày văn bản): ngày văn bản 01/01/0001 không hợp lệ: chỉ nhận từ năm 1990 trở đi",
    ]


def test_a_dossier_opened_on_01_01_0001_or_in_the_future_is_refused(agency, client):
    with pytest.raises(DomainError, match="Ngày mở hồ sơ 01/01/0001 không hợp lệ") as refused:
        dossier_services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thử", retention_years=10,
                                      opened_on=datetime.date(1, 1, 1))
    assert refused.value.field == "opened_on"
    client.force_login(agency.officer_a)
    api = client.post("/api/v1/dossiers/", {"title": "Hồ sơ thử", "retention_years": 10, "opened_on": "0001-01-01"},
                      content_type="application/json")
    assert api.status_code == 400 and "01/01/0001" in api.json()["opened_on"][0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(reverse("dossiers:open"), {"title": "Hồ sơ thử", "retention_years": 10,
                                                  "opened_on": tomorrow.strftime("%d/%m/%Y"), "kept_in_portal": "on"})
    assert "sau ngày hôm nay" in " ".join(page.context["form"].errors["opened_on"])
    assert not Dossier.objects.exists()


def test_an_outgoing_document_cannot_be_issued_in_the_future_or_before_the_first_year(agency):
    for day, message in ((timezone.localdate() + datetime.timedelta(days=1), "sau ngày hôm nay"),
                         (datetime.date(1989, 12, 31), "chỉ nhận từ năm 1990")):
        with pytest.raises(DomainError, match=message):
            services.outgoing_issue(acting_user=agency.clerk, kind="CV", summary="Về việc", department=agency.dept_a,
                                    signer="A", issue_date=day)
    assert not Document.objects.exists()


@override_settings(RECORDS_FIRST_YEAR=2015)
def test_the_first_year_is_the_setting_records_first_year(incoming):
    with pytest.raises(DomainError, match="chỉ nhận từ năm 2015 trở đi"):
        incoming(document_date=datetime.date(2014, 12, 31))
    assert incoming(document_date=datetime.date(2015, 1, 1)).document_date == datetime.date(2015, 1, 1)
