"""The violations list, its PDF and workbooks, and each violation's evidence with its "as of" time
(issue 14, parts 2 and 3): the list pages through every violation with its counts; every figure
says when it was computed."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports.models import Violation, ViolationKind

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def pdf_text(response) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def many_violations(agency, count):
    return Violation.objects.bulk_create(
        Violation(key=f"documents_overdue:2026-03:{agency.dept_a.pk}:{index}", kind=ViolationKind.DOCUMENTS_OVERDUE,
                  department=agency.dept_a, period=MARCH, evidence={"count": index + 1}, records={})
        for index in range(count))


def test_the_violations_list_pages_through_all_of_them_keeping_its_filters(agency, login):
    many_violations(agency, 60)
    client = login(agency.clerk)
    first = client.get(reverse("reports:violations"), {"year": 2026, "kind": ViolationKind.DOCUMENTS_OVERDUE}).content.decode()
    assert "60 vi phạm" in first and "Văn bản đến quá hạn xử lý: 60" in first
    assert first.count('href="/reports/violations/') >= 50
    assert "?year=2026&amp;kind=documents_overdue&page=2" in first
    second = client.get(reverse("reports:violations"), {"year": 2026, "kind": ViolationKind.DOCUMENTS_OVERDUE, "page": 2})
    rows = second.content.decode().split('data-testid="violations-table"')[1].split("</table>")[0]
    assert rows.count("<tr>") - 1 == 10  # the header row and the last ten violations
    shown = {int(part.split("/")[0]) for part in rows.split('href="/reports/violations/')[1:]}
    first_rows = first.split('data-testid="violations-table"')[1].split("</table>")[0]
    shown |= {int(part.split("/")[0]) for part in first_rows.split('href="/reports/violations/')[1:]}
    assert shown == set(Violation.objects.values_list("pk", flat=True))
