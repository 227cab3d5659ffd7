"""Issue 17, item 10: retention lists are approved by the agency head (Decree 30, Art. 31.3.d) —
named in the agency's settings; a deputy only when delegated there, and the printed list then
reads "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN" — and the list prints in the official layout for the
department head's and the approver's signatures."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers import services
from dossiers.choices import RetentionStatus
from dossiers.models import Dossier
from recordsportal.models import Agency
from recordsportal.roles import Role
from recordsportal.services import DomainError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(agency):
    return UserFactory(username="pho", full_name="Lê Thị Phó", department=None, roles=[Role.LEADERSHIP],
                       position="Phó Trưởng ban")


@pytest.fixture
def submitted_list(agency, closed_dossier):
    kept = closed_dossier(ended_on=datetime.date(2026, 3, 1))
    Dossier.objects.filter(pk=kept.pk).update(due_on=datetime.date(2026, 1, 1))
    kept.refresh_from_db()
    retention = services.retention_list_create(acting_user=agency.head_a, department=agency.dept_a)
    line = services.retention_line_add(acting_user=agency.head_a, retention_list=retention, dossier=kept,
                                       reason="Phục vụ thanh tra dự án", keep_until=datetime.date(2027, 6, 30))
    services.retention_list_submit(acting_user=agency.head_a, retention_list=retention)
    return retention, line


def _head_is(user, *delegates):
    agency = Agency.load()
    agency.agency_head = user
    agency.save()
    agency.retention_delegates.set(delegates)


def _pdf_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def test_a_deputy_who_is_not_delegated_cannot_approve(agency, deputy, submitted_list):
    retention, line = submitted_list
    _head_is(agency.leader)
    with pytest.raises(DomainError) as refused:
        services.retention_line_decide(acting_user=deputy, line=line, approve=True)
    assert "Phó Trưởng ban được giao ký thay" in refused.value.message
    retention.refresh_from_db()
    assert retention.status == RetentionStatus.SUBMITTED


def test_the_agency_head_approves_and_the_list_prints_truong_ban(agency, deputy, submitted_list, login):
    retention, line = submitted_list
    _head_is(agency.leader)
    services.retention_line_decide(acting_user=agency.leader, line=line, approve=True)
    text = _pdf_text(login(agency.head_a).get(reverse("dossiers:retention_pdf", args=[retention.pk])))
    assert "DANH MỤC HỒ SƠ, TÀI LIỆU GIỮ LẠI" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "TRƯỞNG BAN" in text and "KT. TRƯỞNG BAN" not in text and "Trần Lãnh Đạo" in text
    assert "TRƯỞNG PHÒNG" in text and agency.head_a.full_name in text
    assert "Phục vụ thanh tra dự án" in text and "30/06/2027" in text and "Đồng ý" in text


def test_a_delegated_deputy_approves_and_the_list_prints_kt_truong_ban(agency, deputy, submitted_list, login):
    retention, line = submitted_list
    _head_is(agency.leader, deputy)
    services.retention_line_decide(acting_user=deputy, line=line, approve=True)
    retention.refresh_from_db()
    assert retention.status == RetentionStatus.DECIDED and retention.decided_by == deputy
    text = _pdf_text(login(agency.clerk).get(reverse("dossiers:retention_pdf", args=[retention.pk])))
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN" in text and "Lê Thị Phó" in text


def test_the_detail_page_offers_the_print_and_the_deputy_no_decision(agency, deputy, submitted_list, login):
    retention, _line = submitted_list
    _head_is(agency.leader)
    page = login(deputy).get(reverse("dossiers:retention_detail", args=[retention.pk])).content.decode()
    assert reverse("dossiers:retention_pdf", args=[retention.pk]) in page
    assert reverse("dossiers:retention_line_decide", args=[retention.pk, _line.pk]) not in page
    assert login(agency.officer_b).get(reverse("dossiers:retention_pdf", args=[retention.pk])).status_code == 404


def test_the_administrator_names_the_head_and_the_delegates(agency, deputy, login):
    client = login(agency.admin)
    page = client.get(reverse("staff:agency"))
    form = page.context["form"]
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update({"agency_head": agency.leader.pk, "retention_delegates": [deputy.pk],
                 "target_electronic_exchange": "95", "target_electronic_dossiers": "40"})
    response = client.post(reverse("staff:agency"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agency_row = Agency.load()
    assert agency_row.agency_head == agency.leader and list(agency_row.retention_delegates.all()) == [deputy]
    data.update({"retention_delegates": [agency.leader.pk]})
    response = client.post(reverse("staff:agency"), data)
    assert response.status_code == 200 and "Trưởng ban không ký thay chính mình." in response.content.decode()
