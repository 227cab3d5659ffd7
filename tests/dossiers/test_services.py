"""Each action of the dossier lifecycle with named actors: the state it leaves, the repeat
(refused), and the refusals the issue names, each with its Vietnamese message."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.choices import Form
from dossiers import services
from dossiers.choices import BatchStatus, Decision, LineOutcome, RetentionStatus, Status
from dossiers.models import ArchiveBatchLine, Dossier
from recordsportal.models import Agency
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def refused(message_part, action, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        action(*args, **kwargs)
    assert message_part in caught.value.message, caught.value.message
    return caught.value


class TestFilePlan:
    def test_it_numbers_entries_with_the_major_heading_abbreviation(self, plan):
        assert list(plan.entries.values_list("number_symbol", flat=True)) == ["01.TH", "02.TH"]

    def test_it_restarts_numbering_per_heading_when_the_agency_says_so(self, agency, plan):
        Agency.objects.update(file_plan_numbering=Agency.FilePlanNumbering.PER_HEADING)
        second = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Tổ chức cán bộ",
                                                abbreviation="tccb")
        minor = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Tuyển dụng", parent=second)
        entry = services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=minor, title="Tuyển dụng 2026",
                                             retention_years=0)
        assert entry.number_symbol == "01.TCCB" and second.label == "II" and minor.label == "1"

    def test_it_continues_numbering_over_the_plan_by_default(self, agency, plan):
        second = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Tổ chức", abbreviation="TC")
        entry = services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=second, title="X",
                                             retention_years=5)
        assert entry.number_symbol == "03.TC"

    def test_it_refuses_a_symbol_already_used_by_another_department_that_year(self, agency, plan):
        other = services.file_plan_create(acting_user=agency.head_b, department=agency.dept_b, year=2026)
        heading = services.file_plan_heading_add(acting_user=agency.head_b, plan=other, title="Tổng hợp", abbreviation="TH")
        refused("đã có trong danh mục năm 2026", services.file_plan_entry_add, acting_user=agency.head_b, plan=other,
                heading=heading, title="Y", retention_years=5)

    def test_an_officer_or_another_head_cannot_edit_the_plan(self, agency, plan):
        refused("Chỉ trưởng đơn vị hoặc Văn phòng", services.file_plan_heading_add, acting_user=agency.officer_a,
                plan=plan, title="Z", abbreviation="Z")
        refused("Chỉ trưởng đơn vị hoặc Văn phòng", services.file_plan_heading_add, acting_user=agency.head_b,
                plan=plan, title="Z", abbreviation="Z")
        services.file_plan_heading_add(acting_user=agency.clerk, plan=plan, title="Văn phòng thêm", abbreviation="VT")

    def test_it_copies_last_years_plan(self, agency, plan):
        copy = services.file_plan_copy(acting_user=agency.head_a, source=plan, year=2027)
        assert copy.year == 2027 and copy.headings.count() == 1
        assert list(copy.entries.values_list("number_symbol", "retention_years")) == [("01.TH", 10), ("02.TH", 2)]
        refused("đã có danh mục hồ sơ năm 2027", services.file_plan_copy, acting_user=agency.head_a, source=plan,
                year=2027)


class TestOpen:
    def test_it_opens_from_the_plan_with_the_electronic_dossier_code(self, agency, plan):
        entry = plan.entries.get(number=1)
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=entry,
                                        opened_on=datetime.date(2026, 2, 1))
        assert dossier.code == "000.00.31.H09.2026.01.TH"
        assert (dossier.department, dossier.officer, dossier.status) == (agency.dept_a, agency.officer_a, Status.OPEN)
        assert dossier.retention_years == 10 and dossier.form == Form.ELECTRONIC
        assert dossier.history.first().history_user == agency.officer_a
        refused("đã được mở", services.dossier_open, acting_user=agency.officer_a2, plan_entry=entry,
                opened_on=datetime.date(2026, 2, 1))

    def test_it_opens_ad_hoc_with_a_generated_symbol(self, agency, identifier):
        first = services.dossier_open(acting_user=agency.officer_a, title="Đoàn kiểm tra đột xuất", retention_years=5,
                                      opened_on=datetime.date(2026, 4, 1))
        second = services.dossier_open(acting_user=agency.officer_a, title="Hội nghị xúc tiến", retention_years=5,
                                       opened_on=datetime.date(2026, 4, 2))
        assert (first.code, second.code) == ("000.00.31.H09.2026.PS01.QLĐT", "000.00.31.H09.2026.PS02.QLĐT")

    def test_another_departments_officer_cannot_open_from_the_plan(self, agency, plan):
        refused("chỉ do cán bộ của đơn vị đó lập", services.dossier_open, acting_user=agency.officer_b,
                plan_entry=plan.entries.first(), opened_on=datetime.date(2026, 2, 1))

    def test_a_plan_dossier_opens_in_its_year(self, agency, plan):
        refused("phải được mở trong năm 2026", services.dossier_open, acting_user=agency.officer_a,
                plan_entry=plan.entries.first(), opened_on=datetime.date(2025, 12, 30))

    def test_an_officer_cannot_open_for_a_colleague_but_the_head_can(self, agency, identifier):
        refused("Chỉ trưởng đơn vị", services.dossier_open, acting_user=agency.officer_a2, officer=agency.officer_a,
                title="X", retention_years=5)
        dossier = services.dossier_open(acting_user=agency.head_a, officer=agency.officer_a1_unit, title="X",
                                        retention_years=5)
        assert dossier.department == agency.unit_a1


class TestItemsAndForm:
    def test_it_adds_documents_files_and_paper_and_derives_the_form(self, agency, plan, doc_for, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        officer = agency.officer_a
        dossier = services.dossier_open(acting_user=officer, plan_entry=plan.entries.first(),
                                        opened_on=datetime.date(2026, 1, 5))
        electronic = doc_for(officer)
        services.dossier_add_document(acting_user=officer, dossier=dossier, document=electronic)
        upload = SimpleUploadedFile("Bản đồ quy hoạch.pdf", PDF_BYTES, content_type="application/pdf")
        item = services.dossier_add_file(acting_user=officer, dossier=dossier, upload=upload)
        assert item.sha256 and item.extension == "pdf" and "quy" not in item.file.name
        dossier.refresh_from_db()
        assert dossier.form == Form.ELECTRONIC
        paper_doc = doc_for(officer, form=Form.PAPER)
        services.dossier_add_document(acting_user=officer, dossier=dossier, document=paper_doc)
        dossier.refresh_from_db()
        assert dossier.form == Form.PAPER
        refused("đã có trong hồ sơ", services.dossier_add_document, acting_user=officer, dossier=dossier,
                document=paper_doc)
        # Removing the paper document makes it electronic again.
        services.dossier_remove_item(acting_user=officer, item=dossier.items.get(document=paper_doc))
        dossier.refresh_from_db()
        assert dossier.form == Form.ELECTRONIC
        services.dossier_add_paper_item(acting_user=officer, dossier=dossier, title="Biên bản họp viết tay")
        dossier.refresh_from_db()
        assert dossier.form == Form.PAPER

    def test_a_dossier_not_kept_in_the_portal_is_paper(self, agency, plan):
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.first(),
                                        opened_on=datetime.date(2026, 1, 5), kept_in_portal=False)
        assert dossier.form == Form.PAPER
        services.dossier_update(acting_user=agency.officer_a, dossier=dossier, kept_in_portal=True)
        dossier.refresh_from_db()
        assert dossier.form == Form.ELECTRONIC

    def test_one_document_sits_in_several_officers_dossiers(self, agency, identifier, doc_for):
        document = doc_for(agency.officer_a)
        mine = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        head = services.dossier_open(acting_user=agency.head_a, title="B", retention_years=5)
        services.dossier_add_document(acting_user=agency.officer_a, dossier=mine, document=document)
        services.dossier_add_document(acting_user=agency.head_a, dossier=head, document=document)
        assert set(document.dossiers.values_list("pk", flat=True)) == {mine.pk, head.pk}

    def test_an_officer_adds_only_documents_they_can_see(self, agency, identifier, doc_for):
        other = doc_for(agency.officer_b)
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        refused("Không tìm thấy văn bản", services.dossier_add_document, acting_user=agency.officer_a,
                dossier=dossier, document=other)

    def test_it_reorders_items(self, agency, identifier, doc_for):
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        a = services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=doc_for(agency.officer_a))
        b = services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=dossier, title="Giấy")
        services.dossier_move_item(acting_user=agency.officer_a, item=b, offset=-1)
        assert list(dossier.items.values_list("pk", flat=True)) == [b.pk, a.pk]
        refused("không khớp", services.dossier_reorder, acting_user=agency.officer_a, dossier=dossier, item_ids=[a.pk])

    def test_a_colleague_cannot_add_to_my_dossier(self, agency, identifier):
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        refused("Chỉ người lập hồ sơ", services.dossier_add_paper_item, acting_user=agency.officer_a2,
                dossier=dossier, title="X")


class TestClose:
    def test_it_closes_with_end_date_sheets_and_due_date(self, agency, closed_dossier):
        dossier = closed_dossier()
        assert dossier.status == Status.CLOSED and dossier.ended_on == datetime.date(2026, 6, 15)
        assert (dossier.sheets, dossier.pages) == (12, 20)
        assert dossier.due_on == datetime.date(2027, 12, 31)
        assert dossier.history.first().status == Status.CLOSED
        assert dossier.history.first().history_user == agency.officer_a
        refused("Chỉ kết thúc được hồ sơ đang lập", services.dossier_close, acting_user=agency.officer_a,
                dossier=dossier, ended_on=datetime.date(2026, 6, 15))

    def test_it_refuses_to_close_an_empty_dossier(self, agency, plan):
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.first(),
                                        opened_on=datetime.date(2026, 1, 5))
        refused("không thể kết thúc hồ sơ rỗng", services.dossier_close, acting_user=agency.officer_a,
                dossier=dossier, ended_on=datetime.date(2026, 6, 1))
        assert Dossier.objects.get(pk=dossier.pk).status == Status.OPEN

    def test_it_lists_every_reason_at_once(self, agency, identifier):
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=None,
                                        opened_on=datetime.date(2026, 5, 1))
        error = refused("rỗng", services.dossier_close, acting_user=agency.officer_a, dossier=dossier,
                        ended_on=datetime.date(2026, 4, 1))
        assert "thời hạn bảo quản" in error.message and "trước ngày mở hồ sơ" in error.message

    def test_a_paper_dossier_for_the_archive_needs_its_sheets_numbered(self, agency, plan):
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.first(),
                                        opened_on=datetime.date(2026, 1, 5))
        services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=dossier, title="Tờ trình giấy")
        refused("phải đánh số tờ", services.dossier_close, acting_user=agency.officer_a, dossier=dossier,
                ended_on=datetime.date(2026, 6, 1))
        services.dossier_close(acting_user=agency.officer_a, dossier=dossier, ended_on=datetime.date(2026, 6, 1), sheets=3)

    def test_it_refuses_adding_to_a_closed_dossier_and_reopens(self, agency, closed_dossier):
        dossier = closed_dossier()
        refused("Hồ sơ đã kết thúc", services.dossier_add_paper_item, acting_user=agency.officer_a, dossier=dossier,
                title="Thêm")
        services.dossier_reopen(acting_user=agency.officer_a, dossier=dossier)
        dossier.refresh_from_db()
        assert dossier.status == Status.OPEN and dossier.due_on is None
        services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=dossier, title="Thêm")

    def test_a_short_retention_dossier_has_no_due_date(self, agency, plan, closed_dossier):
        dossier = closed_dossier(entry=plan.entries.get(number=2))
        assert dossier.retention_years == 2 and dossier.due_on is None


class TestDueDates:
    """The Archives Law 2024 counts from the year the work ended, the 2011 law from the date."""

    @pytest.mark.parametrize("ended, due", [
        (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)),
        (datetime.date(2024, 2, 29), datetime.date(2025, 12, 31)),
    ])
    def test_2024_rule(self, ended, due):
        from dossiers.rules import due_date

        assert due_date(ended, 10, rule="2024") == due

    @pytest.mark.parametrize("ended, due", [
        (datetime.date(2025, 3, 15), datetime.date(2026, 3, 15)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)),
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
    ])
    def test_2011_rule(self, ended, due):
        from dossiers.rules import due_date

        assert due_date(ended, 0, rule="2011") == due

    def test_only_five_years_and_more_go_to_the_archive(self):
        from dossiers.rules import due_date

        assert due_date(datetime.date(2025, 5, 1), 4, rule="2024") is None
        assert due_date(datetime.date(2025, 5, 1), None, rule="2024") is None
        assert due_date(datetime.date(2025, 5, 1), 5, rule="2024") == datetime.date(2026, 12, 31)
        assert due_date(datetime.date(2025, 5, 1), 0, rule="2024") == datetime.date(2026, 12, 31)

    def test_the_agency_setting_chooses_the_rule_and_a_switch_recomputes(self, agency, closed_dossier):
        dossier = closed_dossier(ended_on=datetime.date(2026, 3, 15))
        assert dossier.due_on == datetime.date(2027, 12, 31)
        Agency.objects.update(archive_due_rule=Agency.ArchiveDueRule.LAW_2011)
        assert services.due_dates_recompute() == 1
        dossier.refresh_from_db()
        assert dossier.due_on == datetime.date(2027, 3, 15)

    def test_due_and_overdue_lists(self, agency, plan, closed_dossier):
        dossier = closed_dossier(ended_on=datetime.date(2026, 3, 15))
        Dossier.objects.filter(pk=dossier.pk).update(due_on=datetime.date(2026, 12, 10))
        today = datetime.date(2026, 11, 25)
        assert list(Dossier.objects.due_soon(today)) == [dossier]
        assert not Dossier.objects.overdue(today).exists()
        assert list(Dossier.objects.overdue(datetime.date(2026, 12, 11))) == [dossier]
        assert Dossier.objects.get(pk=dossier.pk).due_state(today) == "soon"


class TestArchiveSubmission:
    def test_head_submits_and_the_archive_accepts_and_returns(self, agency, plan, closed_dossier):
        first = closed_dossier()
        entry = services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=plan.headings.first(),
                                             title="Hồ sơ thứ ba", retention_years=0)
        second = closed_dossier(entry=entry)
        batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a,
                                              dossiers=[first, second])
        services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.SUBMITTED
        assert set(Dossier.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {Status.SUBMITTED}
        refused("đã được gửi", services.archive_batch_submit, acting_user=agency.head_a, batch=batch)
        # Submitted dossiers are read-only.
        refused("đang chờ lưu trữ tiếp nhận", services.dossier_add_paper_item, acting_user=agency.officer_a,
                dossier=first, title="X")
        refused("Chỉ lưu trữ", services.archive_batch_receive, acting_user=agency.head_a, batch=batch)
        refused("Nhập lý do trả lại", services.archive_batch_receive, acting_user=agency.clerk, batch=batch,
                returns={second.pk: ""})
        services.archive_batch_receive(acting_user=agency.clerk, batch=batch,
                                       returns={second.pk: "Thiếu chứng từ kết thúc"})
        batch.refresh_from_db()
        first.refresh_from_db()
        second.refresh_from_db()
        assert batch.status == BatchStatus.RECEIVED and batch.received_by == agency.clerk
        assert first.status == Status.ARCHIVED and first.archived_on
        assert second.status == Status.CLOSED and second.return_reason == "Thiếu chứng từ kết thúc"
        assert ArchiveBatchLine.objects.get(dossier=second).outcome == LineOutcome.RETURNED
        refused("chưa được tiếp nhận", services.archive_batch_receive, acting_user=agency.clerk, batch=batch)
        # Archived is read-only for everybody, and cannot be trashed or reopened.
        refused("chỉ được xem", services.dossier_add_paper_item, acting_user=agency.officer_a, dossier=first, title="X")
        refused("chỉ được xem", services.dossier_update, acting_user=agency.head_a, dossier=first, title="Y")
        refused("không thể xóa", services.dossier_delete, acting_user=agency.clerk, dossier=first)
        refused("Chỉ mở lại được", services.dossier_reopen, acting_user=agency.officer_a, dossier=first)
        # The returned one can go again in a new batch.
        again = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[second])
        assert again.lines.count() == 1

    def test_it_refuses_to_submit_an_open_dossier(self, agency, plan):
        dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.first(),
                                        opened_on=datetime.date(2026, 1, 5))
        refused("không thể nộp lưu hồ sơ đang lập", services.archive_batch_create, acting_user=agency.head_a,
                department=agency.dept_a, dossiers=[dossier])

    def test_it_refuses_an_open_dossier_that_slipped_into_a_draft(self, agency, closed_dossier):
        dossier = closed_dossier()
        batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
        services.dossier_reopen(acting_user=agency.officer_a, dossier=dossier)
        refused("chưa kết thúc", services.archive_batch_submit, acting_user=agency.head_a, batch=batch)

    def test_it_refuses_short_retention_dossiers_and_other_departments(self, agency, plan, closed_dossier):
        short = closed_dossier(entry=plan.entries.get(number=2))
        refused("bảo quản dưới 5 năm", services.archive_batch_create, acting_user=agency.head_a,
                department=agency.dept_a, dossiers=[short])
        refused("Chỉ trưởng đơn vị hoặc Văn phòng", services.archive_batch_create, acting_user=agency.head_b,
                department=agency.dept_a)
        dossier = closed_dossier()
        batch = services.archive_batch_create(acting_user=agency.head_b, department=agency.dept_b)
        refused("không thuộc đơn vị nộp lưu", services.archive_batch_add, acting_user=agency.head_b, batch=batch,
                dossiers=[dossier])

    def test_a_dossier_waits_in_one_batch_at_a_time(self, agency, closed_dossier):
        dossier = closed_dossier()
        services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
        refused("đã có trong một lần nộp lưu khác", services.archive_batch_create, acting_user=agency.clerk,
                department=agency.dept_a, dossiers=[dossier])

    def test_adding_and_removing_a_dossier_is_in_the_batch_history_with_its_author(self, agency, closed_dossier):
        # The lines have no history table: before issue 13 neither action left a trace.
        dossier = closed_dossier()
        batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a)
        services.archive_batch_add(acting_user=agency.clerk, batch=batch, dossiers=[dossier])
        services.archive_batch_remove(acting_user=agency.head_a, batch=batch, dossier=dossier)
        rows = [(r.history_user, r.history_change_reason) for r in batch.history.order_by("history_id")][1:]
        assert rows == [(agency.clerk, f"Thêm hồ sơ {dossier.code}."), (agency.head_a, f"Bớt hồ sơ {dossier.code}.")]

    def test_returning_the_whole_batch(self, agency, closed_dossier):
        dossier = closed_dossier()
        batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
        services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
        services.archive_batch_return(acting_user=agency.clerk, batch=batch, reason="Chưa đánh số tờ")
        batch.refresh_from_db()
        dossier.refresh_from_db()
        assert batch.status == BatchStatus.RETURNED and dossier.status == Status.CLOSED


class TestRetention:
    def test_keep_until_at_most_two_years_after_due(self, agency, closed_dossier):
        dossier = closed_dossier(ended_on=datetime.date(2026, 3, 1))  # due 31/12/2027
        retention = services.retention_list_create(acting_user=agency.head_a, department=agency.dept_a)
        refused("tối đa 2 năm sau hạn nộp lưu", services.retention_line_add, acting_user=agency.head_a,
                retention_list=retention, dossier=dossier, reason="Đang thanh tra", keep_until=datetime.date(2030, 1, 1))
        refused("phải sau hạn nộp lưu", services.retention_line_add, acting_user=agency.head_a,
                retention_list=retention, dossier=dossier, reason="Đang thanh tra", keep_until=datetime.date(2027, 6, 1))
        refused("Nhập lý do", services.retention_line_add, acting_user=agency.head_a,
                retention_list=retention, dossier=dossier, reason=" ", keep_until=datetime.date(2029, 12, 31))
        line = services.retention_line_add(acting_user=agency.head_a, retention_list=retention, dossier=dossier,
                                           reason="Đang thanh tra dự án", keep_until=datetime.date(2029, 12, 31))
        assert line.decision == Decision.PENDING

    def test_leadership_approves_and_the_dossier_stops_being_overdue(self, agency, closed_dossier):
        kept = closed_dossier(ended_on=datetime.date(2026, 3, 1))
        Dossier.objects.filter(pk=kept.pk).update(due_on=datetime.date(2026, 1, 1))
        kept.refresh_from_db()
        retention = services.retention_list_create(acting_user=agency.head_a, department=agency.dept_a)
        line = services.retention_line_add(acting_user=agency.head_a, retention_list=retention, dossier=kept,
                                           reason="Phục vụ thanh tra", keep_until=datetime.date(2027, 6, 30))
        refused("chưa được gửi", services.retention_line_decide, acting_user=agency.leader, line=line, approve=True)
        services.retention_list_submit(acting_user=agency.head_a, retention_list=retention)
        refused("Chỉ lãnh đạo", services.retention_line_decide, acting_user=agency.head_a, line=line, approve=True)
        today = datetime.date(2026, 11, 25)
        assert Dossier.objects.overdue(today).filter(pk=kept.pk).exists()
        services.retention_line_decide(acting_user=agency.leader, line=line, approve=True)
        retention.refresh_from_db()
        kept.refresh_from_db()
        assert retention.status == RetentionStatus.DECIDED and kept.retained_until == datetime.date(2027, 6, 30)
        assert not Dossier.objects.overdue(today).filter(pk=kept.pk).exists()
        assert Dossier.objects.overdue(datetime.date(2027, 7, 1)).filter(pk=kept.pk).exists()
        refused("đã duyệt xong", services.retention_line_decide, acting_user=agency.leader, line=line, approve=False)

    def test_rejection_needs_a_reason(self, agency, closed_dossier):
        dossier = closed_dossier(ended_on=datetime.date(2026, 3, 1))
        retention = services.retention_list_create(acting_user=agency.head_a, department=agency.dept_a)
        line = services.retention_line_add(acting_user=agency.head_a, retention_list=retention, dossier=dossier,
                                           reason="Phục vụ thanh tra", keep_until=datetime.date(2028, 6, 30))
        services.retention_list_submit(acting_user=agency.head_a, retention_list=retention)
        refused("lý do không đồng ý", services.retention_line_decide, acting_user=agency.leader, line=line,
                approve=False)
        services.retention_line_decide(acting_user=agency.leader, line=line, approve=False, note="Không cần thiết")
        dossier.refresh_from_db()
        assert dossier.retained_until is None


class TestTrashAndHandOver:
    def test_office_restores_from_the_trash(self, agency, identifier):
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        services.dossier_delete(acting_user=agency.officer_a, dossier=dossier)
        assert not Dossier.objects.filter(pk=dossier.pk).exists()
        refused("Chỉ Văn phòng", services.dossier_restore, acting_user=agency.officer_a, dossier=dossier)
        services.dossier_restore(acting_user=agency.clerk, dossier=dossier)
        assert Dossier.objects.filter(pk=dossier.pk).exists()
        assert [h.is_deleted for h in dossier.history.all()[:2]] == [False, True]

    def test_a_keeper_cannot_trash_a_closed_dossier(self, agency, closed_dossier):
        dossier = closed_dossier()
        refused("không được xóa", services.dossier_delete, acting_user=agency.officer_a, dossier=dossier)

    def test_hand_over_keeps_the_forming_department(self, agency, identifier):
        dossier = services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        refused("Chỉ trưởng đơn vị", services.dossiers_hand_over, acting_user=agency.officer_a2,
                from_officer=agency.officer_a, to_officer=agency.officer_a2)
        assert services.dossiers_hand_over(acting_user=agency.head_a, from_officer=agency.officer_a,
                                           to_officer=agency.officer_a2) == 1
        dossier.refresh_from_db()
        assert dossier.officer == agency.officer_a2 and dossier.department == agency.dept_a


class TestRatio:
    def test_the_h_ratio_is_one_aggregate_and_empty_is_none(self, agency, identifier, django_assert_num_queries):
        services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5,
                              opened_on=datetime.date(2026, 2, 1))
        services.dossier_open(acting_user=agency.officer_a, title="B", retention_years=5, kept_in_portal=False,
                              opened_on=datetime.date(2026, 2, 2))
        mine = Dossier.objects.kept_by(agency.officer_a).opened_between(datetime.date(2026, 1, 1),
                                                                       datetime.date(2026, 12, 31))
        with django_assert_num_queries(1):
            figures = mine.electronic_ratio()
        assert figures == {"total": 2, "electronic": 1, "ratio": 50}
        assert Dossier.objects.kept_by(agency.officer_b).electronic_ratio()["ratio"] is None


class TestDueNotices:
    def test_each_officer_is_told_once_thirty_days_ahead(self, agency, closed_dossier, mailoutbox):
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(pk=agency.officer_a.pk).update(email="officer_a@example.vn")
        dossier = closed_dossier()
        today = datetime.date(2026, 11, 25)
        Dossier.objects.filter(pk=dossier.pk).update(due_on=datetime.date(2026, 12, 31))
        assert services.due_notices_send(today=today) == 0  # 36 days ahead: not yet
        Dossier.objects.filter(pk=dossier.pk).update(due_on=datetime.date(2026, 12, 20))
        assert services.due_notices_send(today=today) == 1
        assert mailoutbox[0].to == ["officer_a@example.vn"] and dossier.code in mailoutbox[0].body
        assert "https://portal.test/dossiers/\n" in mailoutbox[0].body  # "my dossiers", absolute
        assert services.due_notices_send(today=today) == 0 and len(mailoutbox) == 1
