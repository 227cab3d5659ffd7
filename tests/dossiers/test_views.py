"""The pages: scoping (404 for out of scope), the actions each page offers, refusals shown."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.choices import Form
from dossiers import services
from dossiers.choices import Status
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def mine(agency, plan):
    return services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.get(number=1),
                                 opened_on=datetime.date(2026, 1, 5))


class TestScoping:
    def test_officer_head_office_and_outsider(self, agency, login, mine):
        url = reverse("dossiers:detail", args=[mine.pk])
        assert login(agency.officer_a).get(url).status_code == 200
        assert login(agency.head_a).get(url).status_code == 200
        assert login(agency.clerk).get(url).status_code == 200
        assert login(agency.leader).get(url).status_code == 200
        assert login(agency.officer_a2).get(url).status_code == 404
        assert login(agency.officer_b).get(url).status_code == 404
        assert login(agency.head_b).get(url).status_code == 404

    def test_actions_on_an_out_of_scope_dossier_are_404_and_change_nothing(self, agency, login, mine):
        client = login(agency.officer_b)
        for name in ("close", "reopen", "delete", "add_paper", "edit"):
            assert client.post(reverse(f"dossiers:{name}", args=[mine.pk]), {"title": "X"}).status_code == 404
        assert not mine.items.exists() and Dossier.objects.get(pk=mine.pk).status == Status.OPEN

    def test_lists_show_only_visible_dossiers(self, agency, login, mine, identifier):
        other = services.dossier_open(acting_user=agency.officer_b, title="Hồ sơ phòng B", retention_years=5)
        unit = services.dossier_open(acting_user=agency.officer_a1_unit, title="Hồ sơ tổ thẩm định", retention_years=5)
        head_page = login(agency.head_a).get(reverse("dossiers:list")).content.decode()
        assert mine.code in head_page and unit.code in head_page and other.code not in head_page
        officer_page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
        assert mine.code in officer_page and unit.code not in officer_page
        office_page = login(agency.clerk).get(reverse("dossiers:list")).content.decode()
        assert all(d.code in office_page for d in (mine, other, unit))
        # An officer's "department list" is their own dossiers only.
        assert other.code not in login(agency.officer_a).get(reverse("dossiers:list")).content.decode()


class TestMyDossiers:
    def test_it_shows_progress_toward_the_target(self, agency, login, identifier):
        services.dossier_open(acting_user=agency.officer_a, title="A", retention_years=5)
        services.dossier_open(acting_user=agency.officer_a, title="B", retention_years=5, kept_in_portal=False)
        services.dossier_open(acting_user=agency.officer_a, title="C", retention_years=5, kept_in_portal=False)
        page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
        assert "1 hồ sơ điện tử / 3 hồ sơ mở trong năm" in page and "33,3%" in page and "chưa đạt chỉ tiêu" in page

    def test_an_empty_year_has_no_ratio(self, agency, login):
        page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
        assert "Chưa mở hồ sơ nào trong năm" in page and "aria-valuenow" not in page

    def test_it_warns_of_dossiers_falling_due(self, agency, login, closed_dossier):
        dossier = closed_dossier()
        Dossier.objects.filter(pk=dossier.pk).update(due_on=datetime.date.today() + datetime.timedelta(days=10))
        page = login(agency.officer_a).get(reverse("dossiers:mine")).content.decode()
        assert 'data-testid="due-soon"' in page and dossier.code in page

    def test_the_list_filters_and_pages_without_count(self, agency, login, identifier, django_assert_max_num_queries):
        for title in ("Hồ sơ đầu tư cảng biển", "Hồ sơ quy hoạch", "Hồ sơ môi trường"):
            services.dossier_open(acting_user=agency.officer_a, title=title, retention_years=5)
        client = login(agency.officer_a)
        page = client.get(reverse("dossiers:mine"), {"q": "dau tu cang"}).content.decode()
        assert "Hồ sơ đầu tư cảng biển" in page and "Hồ sơ quy hoạch" not in page
        with django_assert_max_num_queries(12):
            client.get(reverse("dossiers:mine"))


class TestOpenPage:
    def test_officer_opens_from_the_plan(self, agency, login, plan):
        entry = plan.entries.get(number=1)
        client = login(agency.officer_a)
        assert entry.title in client.get(reverse("dossiers:open")).content.decode()
        response = client.post(reverse("dossiers:open"), {"plan_entry": entry.pk, "opened_on": "05/01/2026",
                                                          "kept_in_portal": "on"})
        dossier = Dossier.objects.get()
        assert response["Location"] == reverse("dossiers:detail", args=[dossier.pk])
        assert dossier.code == "000.00.31.H09.2026.01.TH" and dossier.form == Form.ELECTRONIC

    def test_ad_hoc_needs_title_and_retention(self, agency, login, identifier):
        response = login(agency.officer_a).post(reverse("dossiers:open"), {"opened_on": "05/01/2026"})
        page = response.content.decode()
        assert response.status_code == 200 and "Nhập tiêu đề cho hồ sơ phát sinh" in page
        assert not Dossier.objects.exists()

    def test_other_departments_entries_are_not_offered(self, agency, login, plan):
        page = login(agency.officer_b).get(reverse("dossiers:open")).content.decode()
        assert plan.entries.get(number=1).title not in page


class TestDetail:
    def test_the_page_explains_why_a_dossier_is_paper(self, agency, login, mine, doc_for):
        services.dossier_add_document(acting_user=agency.officer_a, dossier=mine,
                                      document=doc_for(agency.officer_a, form=Form.PAPER))
        services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=mine, title="Bản vẽ thiết kế")
        page = login(agency.officer_a).get(reverse("dossiers:detail", args=[mine.pk])).content.decode()
        assert "Hồ sơ giấy, vì:" in page
        assert "Văn bản 1/UBND-KT được xử lý bằng giấy." in page
        assert "Tài liệu “Bản vẽ thiết kế” chỉ có bản giấy." in page

    def test_an_empty_dossier_shows_why_it_cannot_close_and_the_button_is_disabled(self, agency, login, mine):
        page = login(agency.officer_a).get(reverse("dossiers:detail", args=[mine.pk])).content.decode()
        assert "không thể kết thúc hồ sơ rỗng" in page
        assert 'type="submit" disabled>Kết thúc hồ sơ' in page

    def test_officer_searches_adds_uploads_reorders_and_closes(self, agency, login, mine, doc_for, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        document = doc_for(agency.officer_a)
        client = login(agency.officer_a)
        results = client.get(reverse("dossiers:document_search", args=[mine.pk]), {"q": "dau tu du an so 1"})
        assert document.number_symbol in results.content.decode()
        client.post(reverse("dossiers:add_document", args=[mine.pk]), {"document": document.pk})
        upload = SimpleUploadedFile("Báo cáo thẩm định.pdf", PDF_BYTES, content_type="application/pdf")
        client.post(reverse("dossiers:add_file", args=[mine.pk]), {"file": upload, "title": "Báo cáo thẩm định"})
        items = list(mine.items.all())
        assert [i.kind for i in items] == ["document", "file"]
        client.post(reverse("dossiers:move_item", args=[mine.pk, items[1].pk]), {"direction": "up"})
        assert list(mine.items.values_list("kind", flat=True)) == ["file", "document"]
        download = client.get(reverse("dossiers:download_item", args=[mine.pk, items[1].pk]))
        assert b"".join(download.streaming_content) == PDF_BYTES
        response = client.post(reverse("dossiers:close", args=[mine.pk]),
                               {"ended_on": "20/06/2026", "pages": "4", "version": mine.version}, follow=True)
        assert "Đã kết thúc hồ sơ." in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == Status.CLOSED and mine.due_on == datetime.date(2027, 12, 31)
        # No more adding: the page offers no search and the action is refused.
        page = client.get(reverse("dossiers:detail", args=[mine.pk])).content.decode()
        assert "document_search" not in page and "Mở lại hồ sơ" in page
        response = client.post(reverse("dossiers:add_paper", args=[mine.pk]), {"title": "X"}, follow=True)
        assert "Hồ sơ đã kết thúc" in response.content.decode()

    def test_a_search_finds_only_documents_the_officer_may_see(self, agency, login, mine, doc_for):
        hidden = doc_for(agency.officer_b)
        results = login(agency.officer_a).get(reverse("dossiers:document_search", args=[mine.pk]),
                                              {"q": hidden.number_symbol})
        assert hidden.number_symbol not in results.content.decode()
        response = login(agency.officer_a).post(reverse("dossiers:add_document", args=[mine.pk]),
                                                {"document": hidden.pk})
        assert response.status_code == 404 and not mine.items.exists()

    def test_trash_is_restored_by_the_office(self, agency, login, mine):
        login(agency.officer_a).post(reverse("dossiers:delete", args=[mine.pk]))
        assert login(agency.officer_a).get(reverse("dossiers:detail", args=[mine.pk])).status_code == 404
        assert login(agency.officer_a).get(reverse("dossiers:trash")).status_code == 403
        client = login(agency.clerk)
        assert mine.code in client.get(reverse("dossiers:trash")).content.decode()
        client.post(reverse("dossiers:restore", args=[mine.pk]))
        assert Dossier.objects.filter(pk=mine.pk).exists()


class TestPlansPages:
    def test_head_builds_a_plan_and_an_officer_reads_it(self, agency, login, identifier):
        head = login(agency.head_a)
        response = head.post(reverse("dossiers:plans"), {"department": agency.dept_a.pk, "year": 2026})
        plan_url = response["Location"]
        pk = int(plan_url.rstrip("/").split("/")[-1])
        head.post(reverse("dossiers:heading_add", args=[pk]), {"title": "Tổ chức, cán bộ", "abbreviation": "TCCB"})
        from dossiers.models import FilePlanHeading

        heading = FilePlanHeading.objects.get()
        head.post(reverse("dossiers:entry_add", args=[pk]), {"heading": heading.pk, "title": "Hồ sơ tuyển dụng",
                                                             "retention_years": "0"})
        page = login(agency.officer_a).get(plan_url).content.decode()
        assert "01.TCCB" in page and "Hồ sơ tuyển dụng" in page and "Vĩnh viễn" in page
        assert "Tổng số: 1 hồ sơ, trong đó 1 hồ sơ bảo quản vĩnh viễn, 0 hồ sơ có thời hạn." in page
        assert "Thêm đề mục" not in page  # officers read, heads edit
        assert login(agency.officer_b).get(plan_url).status_code == 404


class TestArchivePages:
    def test_head_submits_and_the_office_receives(self, agency, login, closed_dossier):
        dossier = closed_dossier()
        head = login(agency.head_a)
        response = head.post(reverse("dossiers:batch_create"), {"department": agency.dept_a.pk})
        batch_url = response["Location"]
        pk = int(batch_url.rstrip("/").split("/")[-1])
        assert dossier.code in head.get(batch_url).content.decode()
        head.post(reverse("dossiers:batch_add", args=[pk]), {"dossiers": [dossier.pk]})
        head.post(reverse("dossiers:batch_submit", args=[pk]))
        assert login(agency.officer_a).get(batch_url).status_code == 404
        assert login(agency.head_b).get(batch_url).status_code == 404
        clerk = login(agency.clerk)
        assert "Tiếp nhận hồ sơ nộp lưu" in clerk.get(batch_url).content.decode()
        clerk.post(reverse("dossiers:batch_receive", args=[pk]), {"note": "Đủ hồ sơ"})
        dossier.refresh_from_db()
        assert dossier.status == Status.ARCHIVED
        page = login(agency.officer_a).get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        assert "chỉ được xem" in page and "Mở lại hồ sơ" not in page and "Kết thúc hồ sơ" not in page

    def test_returning_one_dossier_needs_a_reason(self, agency, login, closed_dossier):
        dossier = closed_dossier()
        batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
        services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
        clerk = login(agency.clerk)
        response = clerk.post(reverse("dossiers:batch_receive", args=[batch.pk]), {"return": [dossier.pk]}, follow=True)
        assert "Nhập lý do trả lại" in response.content.decode()
        clerk.post(reverse("dossiers:batch_receive", args=[batch.pk]),
                   {"return": [dossier.pk], f"reason_{dossier.pk}": "Thiếu mục lục văn bản"})
        dossier.refresh_from_db()
        assert dossier.status == Status.CLOSED and dossier.return_reason == "Thiếu mục lục văn bản"
        assert "Thiếu mục lục văn bản" in login(agency.officer_a).get(
            reverse("dossiers:detail", args=[dossier.pk])).content.decode()

    def test_retention_pages(self, agency, login, closed_dossier):
        dossier = closed_dossier(ended_on=datetime.date(2026, 1, 20))
        Dossier.objects.filter(pk=dossier.pk).update(due_on=datetime.date.today() + datetime.timedelta(days=5))
        dossier.refresh_from_db()
        head = login(agency.head_a)
        url = head.post(reverse("dossiers:retention_create"), {"department": agency.dept_a.pk})["Location"]
        pk = int(url.rstrip("/").split("/")[-1])
        too_late = dossier.due_on + datetime.timedelta(days=3 * 365)
        response = head.post(reverse("dossiers:retention_line_add", args=[pk]),
                             {"dossier": dossier.pk, "reason": "Thanh tra", "keep_until": too_late.strftime("%d/%m/%Y")},
                             follow=True)
        assert "tối đa 2 năm sau hạn nộp lưu" in response.content.decode()
        ok = dossier.due_on + datetime.timedelta(days=300)
        head.post(reverse("dossiers:retention_line_add", args=[pk]),
                  {"dossier": dossier.pk, "reason": "Thanh tra", "keep_until": ok.strftime("%d/%m/%Y")})
        head.post(reverse("dossiers:retention_submit", args=[pk]))
        leader = login(agency.leader)
        line = dossier.retention_lines.get()
        leader.post(reverse("dossiers:retention_line_decide", args=[pk, line.pk]), {"decision": "approve"})
        dossier.refresh_from_db()
        assert dossier.retained_until == ok


class TestNavigation:
    def test_everyone_sees_the_dossiers_menu(self, agency, login):
        page = login(agency.officer_a).get(reverse("home")).content.decode()
        assert 'href="/dossiers/"' in page and "Hồ sơ" in page


class TestDueFilters:
    def test_due_this_year_and_overdue(self, agency, login, plan, closed_dossier):
        overdue = closed_dossier(ended_on=datetime.date(2026, 2, 1))
        Dossier.objects.filter(pk=overdue.pk).update(due_on=datetime.date(2025, 12, 31))
        entry = services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=plan.headings.first(),
                                             title="Hồ sơ kết thúc sau", retention_years=10)
        later = closed_dossier(entry=entry)  # due 31/12/2027
        client = login(agency.head_a)
        page = client.get(reverse("dossiers:list"), {"due": "overdue"}).content.decode()
        assert overdue.code in page and later.code not in page
        page = client.get(reverse("dossiers:list")).content.decode()
        assert 'data-testid="overdue-alert"' in page
        year = datetime.date.today().year
        Dossier.objects.filter(pk=later.pk).update(due_on=datetime.date(year, 12, 31))
        page = client.get(reverse("dossiers:list"), {"due": "year"}).content.decode()
        assert overdue.code in page and later.code in page
