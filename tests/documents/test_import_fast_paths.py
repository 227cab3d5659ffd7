"""The register import's fast paths (issue 16: 100,000 rows in the task's time budget) give what
the slow ones give: a dd/mm/yyyy date read without the patterns, the date rule asked only of the
dates it could refuse, choices and names looked up once per distinct text."""

import datetime

import pytest
from django.utils import timezone

from documents import importer, rules
from documents.importer import CellError, parse_date
from recordsportal.dates import first_year


def by_patterns(text):
    """parse_date as it was before its fast path: the patterns only."""
    for pattern in importer.DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return "not a real day"
    return "not a date"


@pytest.mark.parametrize("text", ["05/03/2026", "31/12/1999", "29/02/2024", "29/02/2026", "31/04/2026", "00/01/2026",
                                  "05/13/2026", "٠٥/٠٣/٢٠٢٦", "²5/03/2026", "05-03-2026", "5/3/2026", "05/03/20266",
                                  "05/03/2026 08:15", "ab/cd/efgh", "2026-03-05"])
def test_a_date_written_dd_mm_yyyy_is_read_as_the_patterns_read_it(text):
    expected = by_patterns(text.split(" ")[0])
    try:
        got = parse_date(text)
    except CellError as error:
        got = "not a real day" if "không phải là ngày có thật" in str(error) else "not a date"
    assert got == expected


def test_the_date_rule_is_skipped_only_for_dates_it_accepts(agency):
    """Every pair of dates around the rule's edges (the first year, today, the document after its
    arrival): the import refuses exactly the rows the rule refuses, with its messages."""
    today = timezone.localdate()
    first = datetime.date(first_year(), 1, 1)
    edges = [None, first - datetime.timedelta(days=1), first, today - datetime.timedelta(days=1), today,
             today + datetime.timedelta(days=1)]
    plan = importer.ImportPlan(direction="incoming", headers=["Ngày đến", "Tác giả", "Trích yếu", "Ngày văn bản",
                                                              "Hình thức"],
                               mapping={"register_date": 0, "issuer": 1, "summary": 2, "document_date": 3, "form": 4})
    reading = importer.Reading(plan, False)
    for arrival in edges[1:]:
        for dated in edges:
            before = plan.error_count
            values = reading.parse(7, (arrival, "UBND tỉnh", "Về việc", dated, "Giấy"))
            expected = rules.incoming_date_problems(document_date=dated, arrival_date=arrival)
            assert (values is None) == bool(expected), (arrival, dated)
            assert [e.message for e in plan.errors[before:]] == list(expected.values()), (arrival, dated)


def test_a_choice_or_a_name_met_again_gives_what_it_gave_the_first_time(agency):
    assert [importer.parse_form(text) for text in ("Giấy", "Giấy", "GIẤY", " giấy ", "Điện tử", "Điện tử")] == [
        "paper", "paper", "paper", "paper", "electronic", "electronic"]
    for _twice in range(2):
        with pytest.raises(CellError, match="hình thức “Fax” không hợp lệ"):
            importer.parse_form("Fax")
    directory = importer.Directory()
    department = agency.clerk.department
    for _twice in range(2):
        assert directory.department(f"  {department.name} ") == department.pk
        assert directory.department(department.name) == department.pk
        with pytest.raises(CellError, match="không có phòng, đơn vị “Phòng Không Có”"):
            directory.department("Phòng   Không Có")
