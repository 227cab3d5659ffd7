"""Exports above EXPORT_TASK_THRESHOLD rows are written by a Celery task (issue 16,
recordsportal/exports.py): the request returns at once with the job's page, which shows the rows
written so far and then a download link; the file is the one the request would have written,
scoped by the user who asked, downloadable by them alone, and removed after a day. At or below
the threshold the export stays in the request (tests/documents/test_exports.py, unchanged)."""

import datetime
import io
import os
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from recordsportal import exports, progress
from recordsportal.models import ExportJob

from .test_exports import documents, read_xlsx, sheet_rows  # noqa: F401  (documents: a fixture)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def threshold(settings):
    settings.EXPORT_TASK_THRESHOLD = 1  # the fixture's three documents are "large"
    return 1


@pytest.fixture
def no_worker(monkeypatch):
    """A broker that takes the message and no worker yet: the job waits, queued."""
    queued = []
    monkeypatch.setattr("recordsportal.queueing.enqueue", lambda task, *args: queued.append((task, args)) or True)
    return queued


def stored(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


def workbook_rows(job):
    with job.file.open("rb") as handle:
        return sheet_rows(load_workbook(io.BytesIO(handle.read())).worksheets[0])


def test_an_export_at_or_below_the_threshold_stays_in_the_request(agency, login, documents, media, settings):  # noqa: F811
    settings.EXPORT_TASK_THRESHOLD = 3
    response = login(agency.clerk).get(reverse("documents:export_xlsx"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_a_large_export_returns_at_once_and_its_page_shows_progress_then_the_download(
        agency, login, documents, media, threshold, no_worker):  # noqa: F811
    client = login(agency.clerk)
    expected = sheet_rows(read_xlsx(_sync(client, settings_threshold=10)))  # in the request, as below it
    response = client.get(reverse("documents:export_xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])
    assert [(task.name, args) for task, args in no_worker] == [("recordsportal.run_export", (job.pk,))]
    assert (job.state, job.created_by, job.kind) == ("queued", agency.clerk, "documents.exports.register_list_export")
    assert job.expires_at - job.created_at == datetime.timedelta(hours=24)

    page = client.get(response["Location"]).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 1s"' in page and "Đã ghi 0 / ? dòng" in page
    assert reverse("exports:download", args=[job.pk]) not in page
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404  # nothing to download yet

    exports.export_run(job_id=job.pk)  # what the worker does
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in fragment and "hx-trigger" not in fragment  # polling stops
    assert "Đã ghi xong 3 dòng." in fragment and reverse("exports:download", args=[job.pk]) in fragment
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200 and 'filename="van-ban-' in download["Content-Disposition"]
    assert sheet_rows(read_xlsx(download)) == expected  # the very rows the request would have written
    job.refresh_from_db()
    assert (job.rows_total, job.rows_read, job.result_count, job.attempts) == (3, 3, 3, 1)


def _sync(client, settings_threshold):
    from django.test import override_settings

    with override_settings(EXPORT_TASK_THRESHOLD=settings_threshold):
        return client.get(reverse("documents:export_xlsx"))


def test_in_the_embedded_default_the_task_has_run_when_the_page_opens(agency, login, documents, media, threshold):  # noqa: F811
    client = login(agency.clerk)
    response = client.get(reverse("documents:register_book_xlsx"), {"direction": "incoming", "year": 2026})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == "done" and job.filename == "so-den-2026.xlsx"
    rows = workbook_rows(job)
    assert rows[1] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"] and [row[3] for row in rows[4:]] == ["01/UBND-KT", "02/STC-NS"]


def test_the_task_exports_what_the_asking_user_may_see_and_only_they_download_it(
        agency, login, documents, media, settings):  # noqa: F811
    settings.EXPORT_TASK_THRESHOLD = 0  # the officer sees one document
    officer = login(agency.officer_a)
    officer.get(reverse("documents:export_xlsx"), {"q": ""})
    mine = ExportJob.objects.get(created_by=agency.officer_a)
    assert mine.state == "done" and [row[3] for row in workbook_rows(mine)[1:]] == ["01/UBND-KT"]
    # Nobody else sees the page, the file, or may run it again: 404, as for a missing job.
    for user in (agency.officer_b, agency.head_a, agency.clerk, agency.leader):
        other = login(user)
        assert other.get(reverse("exports:detail", args=[mine.pk])).status_code == 404
        assert other.get(reverse("exports:download", args=[mine.pk])).status_code == 404
        assert other.post(reverse("exports:retry", args=[mine.pk])).status_code == 404
    assert login(agency.officer_a).get(reverse("exports:download", args=[mine.pk])).status_code == 200


def test_progress_is_written_as_the_rows_are_written(agency, login, documents, media, threshold, no_worker,  # noqa: F811
                                                     monkeypatch):
    monkeypatch.setattr(progress, "REPORT_EVERY", 0)
    login(agency.clerk).get(reverse("documents:export_xlsx"))
    job = ExportJob.objects.get()
    seen = []
    original = ExportJob.write

    def spy(self, **fields):
        original(self, **fields)
        seen.append(ExportJob.objects.values_list("state", "rows_read", "rows_total").get(pk=self.pk))

    monkeypatch.setattr(ExportJob, "write", spy)
    exports.export_run(job_id=job.pk)
    assert ("reading", 0, 3) in seen and ("reading", 1, 3) in seen and ("reading", 2, 3) in seen
    assert seen[-1] == ("done", 3, 3)


def test_running_the_task_again_changes_nothing(agency, login, documents, media, threshold):  # noqa: F811
    login(agency.clerk).get(reverse("documents:export_xlsx"))
    job = ExportJob.objects.get()
    files = stored(media)
    again = exports.export_run(job_id=job.pk)  # the message delivered twice
    assert (again.state, again.attempts, again.file.name) == ("done", 1, job.file.name)
    assert stored(media) == files and len(files) == 1


def test_a_run_cut_off_midway_leaves_no_file_and_runs_again(agency, login, documents, media, threshold, no_worker,  # noqa: F811
                                                           monkeypatch):
    login(agency.clerk).get(reverse("documents:export_xlsx"))
    job = ExportJob.objects.get()
    rows = exports._counted

    def dies_after_a_row(source, report):
        for number, row in enumerate(rows(source, report)):
            if number == 1:
                raise KeyboardInterrupt  # a BaseException: the worker's process ends here
            yield row

    monkeypatch.setattr(exports, "_counted", dies_after_a_row)
    with pytest.raises(KeyboardInterrupt):
        exports.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "reading" and not job.file and stored(media) == []
    monkeypatch.setattr(exports, "_counted", rows)

    job.write(updated_at=job.updated_at - datetime.timedelta(hours=1))  # stale: the page offers "Chạy lại"
    client = login(agency.clerk)
    assert 'data-testid="export-stale"' in client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    client.post(reverse("exports:retry", args=[job.pk]))
    assert ExportJob.objects.get(pk=job.pk).state == "queued" and no_worker[-1][1] == (job.pk,)
    job = exports.export_run(job_id=job.pk)
    assert (job.state, job.attempts, job.result_count) == ("done", 2, 3) and len(stored(media)) == 1


def test_exports_are_removed_after_a_day_with_their_files(agency, login, documents, media, threshold):  # noqa: F811
    client = login(agency.clerk)
    client.get(reverse("documents:export_xlsx"))
    old = ExportJob.objects.get()
    path = media / old.file.name
    assert path.exists()
    orphan = media / "exports" / "2020" / "01" / "01" / "left-by-a-killed-worker.xlsx"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    os.utime(orphan, (time.time() - 2 * 86400,) * 2)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=old.created_at - datetime.timedelta(seconds=1))
    assert client.get(reverse("exports:detail", args=[old.pk])).status_code == 404  # expired: gone for the owner too

    from recordsportal.tasks import clean_exports

    assert clean_exports.apply().get() == 1
    assert not ExportJob.objects.filter(pk=old.pk).exists() and not path.exists() and not orphan.exists()
    assert not (media / "exports" / "2020").exists()
    # A new export cleans too (the periodic task may not run: no beat in the embedded default).
    client.get(reverse("documents:export_xlsx"))
    fresh = ExportJob.objects.get()
    ExportJob.objects.filter(pk=fresh.pk).update(expires_at=fresh.created_at)
    client.get(reverse("documents:export_xlsx"))
    assert list(ExportJob.objects.values_list("pk", flat=True)) != [fresh.pk] and ExportJob.objects.count() == 1


def test_the_journal_export_above_the_threshold_is_a_task_too(agency, login, documents, media, threshold):  # noqa: F811
    client = login(agency.clerk)
    response = client.get(reverse("reports:journal_xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == "done" and job.filename == "nhat-ky-thay-doi.xlsx"
    rows = workbook_rows(job)
    assert rows[0] == ["Nhật ký thay đổi (tối đa 20.000 dòng mới nhất)"] and rows[1][0] == "Thời điểm"
    assert len(rows) - 2 == job.result_count >= 3


def test_the_violations_export_above_the_threshold_is_a_task_scoped_by_the_asking_user(agency, login, media,
                                                                                       settings):
    from reports.models import Violation, ViolationKind

    settings.EXPORT_TASK_THRESHOLD = 1
    for department in (agency.dept_a, agency.dept_b):
        for month in (1, 2):
            Violation.objects.create(kind=ViolationKind.DOCUMENTS_OVERDUE, department=department,
                                     period=datetime.date(2026, month, 1), key=f"export-{department.pk}-{month}")
    response = login(agency.leader).get(reverse("reports:violations_xlsx"), {"year": 2026})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and (job.state, job.result_count, job.filename) == ("done", 4, "vi-pham-2026.xlsx")
    rows = workbook_rows(job)
    assert rows[0] == ["Các trường hợp vi phạm năm 2026"]
    assert sorted(row[0] for row in rows[3:]) == sorted([agency.dept_a.name] * 2 + [agency.dept_b.name] * 2)
    assert login(agency.head_a).get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_an_export_past_the_rows_of_one_excel_sheet_is_refused_with_what_to_do(agency, login, documents, media,  # noqa: F811
                                                                             threshold, monkeypatch):
    """2,000,000 documents of the Office's register unfiltered do not fit one sheet (1,048,576
    rows): a workbook written past it does not open. Here the sheet is made 3 rows long."""
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)  # the headers' row and two rows of data
    client = login(agency.clerk)
    response = client.get(reverse("documents:export_xlsx"))
    job = ExportJob.objects.get()
    assert (job.state, job.rows_total, job.file.name) == ("refused", 3, "") and stored(media) == []
    page = client.get(response["Location"]).content.decode()
    assert "Có 3 dòng, quá 2 dòng, giới hạn của một trang tính Excel. Hãy lọc bớt" in page
    assert reverse("exports:download", args=[job.pk]) not in page and "hx-trigger" not in page
