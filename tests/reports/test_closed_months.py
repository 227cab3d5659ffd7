"""Months that close (issue 14, part 2): a closed month's figures and its violations' evidence stay
as reviewed until the Office accepts a recomputation, shown as a diff; every page says "as of"."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents.choices import Confidentiality, Direction, Form, Status
from documents.models import Document
from recordsportal import audit
from recordsportal.services import DomainError
from reports import months
from reports.compliance import compute_month
from reports.models import CandidateSnapshot, ReportMonth, Snapshot, Violation
from reports.violations import detect_month

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
APRIL_15 = datetime.date(2026, 4, 15)


@pytest.fixture
def march(agency, make_document):
    """dept_a: 3/4 electronic (below 95%: a violation); dept_b: 2/2."""
    for form in (Form.ELECTRONIC, Form.ELECTRONIC, Form.ELECTRONIC, Form.PAPER):
        make_document(agency.dept_a, agency.officer_a, form=form)
    make_document(agency.dept_b, agency.officer_b)
    make_document(agency.dept_b, agency.officer_b)
    compute_month(MARCH)
    detect_month(MARCH)


def back_dated_paper_document(agency, day=datetime.date(2026, 3, 20)):
    """A paper letter the clerk registers late, dated in March (with its history row)."""
    document = Document(direction=Direction.INCOMING, series="late", register_year=2026, number=900,
                        number_symbol="900/MUON", summary="Công văn đến muộn", register_date=day, document_date=day,
                        form=Form.PAPER, confidentiality=Confidentiality.NORMAL, department=agency.dept_a,
                        officer=agency.officer_a, status=Status.DONE)
    return audit.save(document, acting_user=agency.clerk)


def e_figure(department):
    snapshot = Snapshot.objects.get(month=MARCH, metric="E", scope_key=f"department:{department.pk}")
    return snapshot.numerator, snapshot.denominator


def test_a_back_dated_record_leaves_a_closed_month_untouched_until_the_office_accepts(agency, march):
    violation = Violation.objects.get(kind="e_below_target", department=agency.dept_a)
    evidence = dict(violation.evidence)
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    document = back_dated_paper_document(agency)

    compute_month(MARCH)
    detect_month(MARCH)

    assert e_figure(agency.dept_a) == (3, 4)
    violation.refresh_from_db()
    assert violation.evidence == evidence and evidence["denominator"] == 4
    state = months.state_of(MARCH)
    assert state.status == ReportMonth.Status.CANDIDATE
    diff = months.month_diff(MARCH)
    changes = {(s.metric, s.scope_key): (s.before, s.after) for s in diff.scopes}
    assert changes[("E", f"department:{agency.dept_a.pk}")] == ((3, 4), (3, 5))
    assert changes[("E", "agency")] == ((5, 6), (5, 7))
    assert ("E", f"department:{agency.dept_b.pk}") not in changes
    [record] = diff.records
    assert (record.record_id, record.change, record.changed_by) == (document.pk, "+", agency.clerk.full_name)

    months.candidate_accept(MARCH, acting_user=agency.clerk)

    assert e_figure(agency.dept_a) == (3, 5)
    violation.refresh_from_db()
    assert violation.evidence["denominator"] == 5
    state = months.state_of(MARCH)
    assert state.status == ReportMonth.Status.CLOSED and state.computed_at == diff.state.candidate_at
    decision = state.history.order_by("-history_id").first()
    assert decision.history_user == agency.clerk and decision.history_change_reason == "Chấp nhận số liệu tính lại"


def test_a_discarded_recomputation_keeps_the_frozen_figures_and_is_audited(agency, march):
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    back_dated_paper_document(agency)
    compute_month(MARCH)

    months.candidate_discard(MARCH, acting_user=agency.clerk)

    assert e_figure(agency.dept_a) == (3, 4)
    state = months.state_of(MARCH)
    assert state.status == ReportMonth.Status.CLOSED
    assert state.history.order_by("-history_id").first().history_change_reason == "Bỏ số liệu tính lại"
    with pytest.raises(DomainError, match="không có số liệu tính lại"):
        months.candidate_accept(MARCH, acting_user=agency.clerk)


def test_a_recomputation_that_changes_nothing_leaves_nothing_to_review(agency, march):
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    compute_month(MARCH)
    assert months.state_of(MARCH).status == ReportMonth.Status.CLOSED


def test_a_candidate_where_only_e_changed_carries_the_unchanged_h_figures(agency, march):
    """The candidate replaces the whole month on acceptance: a metric that did not change is in it
    too, with the frozen figures (the recomputation compares and writes per metric)."""
    from dossiers.models import Dossier

    for index, form in enumerate(("electronic", "paper")):
        Dossier.objects.create(department=agency.dept_a, officer=agency.officer_a, opened_on=datetime.date(2026, 3, 3 + index),
                               title=f"Hồ sơ {index}", number_symbol=f"0{index}.QLĐT", code=f"X.2026.0{index}", form=form,
                               year=2026)
    compute_month(MARCH)
    frozen_h = sorted(Snapshot.objects.filter(month=MARCH, metric="H").values_list("scope_key", "numerator", "denominator"))
    assert ("agency", 1, 2) in frozen_h
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    back_dated_paper_document(agency)

    compute_month(MARCH)

    diff = months.month_diff(MARCH)
    assert {s.metric for s in diff.scopes} == {"E"}
    months.candidate_accept(MARCH, acting_user=agency.clerk)
    assert e_figure(agency.dept_a) == (3, 5)
    assert sorted(Snapshot.objects.filter(month=MARCH, metric="H").values_list(
        "scope_key", "numerator", "denominator")) == frozen_h


def test_a_closed_month_whose_records_all_went_shows_a_candidate_that_empties_it(agency, march):
    """Every record of the month deleted: the recomputation has no figures at all, which differs
    from the frozen ones (and must not pass for "unchanged")."""
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    Document.objects.update(is_deleted=True)

    compute_month(MARCH)

    assert months.state_of(MARCH).status == ReportMonth.Status.CANDIDATE
    changes = {(s.metric, s.scope_key): (s.before, s.after) for s in months.month_diff(MARCH).scopes}
    assert changes[("E", "agency")] == ((5, 6), None)
    assert e_figure(agency.dept_a) == (3, 4)  # frozen until accepted
    months.candidate_accept(MARCH, acting_user=agency.clerk)
    assert not Snapshot.objects.filter(month=MARCH, metric="E").exists()


def _month_figures():
    return sorted(Snapshot.objects.filter(month=MARCH).values_list("metric", "scope_key", "numerator", "denominator",
                                                                    "excluded"))


def test_a_closed_months_candidate_holds_only_the_scopes_that_changed(agency, march):
    """The candidate is the diff: one back-dated letter of dept_a's officer changes the agency's,
    dept_a's and the officer's E and nothing else; accepted, the month's figures are those a
    fresh computation gives."""
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    frozen = _month_figures()
    back_dated_paper_document(agency)

    compute_month(MARCH)

    written = set(CandidateSnapshot.objects.filter(month=MARCH).values_list("metric", "scope_key"))
    assert written == {("E", "agency"), ("E", f"department:{agency.dept_a.pk}"), ("E", f"officer:{agency.officer_a.pk}")}
    assert _month_figures() == frozen  # frozen until accepted
    months.candidate_accept(MARCH, acting_user=agency.clerk)
    accepted = _month_figures()
    assert accepted != frozen and not CandidateSnapshot.objects.exists()
    ReportMonth.objects.filter(month=MARCH).update(closed_at=None)  # the same month computed afresh
    Snapshot.objects.filter(month=MARCH).delete()
    compute_month(MARCH)
    assert _month_figures() == accepted


def test_a_scope_that_lost_its_records_leaves_the_month_when_its_candidate_is_accepted(agency, march):
    """dept_b's two documents moved to dept_a after the close: dept_b's and its officer's scopes
    are in the candidate as gone, the diff shows them emptied, and accepting removes them."""
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    Document.objects.filter(department=agency.dept_b).update(department=agency.dept_a, officer=agency.officer_a)

    compute_month(MARCH)

    gone = {(s.metric, s.scope_key) for s in months.month_diff(MARCH).scopes if s.after is None}
    assert gone == {("E", f"department:{agency.dept_b.pk}"), ("E", f"officer:{agency.officer_b.pk}")}
    assert e_figure(agency.dept_b) == (2, 2)  # frozen until accepted
    months.candidate_accept(MARCH, acting_user=agency.clerk)
    assert not Snapshot.objects.filter(month=MARCH, scope_key=f"department:{agency.dept_b.pk}").exists()
    assert e_figure(agency.dept_a) == (5, 6)


def test_only_the_office_closes_and_only_a_month_that_has_ended(agency, march):
    with pytest.raises(DomainError, match="Chỉ Văn phòng"):
        months.close_month(MARCH, acting_user=agency.head_a, today=APRIL_15)
    with pytest.raises(DomainError, match="chưa kết thúc"):
        months.close_month(MARCH, acting_user=agency.clerk, today=datetime.date(2026, 3, 31))
    state = months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    assert state.closed_by == agency.clerk
    assert state.history.order_by("-history_id").first().history_user == agency.clerk
    with pytest.raises(DomainError, match="đã được chốt"):
        months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)


def test_a_month_closes_itself_on_the_configured_day(agency, march, settings):
    settings.REPORTS_MONTH_CLOSE_DAY = 5
    assert months.close_due_months(datetime.date(2026, 4, 4)) == []
    assert months.state_of(MARCH).status == ReportMonth.Status.OPEN
    assert months.close_due_months(datetime.date(2026, 4, 5)) == [MARCH]
    state = months.state_of(MARCH)
    assert state.closed_at is not None and state.closed_by is None
    assert months.close_due_months(datetime.date(2026, 4, 6)) == []


def test_the_dashboard_tells_not_computed_from_no_records(agency, login, march):
    client = login(agency.clerk)
    page = client.get(reverse("reports:dashboard"), {"month": "2026-05"}).content.decode()
    assert 'data-testid="not-computed"' in page and 'data-testid="e-month-not-computed"' in page
    compute_month(datetime.date(2026, 5, 1))
    page = client.get(reverse("reports:dashboard"), {"month": "2026-05"}).content.decode()
    assert 'data-testid="e-month">—' in page and 'data-testid="e-month-not-computed"' not in page
    assert 'data-testid="not-computed"' not in page and "Số liệu tháng 05/2026 tính đến" in page


def test_the_pages_pdf_and_workbook_say_as_of_and_closed(agency, login, march):
    from openpyxl import load_workbook

    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    as_of = months.state_of(MARCH).computed_at
    from django.utils import timezone

    stamp = timezone.localtime(as_of)
    page = login(agency.head_a).get(reverse("reports:dashboard"), {"month": "2026-03"}).content.decode()
    assert f"tính đến {stamp:%H:%M %d/%m/%Y}" in page and 'data-testid="month-closed"' in page
    response = login(agency.leader).get(reverse("reports:monthly_pdf"), {"month": "2026-03"})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert f"Số liệu tính đến {stamp:%H:%M} ngày {stamp:%d/%m/%Y} (tháng đã chốt)" in text
    assert '"— chưa tính": chưa tính số liệu' in text
    response = login(agency.leader).get(reverse("reports:monthly_xlsx"), {"month": "2026-03"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert any(f"Số liệu tính đến {stamp:%H:%M %d/%m/%Y} (tháng đã chốt)" in str(row[0])
               for row in sheet.iter_rows(max_row=3, values_only=True))


def test_the_office_closes_reviews_and_accepts_through_the_pages(agency, login, march):
    client = login(agency.clerk)
    # March has ended (the tests' today is after it).
    client.post(reverse("reports:month_action", args=["2026-03", "close"]))
    assert months.state_of(MARCH).closed_by == agency.clerk
    back_dated_paper_document(agency)
    client.post(reverse("reports:month_action", args=["2026-03", "recompute"]))
    page = client.get(reverse("reports:month", args=["2026-03"])).content.decode()
    assert 'data-testid="diff-records"' in page and "Công văn đến muộn" in page and "3/4" in page and "3/5" in page
    assert login(agency.head_a).post(reverse("reports:month_action", args=["2026-03", "accept"])).status_code == 403
    login(agency.clerk).post(reverse("reports:month_action", args=["2026-03", "accept"]))
    assert e_figure(agency.dept_a) == (3, 5)
    listing = login(agency.clerk).get(reverse("reports:months"), {"year": 2026}).content.decode()
    assert "Đã chốt" in listing


def test_api_month_status_diff_and_decision(agency, login, march):
    client = login(agency.clerk)
    assert client.get("/api/v1/months/2026-03/").json()["status"] == "open"
    assert client.post("/api/v1/months/2026-03/close/").json()["status"] == "closed"
    back_dated_paper_document(agency)
    compute_month(MARCH)
    assert client.get("/api/v1/months/2026-03/").json()["status"] == "candidate"
    diff = client.get("/api/v1/months/2026-03/diff/").json()
    assert {"metric": "E", "scope_key": f"department:{agency.dept_a.pk}", "label": agency.dept_a.name,
            "before": [3, 4], "after": [3, 5]} in diff["scopes"]
    assert diff["records"][0]["changed_by"] == agency.clerk.full_name
    assert login(agency.officer_a).get("/api/v1/months/2026-03/diff/").status_code == 403
    refused = login(agency.head_a).post("/api/v1/months/2026-03/accept/")
    assert refused.status_code == 400 and "Chỉ Văn phòng" in refused.json()["detail"]
    client = login(agency.clerk)
    assert client.post("/api/v1/months/2026-03/accept/").json()["status"] == "closed"
    data = client.get("/api/v1/compliance/", {"month": "2026-03"}).json()
    assert data["month_status"] == "closed" and data["as_of"]


def test_the_officer_dossier_pages_show_the_reported_figure_with_its_as_of(agency, login):
    from dossiers import services

    services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
    page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
    assert "Số liệu báo cáo của tháng này chưa được tính" in page
    from django.utils import timezone

    compute_month(timezone.localdate())
    page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
    assert "Số liệu báo cáo (tính đến" in page and "100,0% (1/1)" in page


def test_leadership_reads_a_months_diff_but_only_the_office_accepts_or_discards_it(agency, login, march):
    months.close_month(MARCH, acting_user=agency.clerk, today=APRIL_15)
    back_dated_paper_document(agency)
    compute_month(MARCH)
    leader = login(agency.leader)
    assert leader.get("/api/v1/months/2026-03/").json()["status"] == "candidate"
    assert leader.get("/api/v1/months/2026-03/diff/").json()["records"][0]["changed_by"] == agency.clerk.full_name
    for action in ("accept", "discard", "close"):
        refused = leader.post(f"/api/v1/months/2026-03/{action}/")
        assert refused.status_code in (400, 403), action
    assert login(agency.leader).post(reverse("reports:month_action", args=["2026-03", "accept"])).status_code == 403
    assert months.state_of(MARCH).status == ReportMonth.Status.CANDIDATE and e_figure(agency.dept_a) == (3, 4)
    assert login(agency.clerk).post("/api/v1/months/2026-03/discard/").json()["status"] == "closed"
    assert e_figure(agency.dept_a) == (3, 4)
