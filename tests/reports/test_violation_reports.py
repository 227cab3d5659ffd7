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


def local(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"


@pytest.fixture
def march_below_target(agency, make_document):
    """March: dept_a 3/4 electronic, below 95%: an E violation, as of March's figures."""
    from documents.choices import Form
    from reports.compliance import compute_month
    from reports.violations import detect_month

    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, form=form)
    compute_month(MARCH)
    detect_month(MARCH)
    return Violation.objects.get(kind=ViolationKind.E_BELOW_TARGET)


def test_a_ratio_violations_evidence_is_as_of_the_frozen_figures_until_a_recomputation_is_accepted(agency, login,
                                                                                                    march_below_target):
    from reports import months
    from reports.compliance import compute_month
    from reports.violations import detect_month

    from .test_closed_months import APRIL_15, back_dated_paper_document

    violation = march_below_target
    assert violation.evidence_as_of == months.state_of(MARCH).computed_at
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    frozen = months.state_of(MARCH).computed_at
    back_dated_paper_document(agency)
    compute_month(MARCH)
    detect_month(MARCH)

    violation.refresh_from_db()
    assert violation.evidence_computed_at == frozen and violation.evidence["denominator"] == 4
    page = login(agency.head_a).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert local(frozen) in page.split('data-testid="evidence-as-of"')[1].split("</dd>")[0]
    assert "Số liệu tháng đã chốt" in page and 'data-testid="candidate-pending"' in page
    office_page = login(agency.clerk).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert reverse("reports:month", args=["2026-03"]) in office_page.split('data-testid="candidate-pending"')[0].rsplit("<a", 1)[1]
    assert reverse("reports:month", args=["2026-03"]) not in page  # a head may not open the month's page
    assert "(danh sách theo sổ hiện tại, có thể khác số liệu đã tính)" in page
    api = login(agency.head_a).get(f"/api/v1/violations/{violation.pk}/").json()
    assert api["evidence_as_of"] and api["evidence_summary"].startswith("75,0% (3/4)")
    assert timezone.localtime(frozen).isoformat() == api["evidence_as_of"]

    months.candidate_accept(MARCH, acting_user=agency.clerk)
    assert 'data-testid="candidate-pending"' not in login(agency.head_a).get(
        reverse("reports:violation", args=[violation.pk])).content.decode()
    accepted = months.state_of(MARCH).computed_at
    assert accepted > frozen
    violation.refresh_from_db()
    assert violation.evidence_as_of == accepted and violation.evidence["denominator"] == 5
    listing = login(agency.clerk).get(reverse("reports:violations"), {"year": 2026}).content.decode()
    assert f"tính đến {local(accepted)}" in listing
    assert login(agency.clerk).get(f"/api/v1/violations/{violation.pk}/").json()["evidence_as_of"] == \
        timezone.localtime(accepted).isoformat()


def test_a_count_violations_evidence_is_as_of_its_detection(agency, incoming):
    from documents import services as document_services
    from reports.violations import detect_month

    late = incoming(number_symbol="7/UBND-KT", arrival_date=datetime.date(2026, 3, 2), document_date=datetime.date(2026, 3, 1))
    document_services.incoming_assign(acting_user=agency.leader, document=late, department=agency.dept_a,
                                      officer=agency.officer_a, deadline=datetime.date(2026, 3, 9))
    before = timezone.now()
    detect_month(MARCH)
    violation = Violation.objects.get(kind=ViolationKind.DOCUMENTS_OVERDUE)
    assert before <= violation.evidence_as_of == violation.last_detected_at


def test_the_violations_pdf_and_workbook_say_as_of_per_report_and_per_violation(agency, login, march_below_target):
    from openpyxl import load_workbook

    violation = march_below_target
    detected = max(violation.last_detected_at, violation.detected_at)
    text = pdf_text(login(agency.leader).get(reverse("reports:violations_pdf"), {"year": 2026}))
    stamp = timezone.localtime(detected)
    assert f"Vi phạm phát hiện đến {stamp:%H:%M} ngày {stamp:%d/%m/%Y}; danh sách lập lúc" in text
    assert text.index("Vi phạm phát hiện đến") < text.index("1. Tổng hợp theo phòng, đơn vị và loại vi phạm")
    assert f"(3/4), chỉ tiêu 95% tính đến {local(violation.evidence_as_of)}" in text

    response = login(agency.leader).get(reverse("reports:violations_xlsx"), {"year": 2026})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert f"Vi phạm phát hiện đến {local(detected)}" in str(rows[1][0])
    header = next(row for row in rows if row[0] == "Phòng, đơn vị")
    line = next(row for row in rows if row[0] == agency.dept_a.name)
    assert line[header.index("Số liệu tính đến")] == local(violation.evidence_as_of)


def test_reports_with_nothing_detected_or_approved_say_so_with_when_they_were_printed(agency, login):
    text = pdf_text(login(agency.leader).get(reverse("reports:violations_pdf"), {"year": 2026}))
    assert "Chưa phát hiện vi phạm nào trong năm 2026; lập lúc" in text
    text = pdf_text(login(agency.leader).get(reverse("reports:emulation_pdf"), {"year": 2026}))
    assert "Lãnh đạo Ban chưa đồng ý trừ điểm vi phạm nào; lập lúc" in text


def test_the_emulation_pdf_and_workbook_are_as_of_leaderships_latest_decision(agency, login, march_below_target):
    from openpyxl import load_workbook

    from reports import services

    services.violation_confirm(acting_user=agency.clerk, violation=march_below_target)
    services.violation_decide(acting_user=agency.leader, violation=march_below_target, approve=True)
    decided = Violation.objects.get(pk=march_below_target.pk).decided_at
    stamp = timezone.localtime(decided)
    text = pdf_text(login(agency.leader).get(reverse("reports:emulation_pdf"), {"year": 2026}))
    assert (f"Số liệu tính đến {stamp:%H:%M} ngày {stamp:%d/%m/%Y} (quyết định trừ điểm gần nhất của Lãnh đạo Ban); "
            "lập lúc") in text
    assert agency.dept_a.name in text
    response = login(agency.leader).get(reverse("reports:emulation_xlsx"), {"year": 2026})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert f"Số liệu tính đến {local(decided)}" in str(rows[1][0])
    assert (agency.dept_a.name, 1) in [(row[0], row[1]) for row in rows]


def test_closing_a_month_detects_its_violations_on_the_figures_it_freezes(agency, make_document, march_below_target):
    from documents.choices import Form
    from reports import months

    from .test_closed_months import APRIL_15

    # A paper letter registered after the last nightly run, before the Office closes March.
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)

    violation = Violation.objects.get(pk=march_below_target.pk)
    assert (violation.evidence["numerator"], violation.evidence["denominator"]) == (3, 5)
    assert violation.evidence_as_of == months.state_of(MARCH).computed_at


def test_an_e_violation_names_the_paper_documents_without_a_justified_reason(agency, make_document, login):
    from documents.choices import Form, PaperReason
    from reports.compliance import compute_month
    from reports.violations import detect_month

    make_document(agency.dept_a, agency.officer_a, form=Form.ELECTRONIC)
    wet = make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason=PaperReason.WET_SIGNATURE)
    unjustified = make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    no_reason = make_document(agency.dept_a, agency.officer_a, form=Form.PAPER, paper_reason="")
    other_department = make_document(agency.dept_b, agency.officer_b, form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    compute_month(MARCH)
    detect_month(MARCH)
    violation = Violation.objects.get(kind=ViolationKind.E_BELOW_TARGET, department=agency.dept_a)

    records = login(agency.head_a).get(f"/api/v1/violations/{violation.pk}/records/").json()
    link = next(r["url"] for r in records if r["label"] == "Các văn bản giấy không có lý do chính đáng")
    listed = login(agency.clerk).get(link).content.decode()
    assert "2 văn bản phù hợp" in listed
    for document in (unjustified, no_reason):
        assert reverse("documents:detail", args=[document.pk]) in listed
    for document in (wet, other_department):
        assert reverse("documents:detail", args=[document.pk]) not in listed
    page = login(agency.head_a).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert "Các văn bản giấy không có lý do chính đáng" in page
    justified = login(agency.clerk).get(reverse("documents:list"), {"paper_reason": "justified", "department": agency.dept_a.pk})
    assert "1 văn bản phù hợp" in justified.content.decode()
    api = login(agency.clerk).get("/api/v1/documents/", {"paper_reason": "unjustified"}).json()
    assert {row["id"] for row in api["results"]} == {unjustified.pk, no_reason.pk, other_department.pk}


def test_the_violations_workbook_names_the_officer_and_the_months_of_one_lapse(agency, login):
    from openpyxl import load_workbook
    from reports.violations import detect_month

    from .test_one_lapse import overdue_dossier

    overdue_dossier(agency, 1)
    for month in (1, 2, 3):
        detect_month(datetime.date(2026, month, 1))
    response = login(agency.leader).get(reverse("reports:violations_xlsx"), {"year": 2026})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "Phòng, đơn vị")
    [line] = [row for row in rows if row[0] == agency.dept_a.name]
    assert line[header.index("Cán bộ")] == agency.officer_a.full_name
    assert line[header.index("Kỳ")] == "01/2026–03/2026"
