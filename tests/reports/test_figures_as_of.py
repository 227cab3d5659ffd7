"""Every figure says when it was computed, and "not computed yet" is not "no records" (issue 14,
part 2): the home page's ratio tiles and the dashboard's paper counts."""

import pytest
from django.utils import timezone

from documents.choices import Form
from reports import months
from reports.compliance import compute_month

pytestmark = pytest.mark.django_db


def tile(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</a>")[0]


def test_the_home_tiles_say_as_of_when_and_tell_not_computed_from_no_records(agency, make_document, login):
    this_month = timezone.localdate().replace(day=1)
    home = login(agency.officer_a).get("/").content.decode()
    assert "— (chưa tính)" in tile(home, "desk-ratio-e") and "số liệu tháng này chưa được tính" in tile(home, "desk-ratio-e")

    compute_month(this_month)  # computed, and the officer has no records: "—", not "chưa tính"
    home = login(agency.officer_a).get("/").content.decode()
    stamp = f"{timezone.localtime(months.state_of(this_month).computed_at):%H:%M %d/%m/%Y}"
    assert "chưa tính" not in tile(home, "desk-ratio-h") and "không có hồ sơ, văn bản trong kỳ" in tile(home, "desk-ratio-h")
    assert f"tính đến {stamp}" in tile(home, "desk-ratio-h")

    make_document(agency.dept_a, agency.officer_a, day=this_month, form=Form.ELECTRONIC)
    compute_month(this_month)
    home = login(agency.officer_a).get("/").content.decode()
    stamp = f"{timezone.localtime(months.state_of(this_month).computed_at):%H:%M %d/%m/%Y}"
    assert "100,0%" in tile(home, "desk-ratio-e") and f"1/1 · tính đến {stamp}" in tile(home, "desk-ratio-e")
    head = login(agency.head_a).get("/").content.decode()
    assert f"tính đến {stamp}" in tile(head, "desk-ratio-e")


def test_the_dashboards_paper_counts_say_they_are_counted_now_and_may_differ_from_a_closed_month(agency, make_document,
                                                                                                login):
    import datetime

    from django.urls import reverse

    march = datetime.date(2026, 3, 1)
    make_document(agency.dept_a, agency.officer_a, form=Form.PAPER)
    compute_month(march)
    before = timezone.localtime()
    page = login(agency.clerk).get(reverse("reports:dashboard"), {"month": "2026-03"}).content.decode()
    line = page.split('data-testid="paper-reasons-as-of">')[1].split("</span>")[0]
    assert line.startswith("Đếm lúc ") and "theo sổ hiện tại." in line and "đã chốt" not in line
    counted = datetime.datetime.strptime(line.split("Đếm lúc ")[1].split(" theo")[0], "%H:%M %d/%m/%Y")
    assert counted >= before.replace(tzinfo=None, second=0, microsecond=0)

    months.close_month(march, acting_user=agency.clerk)
    page = login(agency.clerk).get(reverse("reports:dashboard"), {"month": "2026-03"}).content.decode()
    assert "theo sổ hiện tại, có thể khác số liệu đã chốt." in page


def test_the_heads_weekly_digest_says_as_of_when_its_figures_were_computed(agency, make_document, mailoutbox):
    import datetime

    from reports import nudges

    month = datetime.date(2026, 11, 1)
    agency.head_a.email = "tp.qldt@bql.gov.vn"
    agency.head_a.save(update_fields=["email"])
    make_document(agency.dept_a, agency.officer_a, day=month, form=Form.PAPER)
    assert nudges.send_head_digests(datetime.date(2026, 11, 17)) == 0  # never computed: no figures to send
    compute_month(month)
    assert nudges.send_head_digests(datetime.date(2026, 11, 17)) == 1
    stamp = f"{timezone.localtime(months.state_of(month).computed_at):%H:%M %d/%m/%Y}"
    assert f"Số liệu tính đến {stamp}." in mailoutbox[0].body


def test_the_dashboards_overdue_dossiers_count_says_when_it_was_counted_though_it_is_cached(agency, login, settings):
    import datetime

    from django.core.cache import cache
    from django.urls import reverse

    from .test_one_lapse import overdue_dossier

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "h14-as-of"}}
    cache.clear()
    overdue_dossier(agency, 1)
    page = login(agency.clerk).get(reverse("reports:dashboard")).content.decode()
    counted = page.split('data-testid="dossiers-overdue-as-of">')[1].split("</div>")[0]
    assert 'data-testid="dossiers-overdue">1<' in page and counted.startswith("Đếm lúc ")
    overdue_dossier(agency, 2)
    page = login(agency.clerk).get(reverse("reports:dashboard")).content.decode()
    # Cached for ten minutes: still 1, and still as of the first count, which says so.
    assert 'data-testid="dossiers-overdue">1<' in page
    assert page.split('data-testid="dossiers-overdue-as-of">')[1].split("</div>")[0] == counted
    stamp = datetime.datetime.strptime(counted.removeprefix("Đếm lúc ").strip(), "%H:%M %d/%m/%Y")
    assert abs(stamp - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(minutes=5)
    cache.clear()


def test_the_compliance_api_tells_not_computed_from_no_records_per_figure(agency, make_document, login):
    import datetime

    march = datetime.date(2026, 3, 1)
    make_document(agency.dept_a, agency.officer_a, form=Form.ELECTRONIC)
    client = login(agency.clerk)
    never = client.get("/api/v1/compliance/", {"month": "2026-03"}).json()
    assert never["as_of"] is None and never["headline"]["e_month"]["computed"] is False
    compute_month(march)
    data = client.get("/api/v1/compliance/", {"month": "2026-03"}).json()
    assert data["as_of"] and data["month_status"] == "open"
    assert data["headline"]["e_month"] == {**data["headline"]["e_month"], "numerator": 1, "denominator": 1, "computed": True}
    # H: computed, no dossier opened in March (ratio null, computed); the year to date lacks January and February.
    assert (data["headline"]["h_month"]["ratio"], data["headline"]["h_month"]["computed"]) == (None, True)
    assert data["headline"]["e_year"]["computed"] is False


def test_the_monthly_workbook_leaves_the_counts_of_a_month_never_computed_empty_not_zero(agency, make_document, login):
    import datetime
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    def sheet(month):
        response = login(agency.leader).get(reverse("reports:monthly_xlsx"), {"month": month})
        return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))

    make_document(agency.dept_a, agency.officer_a, form=Form.ELECTRONIC)
    rows = sheet("2026-03")
    assert "Số liệu tháng 03/2026 chưa được tính." in str(rows[1][0])
    line = next(row for row in rows if row[0] == agency.dept_a.name)
    assert line[1:5] == (None, None, "— (chưa tính)", None)
    compute_month(datetime.date(2026, 4, 1))  # April: computed, no records
    line = next(row for row in sheet("2026-04") if row[0] == agency.dept_a.name)
    assert line[1:4] == (0, 0, "—")
    compute_month(datetime.date(2026, 3, 1))
    line = next(row for row in sheet("2026-03") if row[0] == agency.dept_a.name)
    assert line[1:5] == (1, 1, "100.0%", 0)
