"""One lapse, one violation (issue 14, part 3): the same overdue records found month after month
are one violation with its first and latest detection; a running month raises none; each
violation names its records (scoped for the viewer) and, for a person's lapse, the officer."""

import datetime

import pytest
from django.urls import reverse

from documents import services as document_services
from documents.choices import Form
from dossiers.choices import Status as DossierStatus
from dossiers.models import Dossier
from reports import services
from reports.compliance import compute_month
from reports.models import Violation, ViolationKind
from reports.violations import detect_month

pytestmark = pytest.mark.django_db


def overdue_dossier(agency, index, officer=None):
    return Dossier.objects.create(
        department=agency.dept_a, officer=officer or agency.officer_a, opened_on=datetime.date(2025, 1, 5), year=2025,
        title=f"Hồ sơ quá hạn {index}", number_symbol=f"0{index}.QLĐT", code=f"TEST.2025.0{index}.QLĐT",
        form="electronic", status=DossierStatus.CLOSED, ended_on=datetime.date(2025, 6, 1),
        due_on=datetime.date(2025, 12, 31))


def test_the_same_overdue_dossiers_are_one_violation_across_months(agency):
    dossiers = [overdue_dossier(agency, 1), overdue_dossier(agency, 2)]
    for month in range(1, 7):
        detect_month(datetime.date(2026, month, 1))
    violation = Violation.objects.get(kind=ViolationKind.DOSSIERS_OVERDUE)
    assert violation.period == datetime.date(2026, 1, 1) and violation.last_period == datetime.date(2026, 6, 1)
    assert violation.officer == agency.officer_a
    assert violation.records == {"dossiers": sorted(d.pk for d in dossiers)}
    assert violation.last_detected_at > violation.detected_at


def test_a_corrected_lapse_then_a_new_one_is_a_second_violation(agency):
    first = overdue_dossier(agency, 1)
    detect_month(datetime.date(2026, 1, 1))
    violation = Violation.objects.get()
    services.violation_mark_corrected(acting_user=agency.clerk, violation=violation, note="Đã nộp lưu")
    Dossier.objects.filter(pk=first.pk).update(status=DossierStatus.ARCHIVED)
    second = overdue_dossier(agency, 2)
    detect_month(datetime.date(2026, 2, 1))
    assert Violation.objects.count() == 2
    assert Violation.objects.get(period=datetime.date(2026, 2, 1)).records == {"dossiers": [second.pk]}


def test_a_running_month_raises_no_violation(agency, make_document):
    from django.utils import timezone

    this_month = timezone.localdate().replace(day=1)
    make_document(agency.dept_a, agency.officer_a, day=this_month, form=Form.PAPER)
    compute_month(this_month)
    assert detect_month(this_month) == {}
    assert not Violation.objects.exists()


def test_an_overdue_document_names_its_officer_and_links_the_document(agency, incoming, login):
    late = incoming(number_symbol="7/UBND-KT", arrival_date=datetime.date(2026, 3, 2), document_date=datetime.date(2026, 3, 1))
    document_services.incoming_assign(acting_user=agency.leader, document=late, department=agency.dept_a,
                                      officer=agency.officer_a, deadline=datetime.date(2026, 3, 9))
    detect_month(datetime.date(2026, 3, 1))
    violation = Violation.objects.get(kind=ViolationKind.DOCUMENTS_OVERDUE)
    assert violation.officer == agency.officer_a and violation.records == {"documents": [late.pk]}

    page = login(agency.head_a).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert reverse("documents:detail", args=[late.pk]) in page and "7/UBND-KT" in page
    assert agency.officer_a.full_name in page
    assert login(agency.head_b).get(reverse("reports:violation", args=[violation.pk])).status_code == 404
    records = login(agency.officer_a).get(f"/api/v1/violations/{violation.pk}/records/").json()
    assert records == [{"kind": "document", "pk": late.pk, "label": f"7/UBND-KT – {late.summary}",
                        "url": reverse("documents:detail", args=[late.pk])}]


def test_a_confidential_record_is_named_without_its_content_for_a_viewer_who_may_not_open_it(agency, login, make_document):
    from documents.choices import Confidentiality

    secret = make_document(agency.dept_a, agency.officer_a2, day=datetime.date(2026, 3, 2), confidentiality=Confidentiality.SECRET,
                           deadline=datetime.date(2026, 3, 9), completed_at=datetime.datetime(2026, 3, 20, 8, tzinfo=datetime.UTC))
    detect_month(datetime.date(2026, 3, 1))
    violation = Violation.objects.get(kind=ViolationKind.DOCUMENTS_OVERDUE)
    head_page = login(agency.head_a).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert "Văn bản mật" in head_page and secret.number_symbol not in head_page
    assert reverse("documents:detail", args=[secret.pk]) not in head_page
    office_page = login(agency.clerk).get(reverse("reports:violation", args=[violation.pk])).content.decode()
    assert reverse("documents:detail", args=[secret.pk]) in office_page


def test_the_list_counts_per_kind_and_status_and_the_pdf_opens_with_a_summary(agency, login):
    import io

    from pypdf import PdfReader

    overdue_dossier(agency, 1)
    for month in (1, 2, 3):
        detect_month(datetime.date(2026, month, 1))
    violation = Violation.objects.get()
    page = login(agency.clerk).get(reverse("reports:violations"), {"year": 2026}).content.decode()
    assert "1 vi phạm" in page and "Hồ sơ đến hạn chưa nộp lưu: 1" in page and "Phát hiện: 1" in page
    assert reverse("reports:violation", args=[violation.pk]) in page and "01/2026–03/2026" in page
    response = login(agency.leader).get(reverse("reports:violations_pdf"), {"year": 2026})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert text.index("Tổng hợp theo phòng, đơn vị và loại vi phạm (1 vi phạm") < text.index("Danh sách vi phạm")
    assert agency.dept_a.name in text


def test_a_ratio_violation_links_to_the_paper_records_of_its_department_and_month(agency, make_document, login):
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)
    compute_month(datetime.date(2026, 3, 1))
    detect_month(datetime.date(2026, 3, 1))
    violation = Violation.objects.get(kind=ViolationKind.E_BELOW_TARGET)
    records = login(agency.head_a).get(f"/api/v1/violations/{violation.pk}/records/").json()
    paper = next(r for r in records if r["label"] == "Các văn bản giấy được tính")
    assert f"department={agency.dept_a.pk}" in paper["url"] and "form=paper" in paper["url"]
    assert "1 văn bản phù hợp" in login(agency.head_a).get(paper["url"]).content.decode()
