"""The audit journal people read: on each record's page, and the agency journal (filters, keyset
pages, .xlsx export) for the Office, leadership and the administrator."""

import datetime
import html
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from documents import services as document_services
from documents.choices import Status
from recordsportal import journal
from reports import services
from reports.journal import journal_page
from reports.models import Violation, ViolationKind

MARCH = datetime.date(2026, 3, 1)


def _violation(agency, key="v1"):
    return Violation.objects.create(kind=ViolationKind.E_BELOW_TARGET, department=agency.dept_a, period=MARCH, key=key)


def test_a_document_page_shows_who_changed_which_field_before_and_after(agency, incoming, login):
    document = incoming()
    document_services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                                      officer=agency.officer_a, direction_note="Giao phòng A xử lý")

    response = login(agency.clerk).get(reverse("documents:detail", args=[document.pk]))

    body = html.unescape(response.content.decode())
    assert 'data-testid="journal"' in body
    entry = journal.entries_for(document)[0]
    assert (entry.who, entry.reason) == (agency.leader, "Giao phòng A xử lý")
    changes = {change.label: (change.before, change.after) for change in entry.changes}
    assert changes["trạng thái"] == (Status.REGISTERED.label, Status.ASSIGNED.label)
    assert (None, agency.officer_a.full_name) in {(None, after) for _before, after in changes.values()}
    assert f"Trạng thái: {Status.REGISTERED.label} → {Status.ASSIGNED.label}" in body
    assert agency.leader.full_name in body


def test_an_outsider_gets_the_404_not_the_journal(agency, incoming, login):
    document = incoming()
    response = login(agency.officer_b).get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 404


def test_the_agency_journal_keeps_the_earlier_review_of_a_confirmed_violation(agency, login):
    violation = _violation(agency)
    services.violation_notify(acting_user=agency.clerk, violation=violation, note="Đã gọi điện nhắc")
    services.violation_confirm(acting_user=agency.clerk, violation=violation, note="Xác nhận vi phạm")

    response = login(agency.leader).get(reverse("reports:journal"), {"kind": "violation"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ghi chú xem xét: — → Đã gọi điện nhắc" in body
    assert "Ghi chú xem xét: Đã gọi điện nhắc → Xác nhận vi phạm" in body


def test_the_agency_journal_filters_by_person_kind_and_date(agency, incoming):
    document = incoming()
    services.violation_notify(acting_user=agency.clerk, violation=_violation(agency), note="")
    document_services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a)

    rows, _next = journal_page(person=agency.leader.pk)
    assert rows and {row.entry.who for row in rows} == {agency.leader}
    rows, _next = journal_page(kind="violation")
    assert rows and {row.kind.code for row in rows} == {"violation"}
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert journal_page(since=tomorrow)[0] == []
    assert journal_page(until=datetime.date(2000, 1, 1))[0] == []


def test_a_bad_filter_is_shown_and_the_page_still_answers(agency, login):
    response = login(agency.clerk).get(reverse("reports:journal"), {"since": "31/02/2026", "person": "abc"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()


def test_keyset_pages_neither_repeat_nor_skip_a_row(agency):
    for number in range(7):
        services.violation_notify(acting_user=agency.clerk, violation=_violation(agency, key=f"k{number}"))
    everything, _ = journal_page(size=1000)
    seen, after = [], None
    while True:
        rows, after = journal_page(size=3, after=after)
        seen += [(row.kind.code, row.entry.record_id, row.entry.when, row.entry.action) for row in rows]
        if after is None:
            break
    assert seen == [(row.kind.code, row.entry.record_id, row.entry.when, row.entry.action) for row in everything]
    assert len(seen) == len(set(seen)) >= 14  # each violation: created, then notified


def test_a_page_costs_the_same_queries_for_few_or_many_changes(agency):
    def queries_for_a_page():
        with CaptureQueriesContext(connection) as captured:
            journal_page(size=50)
        return len(captured)

    services.violation_notify(acting_user=agency.clerk, violation=_violation(agency, key="first"))
    few = queries_for_a_page()
    for number in range(15):
        services.violation_notify(acting_user=agency.clerk, violation=_violation(agency, key=f"more{number}"))
    assert queries_for_a_page() == few


def test_the_export_lists_the_changes_and_writes_user_text_as_text(agency, login):
    violation = _violation(agency)
    services.violation_dismiss(acting_user=agency.clerk, violation=violation, reason="=HYPERLINK(\"http://x\")")

    response = login(agency.clerk).get(reverse("reports:journal_xlsx"), {"kind": "violation"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    reasons = [row[6] for row in rows[2:]]
    assert '=HYPERLINK("http://x")' in reasons  # read back as the text typed, not a formula
    assert any("Trạng thái" in (row[5] or "") for row in rows[2:])


@pytest.mark.parametrize("role", ["officer_a", "head_a"])
def test_the_agency_journal_is_not_for_officers_or_heads(agency, login, role):
    assert login(getattr(agency, role)).get(reverse("reports:journal")).status_code == 403


def test_the_violations_page_links_to_their_journal(agency, login):
    body = login(agency.clerk).get(reverse("reports:violations")).content.decode()
    assert f'{reverse("reports:journal")}?kind=violation' in body
