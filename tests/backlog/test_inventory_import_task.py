"""The inventory upload as a Celery task (issue 16): the file is checked as a whole in the request,
its rows are read by the task, which writes its progress (rows read, errors so far) to an
InventoryImport row the page polls, and the draft's lines are replaced in one transaction that
also marks the import done. Here the task runs in-process (eager) or is called directly; the real
worker, killed mid-save, is in test_inventory_import_worker.py."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backlog import excel, services
from backlog.models import InventoryImport
from recordsportal import progress
from tests.conftest import stored_files

from .conftest import LINES_A, as_rows, fill_template, upload_file

EXISTING = [{"description": "Dòng có sẵn", "from_year": 2010, "to_year": 2011, "shelf_metres": Decimal("1"),
             "boxes": 5, "estimated_dossiers": 20, "condition": "good", "location": "", "notes": ""}]


def descriptions(inventory):
    return list(inventory.lines.order_by("order").values_list("description", flat=True))


def start(agency, inventory, content):
    return services.inventory_import_start(acting_user=agency.head_a, inventory=inventory, upload=upload_file(content))


def test_the_upload_is_stored_and_queued_and_the_page_shows_its_progress(agency, inventory_a, template_a, media, login,
                                                                          monkeypatch):
    """With a worker, the request only checks and stores the file: it answers with the progress
    page at once, which polls (htmx) until the task is done, then shows the result."""
    queued = []
    monkeypatch.setattr("backlog.views.enqueue", lambda task, *args: queued.append(args) or True)
    client = login(agency.head_a)
    response = client.post(reverse("backlog:inventory_upload", args=[inventory_a.pk]),
                           {"file": upload_file(fill_template(template_a, as_rows(LINES_A)))})
    record = InventoryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backlog:inventory_import", args=[inventory_a.pk, record.pk])
    assert queued == [(record.pk,)] and (record.state, record.rows_total, record.attempts) == ("queued", 3, 0)
    assert len(stored_files(media)) == 1 and not inventory_a.lines.exists()

    page = client.get(response["Location"]).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 1s"' in page
    assert "Đã đọc 0 / 3 dòng" in page and "0 lỗi đến giờ" in page
    draft = client.get(reverse("backlog:inventory", args=[inventory_a.pk])).content.decode()
    assert 'data-testid="running-import"' in draft and response["Location"] in draft

    services.inventory_import_run(inventory_import_id=record.pk)  # what the worker does
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert 'data-state="done"' in fragment and "hx-trigger" not in fragment  # polling stops
    assert "Đã nhập 3 dòng vào bản nháp kiểm kê (3 dòng đã đọc)" in fragment
    assert descriptions(inventory_a) == [line["description"] for line in LINES_A]


def test_progress_is_written_as_the_rows_are_read(agency, inventory_a, template_a, media, monkeypatch):
    monkeypatch.setattr(progress, "REPORT_EVERY", 0)  # write at every row, to see each step
    rows = as_rows(LINES_A)
    rows[1][4] = "ba mét"  # row 5, column E
    record = start(agency, inventory_a, fill_template(template_a, rows))
    seen = []
    original = InventoryImport.write

    def spy(self, **fields):
        original(self, **fields)
        if "rows_read" in fields:
            seen.append(InventoryImport.objects.values_list("rows_read", "error_count").get(pk=self.pk))

    monkeypatch.setattr(InventoryImport, "write", spy)
    services.inventory_import_run(inventory_import_id=record.pk)
    assert (1, 0) in seen and (3, 1) in seen  # committed as it went, errors counted so far
    record.refresh_from_db()
    assert (record.state, record.rows_read, record.error_count) == ("refused", 3, 1)


def test_a_file_with_errors_is_refused_with_every_error_in_vietnamese_and_nothing_saved(
        agency, inventory_a, template_a, media, login):
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=EXISTING)
    rows = as_rows(LINES_A)
    rows[1][4] = "ba mét"
    rows[2][2] = "năm xưa"
    record = start(agency, inventory_a, fill_template(template_a, rows))
    services.inventory_import_run(inventory_import_id=record.pk)
    record.refresh_from_db()
    assert record.state == "refused" and record.error_count == 2
    assert record.errors == ["Dòng 5, cột E (Mét giá): phải là số không âm",
                             "Dòng 6, cột C (Từ năm): phải là năm, viết bằng số (ví dụ 2012)"]
    assert descriptions(inventory_a) == ["Dòng có sẵn"], "nothing may be half-saved"
    assert stored_files(media) == [] and not record.file  # a refused file is not kept
    page = login(agency.head_a).get(reverse("backlog:inventory_import", args=[inventory_a.pk, record.pk])).content.decode()
    assert 'data-testid="inventory-import-refused"' in page and "Dòng 5, cột E (Mét giá): phải là số không âm" in page


def test_a_file_wrong_as_a_whole_is_refused_at_once_and_nothing_is_stored(agency, inventory_a, template_a, media,
                                                                        monkeypatch):
    monkeypatch.setattr(excel, "MAX_LINES", 2)
    with pytest.raises(services.LinesRejected) as caught:
        start(agency, inventory_a, fill_template(template_a, as_rows(LINES_A)))
    assert caught.value.errors == ["Tệp có quá nhiều dòng; tối đa 2 dòng mỗi lần."]
    assert not InventoryImport.objects.exists() and stored_files(media) == []


def test_running_the_task_again_changes_nothing(agency, inventory_a, template_a, media):
    record = start(agency, inventory_a, fill_template(template_a, as_rows(LINES_A)))
    assert services.inventory_import_run(inventory_import_id=record.pk).state == "done"
    version = type(inventory_a).objects.get(pk=inventory_a.pk).version
    history = inventory_a.lines.model.history.count()
    again = services.inventory_import_run(inventory_import_id=record.pk)  # a message delivered twice
    assert (again.state, again.attempts) == ("done", 1)
    assert descriptions(inventory_a) == [line["description"] for line in LINES_A]
    assert type(inventory_a).objects.get(pk=inventory_a.pk).version == version
    assert inventory_a.lines.model.history.count() == history
    with pytest.raises(services.DomainError):
        services.inventory_import_requeue(acting_user=agency.head_a, record=again)


def test_a_run_cut_off_while_saving_leaves_the_old_lines_and_runs_again(agency, inventory_a, template_a, media,
                                                                     monkeypatch):
    """The process dies inside the saving transaction (here: an exception no handler catches,
    raised as the import is marked done): the old lines stay, the row says "saving"; the
    redelivered task reads the file again and saves it whole."""
    services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory_a, lines=EXISTING)
    record = start(agency, inventory_a, fill_template(template_a, as_rows(LINES_A)))
    original = InventoryImport.write

    def die_when_done(self, **fields):
        if fields.get("state") == "done":
            raise KeyboardInterrupt  # a BaseException: the worker's process ends here
        original(self, **fields)

    monkeypatch.setattr(InventoryImport, "write", die_when_done)
    with pytest.raises(KeyboardInterrupt):
        services.inventory_import_run(inventory_import_id=record.pk)
    monkeypatch.setattr(InventoryImport, "write", original)
    record.refresh_from_db()
    assert record.state == "saving" and descriptions(inventory_a) == ["Dòng có sẵn"]

    record = services.inventory_import_run(inventory_import_id=record.pk)
    assert (record.state, record.attempts, record.result_count) == ("done", 2, 3)
    assert descriptions(inventory_a) == [line["description"] for line in LINES_A]


def test_a_stale_import_is_run_again_from_the_page(agency, inventory_a, template_a, media, login, monkeypatch):
    monkeypatch.setattr("backlog.views.enqueue", lambda task, *args: True)  # the message is lost
    client = login(agency.head_a)
    client.post(reverse("backlog:inventory_upload", args=[inventory_a.pk]),
                {"file": upload_file(fill_template(template_a, as_rows(LINES_A)))})
    record = InventoryImport.objects.get()
    retry = reverse("backlog:inventory_import_retry", args=[inventory_a.pk, record.pk])
    client.post(retry)  # not stale yet: refused with a message
    assert InventoryImport.objects.get().state == "queued" and not inventory_a.lines.exists()

    InventoryImport.objects.filter(pk=record.pk).update(updated_at=record.updated_at.replace(year=2020))
    page = client.get(reverse("backlog:inventory_import", args=[inventory_a.pk, record.pk])).content.decode()
    assert 'data-testid="inventory-import-stale"' in page and retry in page
    monkeypatch.setattr("backlog.views.enqueue", lambda task, *args: task.apply(args=args) and True)
    client.post(retry)
    assert InventoryImport.objects.get().state == "done" and inventory_a.lines.count() == 3


def test_another_department_head_gets_404_for_the_progress_page(agency, inventory_a, template_a, media, login):
    record = start(agency, inventory_a, fill_template(template_a, as_rows(LINES_A)))
    url = reverse("backlog:inventory_import", args=[inventory_a.pk, record.pk])
    assert login(agency.head_b).get(url).status_code == 404
    assert login(agency.head_b).post(reverse("backlog:inventory_import_retry", args=[inventory_a.pk, record.pk])
                                     ).status_code == 404
    assert login(agency.head_a).get(url).status_code == 200


def test_saving_the_imported_lines_costs_a_few_queries_however_many_lines(agency, inventory_a, inventory_b):
    """No query per line: validating the table's constraints per line (three queries each) and a
    save and a history row per line made 2,000 lines take 42 s; now 2-3 s, reading included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(inventory, count):
        lines = [dict(EXISTING[0], description=f"Nhóm {n}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            services.inventory_save_lines(acting_user=agency.head_a, inventory=inventory, lines=lines)
        return len(captured)

    few, many = queries(inventory_a, 3), queries(inventory_b, 120)
    assert many <= few + 4, (few, many)  # SQLite splits an INSERT of 120 rows in two (999 parameters)
    assert inventory_b.lines.count() == 120
    history = inventory_b.lines.model.history.filter(inventory_id=inventory_b.pk)
    assert history.count() == 120 and set(history.values_list("history_user", "history_type")) == {
        (agency.head_a.pk, "+")}
