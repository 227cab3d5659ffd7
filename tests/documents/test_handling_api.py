"""The whole document flow through the JSON API (issue 15), the same services as the pages:
submit, assign, dispatch, acknowledge, return, progress, complete, outgoing issue, internal send."""

import datetime

import pytest
from django.utils import timezone

from documents.choices import Status
from documents.models import Document, Receipt
from recordsportal.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bql(db):
    agency = Agency.load()
    agency.abbreviation = "BQL"
    agency.save()


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_incoming_chain_through_the_api(agency, incoming, login):
    document = incoming()
    base = f"/api/v1/documents/{document.pk}"
    answer = post(login(agency.clerk), f"{base}/submit/", {"leader": agency.leader.pk})
    assert answer.status_code == 200 and answer.json()["submitted_to"] == agency.leader.pk
    answer = post(login(agency.leader), f"{base}/assign/", {"department": agency.dept_a.pk, "deadline": "2026-03-20"})
    assert answer.json()["leadership_deadline"] == "2026-03-20"
    # A deadline past leadership's is refused with the rule's message.
    answer = post(login(agency.head_a), f"{base}/dispatch/", {"officer": agency.officer_a.pk, "deadline": "2026-03-25"})
    assert answer.status_code == 400 and "hạn lãnh đạo giao" in answer.content.decode()
    answer = post(login(agency.head_a), f"{base}/dispatch/", {"officer": agency.officer_a.pk, "deadline": "2026-03-18",
                                                              "note": "Làm ngay."})
    assert answer.status_code == 200 and answer.json()["officer"] == agency.officer_a.pk
    assert post(login(agency.head_b), f"{base}/dispatch/", {"officer": agency.officer_b.pk}).status_code == 404
    officer = login(agency.officer_a)
    assert post(officer, f"{base}/progress/", {"text": "Đang dự thảo."}).status_code == 200
    assert post(officer, f"{base}/progress/", {}).status_code == 400
    answer = post(officer, f"{base}/complete/", {"text": "Xong."})
    assert answer.json()["status"] == Status.DONE


def test_returns_through_the_api(agency, incoming, login):
    document = incoming()
    base = f"/api/v1/documents/{document.pk}"
    post(login(agency.clerk), f"{base}/submit/")
    post(login(agency.leader), f"{base}/assign/", {"department": agency.dept_a.pk})
    post(login(agency.head_a), f"{base}/dispatch/", {"officer": agency.officer_a.pk})
    answer = post(login(agency.officer_a), f"{base}/return/", {"reason": "Không thuộc lĩnh vực."})
    assert answer.status_code == 200 and answer.json()["officer"] is None
    assert post(login(agency.head_a), f"{base}/return/", {}).status_code == 400  # a reason is required
    answer = post(login(agency.head_a), f"{base}/return/", {"reason": "Không thuộc phòng."})
    assert answer.json()["status"] == Status.REGISTERED and answer.json()["return_reason"] == "Không thuộc phòng."
    # Back with the Office, out of the department's scope.
    assert login(agency.head_a).get(f"{base}/").status_code == 404


def test_outgoing_and_internal_documents_through_the_api(agency, login):
    answer = post(login(agency.clerk), "/api/v1/documents/outgoing/", {
        "kind": "QĐ", "summary": "Quyết định thành lập tổ công tác", "department": agency.dept_a.pk,
        "signer": "Trần Lãnh Đạo", "recipient_departments": [agency.dept_b.pk]})
    assert answer.status_code == 201 and answer.json()["number_symbol"].endswith("/QĐ-BQL")
    assert post(login(agency.officer_a), "/api/v1/documents/outgoing/", {
        "summary": "x", "department": agency.dept_a.pk}).status_code == 400  # the Office's only

    answer = post(login(agency.officer_b), "/api/v1/documents/internal/", {
        "summary": "Đề nghị phối hợp", "recipient_departments": [agency.dept_a.pk]})
    assert answer.status_code == 201
    document = Document.objects.get(pk=answer.json()["id"])
    base = f"/api/v1/documents/{document.pk}"
    head = login(agency.head_a)
    assert post(head, f"{base}/acknowledge/").status_code == 200
    assert document.receipts.get().status == Receipt.Status.ACKNOWLEDGED
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert post(head, f"{base}/dispatch/", {"officer": agency.officer_a.pk, "deadline": deadline}).status_code == 200
    officer = login(agency.officer_a)
    assert officer.get(f"{base}/").status_code == 200
    assert post(officer, f"{base}/complete/", {"text": "Đã góp ý."}).status_code == 200
    assert document.receipts.get().status == Receipt.Status.DONE
