"""The dashboard and reports: scoping, links to counted records, PDF text, API."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents.choices import Form
from reports.compliance import compute_month
from reports.violations import detect_month

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def march(agency, make_document):
    """dept_a: officer_a 3/4 electronic; dept_b: officer_b 2/2."""
    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, form=form)
    make_document(agency.dept_b, agency.officer_b)
    make_document(agency.dept_b, agency.officer_b)
    compute_month(MARCH)
    detect_month(MARCH)


def pdf_text(response) -> str:
    """The PDF's text with table cells' line wraps undone."""
    assert response["Content-Type"] == "application/pdf"
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def get(client, name, **params):
    return client.get(reverse(name), params)


def test_office_sees_every_department_with_pass_fail(agency, login, march):
    page = get(login(agency.clerk), "reports:dashboard", month="2026-03").content.decode()
    assert "Phòng Quản lý Đầu tư" in page and "Phòng Quản lý Doanh nghiệp" in page
    assert "75,0%" in page or "75.0%" in page
    assert "100,0%" in page or "100.0%" in page
    assert "bi-x-circle-fill" in page and "bi-check-circle-fill" in page


def test_every_figure_links_to_the_records_it_counts(agency, login, march):
    client = login(agency.leader)
    page = get(client, "reports:dashboard", month="2026-03").content.decode()
    import re

    numerator = re.search(r'<tr data-department="%d">.*?href="([^"]+)" data-testid="row-e-month-num"' % agency.dept_a.pk, page, re.S)
    assert numerator, "the department's E numerator is a link"
    url = numerator.group(1).replace("&amp;", "&")
    listed = client.get(url).content.decode()
    # The linked list shows exactly the 3 electronic documents of dept_a in March.
    assert listed.count('href="/documents/') - listed.count('href="/documents/?') >= 3
    from documents.filters import DocumentFilter
    from documents.models import Document
    from django.http import QueryDict

    query = QueryDict(url.split("?", 1)[1])
    counted = DocumentFilter(query, queryset=Document.objects.visible_to(agency.leader)).qs
    assert counted.count() == 3
    denominator = re.search(r'<tr data-department="%d">.*?href="([^"]+)" data-testid="row-e-month-den"' % agency.dept_a.pk, page, re.S)
    counted = DocumentFilter(QueryDict(denominator.group(1).replace("&amp;", "&").split("?", 1)[1]),
                             queryset=Document.objects.visible_to(agency.leader)).qs
    assert counted.count() == 4


def test_department_head_sees_only_their_department(agency, login, march):
    page = get(login(agency.head_a), "reports:dashboard", month="2026-03").content.decode()
    assert "Phòng Quản lý Đầu tư" in page and "Phòng Quản lý Doanh nghiệp" not in page
    assert login(agency.head_a).get(reverse("reports:department", args=[agency.dept_b.pk])).status_code == 404
    drill = login(agency.head_a).get(reverse("reports:department", args=[agency.dept_a.pk]), {"month": "2026-03"}).content.decode()
    assert agency.officer_a.full_name in drill


def test_officer_sees_own_figures(agency, login, march):
    page = get(login(agency.officer_a), "reports:dashboard", month="2026-03").content.decode()
    assert agency.officer_a.full_name in page and "75,0%" in page or "75.0%" in page
    assert 'data-testid="department-figures"' not in page
    assert login(agency.officer_a).get(reverse("reports:department", args=[agency.dept_a.pk])).status_code == 404


def test_empty_month_shows_a_dash_not_zero(agency, login, march):
    page = get(login(agency.clerk), "reports:dashboard", month="2026-05").content.decode()
    assert 'data-testid="e-month">—' in page and 'data-testid="h-month">—' in page
    # The year to date still has March's figures.
    assert 'data-testid="e-year">' in page and 'data-testid="e-year">—' not in page


def test_monthly_pdf_reads_back_with_departments_and_figures(agency, login, march):
    response = get(login(agency.leader), "reports:monthly_pdf", month="2026-03")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Phòng Quản lý Đầu tư" in text and "Phòng Quản lý Doanh nghiệp" in text
    assert "75,0%" in text or "75.0%" in text
    assert "3/4" in text and "tháng 03/2026" in text


def test_reports_are_for_leadership_and_the_office(agency, login, march):
    assert get(login(agency.officer_a), "reports:monthly_pdf", month="2026-03").status_code == 403
    assert get(login(agency.head_a), "reports:violations_pdf").status_code == 403


def test_violations_report_and_emulation_summary(agency, login, march):
    from reports import services
    from reports.models import Violation

    violation = Violation.objects.get(kind="e_below_target")
    services.violation_confirm(acting_user=agency.clerk, violation=violation)
    services.violation_decide(acting_user=agency.leader, violation=violation, approve=True)
    client = login(agency.leader)
    text = pdf_text(get(client, "reports:violations_pdf", year=2026))
    assert "Phòng Quản lý Đầu tư" in text and "dưới chỉ tiêu" in text and "75,0% (3/4)" in text
    text = pdf_text(get(client, "reports:emulation_pdf", year=2026))
    assert "Phòng Quản lý Đầu tư 1,00" in text


def test_monthly_xlsx_has_the_same_figures(agency, login, march):
    from openpyxl import load_workbook

    response = get(login(agency.clerk), "reports:monthly_xlsx", month="2026-03")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["Phòng Quản lý Đầu tư"][1:4] == (3, 4, "75.0%")


def test_violation_review_through_the_page(agency, login, march):
    from reports.models import Violation

    violation = Violation.objects.get(kind="e_below_target")
    client = login(agency.clerk)
    client.post(reverse("reports:violation_action", args=[violation.pk, "dismiss"]), {"note": ""})
    violation.refresh_from_db()
    assert violation.status == "detected"  # refused: no reason
    client.post(reverse("reports:violation_action", args=[violation.pk, "confirm"]), {"points": "1,5"})
    violation.refresh_from_db()
    assert violation.status == "confirmed" and str(violation.proposed_points) == "1.50"
    assert login(agency.officer_b).post(reverse("reports:violation_action", args=[violation.pk, "approve"])).status_code == 404


def test_api_compliance_and_violations(agency, login, march):
    client = login(agency.head_a)
    data = client.get("/api/v1/compliance/", {"month": "2026-03"}).json()
    assert [row["label"] for row in data["rows"]] == ["Phòng Quản lý Đầu tư", "Tổ Thẩm định"]
    assert data["rows"][0]["e_month"] == {"numerator": 3, "denominator": 4, "excluded": 0, "ratio": 75.0, "target": 95.0, "passes": False,
                                         "computed": True}
    violations = client.get("/api/v1/violations/").json()["results"]
    assert [v["kind"] for v in violations] == ["e_below_target"]
    refused = client.post(f"/api/v1/violations/{violations[0]['id']}/confirm/", {}, content_type="application/json")
    assert refused.status_code == 400 and "Chỉ Văn phòng" in refused.json()["detail"]
    confirmed = login(agency.clerk).post(f"/api/v1/violations/{violations[0]['id']}/confirm/", {"points": "2"}, content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert login(agency.head_b).get("/api/v1/violations/").json()["results"] == []


def test_h_figures_link_to_the_dossiers_they_count(agency, login):
    import re

    from django.http import QueryDict

    from dossiers.filters import DossierFilter
    from dossiers.models import Dossier

    for index, form in enumerate(("electronic", "paper", "paper")):
        Dossier.objects.create(department=agency.dept_a, officer=agency.officer_a, opened_on=datetime.date(2026, 3, 3 + index),
                               title=f"Hồ sơ {index}", number_symbol=f"0{index}.QLĐT", code=f"X.2026.0{index}", form=form, year=2026)
    Dossier.objects.create(department=agency.dept_a, officer=agency.officer_a, opened_on=datetime.date(2026, 4, 1),
                           title="Hồ sơ tháng 4", number_symbol="09.QLĐT", code="X.2026.09", form="paper", year=2026)
    compute_month(MARCH)
    client = login(agency.leader)
    page = get(client, "reports:dashboard", month="2026-03").content.decode()
    row = re.search(r'<tr data-department="%d">(.*?)</tr>' % agency.dept_a.pk, page, re.S).group(1)
    for testid, expected in (("row-h-month-num", 1), ("row-h-month-den", 3)):
        url = re.search(r'href="([^"]+)" data-testid="%s"' % testid, row).group(1).replace("&amp;", "&")
        assert url.startswith("/dossiers/all/?")
        counted = DossierFilter(QueryDict(url.split("?", 1)[1]), queryset=Dossier.objects.visible_to(agency.leader)).qs
        assert counted.count() == expected
        assert client.get(url).status_code == 200
