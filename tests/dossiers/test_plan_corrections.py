"""Issue 17, item 8 (file plans): entries and headings can be corrected — a title copied from last
year ("…năm 2026") is fixed, with its history — and deleted while nothing uses them: an entry
no dossier was opened from, a heading with no entries."""

import datetime

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import FilePlanEntry, FilePlanHeading
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def copied(agency, plan):
    """Next year's plan copied from this year's: its titles still say "năm 2026"."""
    entry = plan.entries.get(number=1)
    entry.title = "Hồ sơ kế hoạch công tác năm 2026"
    entry.save()
    return services.file_plan_copy(acting_user=agency.head_a, source=plan, year=2027)


def test_a_head_corrects_a_copied_title_and_the_history_keeps_the_old_one(agency, copied, login):
    entry = copied.entries.get(number=1)
    client = login(agency.head_a)
    page = client.get(reverse("dossiers:plan_detail", args=[copied.pk])).content.decode()
    assert reverse("dossiers:entry_edit", args=[copied.pk, entry.pk]) in page
    response = client.post(reverse("dossiers:entry_edit", args=[copied.pk, entry.pk]), {
        "title": "Hồ sơ kế hoạch công tác năm 2027", "retention_years": "10", "responsible": "", "notes": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Hồ sơ kế hoạch công tác năm 2027" and entry.number_symbol.startswith("01.")
    latest = entry.history.first()
    assert latest.history_user == agency.head_a and latest.prev_record.title == "Hồ sơ kế hoạch công tác năm 2026"
    page = client.get(reverse("dossiers:entry_edit", args=[copied.pk, entry.pk])).content.decode()
    assert "Hồ sơ kế hoạch công tác năm 2026" in page  # shown in the history


def test_an_unused_entry_is_deleted_and_a_used_one_is_not(agency, plan, login):
    used, unused = plan.entries.order_by("number")
    services.dossier_open(acting_user=agency.officer_a, plan_entry=used, opened_on=datetime.date(2026, 1, 5))
    client = login(agency.head_a)
    response = client.post(reverse("dossiers:entry_delete", args=[plan.pk, unused.pk]))
    assert response.status_code == 302 and not FilePlanEntry.objects.filter(pk=unused.pk).exists()
    page = client.get(reverse("dossiers:entry_edit", args=[plan.pk, used.pk])).content.decode()
    assert "Đã có 1 hồ sơ mở theo mục" in page and 'data-testid="part-delete"' not in page
    with pytest.raises(DomainError):
        services.file_plan_entry_delete(acting_user=agency.head_a, entry=used)
    assert FilePlanEntry.objects.filter(pk=used.pk).exists()


def test_a_heading_is_renamed_and_deleted_only_when_empty(agency, plan, login):
    client = login(agency.head_a)
    heading = plan.headings.get()
    response = client.post(reverse("dossiers:heading_edit", args=[plan.pk, heading.pk]), {"title": "Tổng hợp, kế hoạch"})
    assert response.status_code == 302
    heading.refresh_from_db()
    assert heading.title == "Tổng hợp, kế hoạch" and heading.history.first().prev_record.title == "Tổng hợp"
    with pytest.raises(DomainError):
        services.file_plan_heading_delete(acting_user=agency.head_a, heading=heading)
    empty = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Thi đua", abbreviation="TĐ")
    client.post(reverse("dossiers:heading_delete", args=[plan.pk, empty.pk]))
    assert not FilePlanHeading.objects.filter(pk=empty.pk).exists()


def test_an_officer_sees_but_cannot_change_and_another_department_gets_404(agency, plan, login):
    entry = plan.entries.get(number=1)
    page = login(agency.officer_a).get(reverse("dossiers:entry_edit", args=[plan.pk, entry.pk])).content.decode()
    assert 'data-testid="part-form"' not in page
    with pytest.raises(DomainError):
        services.file_plan_entry_update(acting_user=agency.officer_a, entry=entry, title="X", retention_years=5)
    assert login(agency.head_b).get(reverse("dossiers:entry_edit", args=[plan.pk, entry.pk])).status_code == 404
