"""The handling chain of issue 15, per action and actor: the Office submits to leadership, a
leader assigns a department, its head dispatches to an officer (or reassigns, or sends it back),
the officer handles and completes or gives it back; internal documents are acknowledged,
dispatched and completed by each receiving department. Each action: the database state, the
history row (who, when, the note), the notification, the repeat, and the outsider."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from documents import handling, inbox, services
from documents.choices import Confidentiality, Form, Status, Urgency
from documents.models import HandlingNote, Receipt
from notifications.models import Kind, Notification
from recordsportal.models import Agency
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db

ARRIVAL = datetime.date(2026, 3, 3)


@pytest.fixture(autouse=True)
def bql(db):
    agency = Agency.load()
    agency.abbreviation = "BQL"
    agency.save()


@pytest.fixture(autouse=True)
def addresses(agency):
    """Everyone has an e-mail address (the factory gives none)."""
    from recordsportal.models import User

    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@bql.example.vn")
    for _name, value in vars(agency).items():
        if isinstance(value, User):
            value.email = f"{value.username}@bql.example.vn"


@pytest.fixture
def submitted(agency, incoming):
    """An incoming document submitted to leadership as a whole."""

    def _submit(leader=None, **overrides):
        document = incoming(**overrides)
        return services.incoming_submit(acting_user=agency.clerk, document=document, leader=leader)

    return _submit


@pytest.fixture
def to_department(agency, submitted):
    """An incoming document leadership gave to department A without naming an officer."""

    def _assign(deadline=datetime.date(2026, 3, 20), **overrides):
        document = submitted(**overrides)
        return services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                                        deadline=deadline, direction_note="Phòng chủ trì tham mưu.")

    return _assign


def notified(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


class TestLeadershipInbox:
    def test_it_holds_what_was_submitted_to_the_leader_or_to_leadership(self, agency, submitted):
        from tests.factories import UserFactory
        from recordsportal.roles import Role

        deputy = UserFactory(username="deputy", full_name="Phó Trưởng ban", roles=[Role.LEADERSHIP])
        to_all = submitted(number_symbol="1/A")
        to_leader = submitted(number_symbol="2/A", leader=agency.leader)
        to_deputy = submitted(number_symbol="3/A", leader=deputy)
        assert set(inbox.awaiting_direction(agency.leader)) == {to_all, to_leader}
        assert set(inbox.awaiting_direction(deputy)) == {to_all, to_deputy}
        assert list(inbox.awaiting_direction(agency.head_a)) == []
        assert to_leader.submitted_to == agency.leader and to_leader.submitted_at is not None

    def test_it_lists_the_most_urgent_first_then_the_oldest(self, agency, submitted):
        first = submitted(number_symbol="1/A")
        urgent = submitted(number_symbol="2/A", urgency=Urgency.URGENT)
        flash = submitted(number_symbol="3/A", urgency=Urgency.FLASH)
        last = submitted(number_symbol="4/A")
        assert list(inbox.awaiting_direction(agency.leader)) == [flash, urgent, first, last]

    def test_leaders_are_notified_of_a_submission(self, agency, submitted):
        document = submitted(leader=agency.leader)
        [notification] = notified(agency.leader, Kind.SUBMITTED)
        assert notification.url == reverse("documents:detail", args=[document.pk])
        assert "125/UBND-KT" in notification.title

    def test_only_a_leader_is_submitted_to(self, agency, incoming):
        document = incoming()
        with pytest.raises(DomainError, match="không phải lãnh đạo Ban"):
            services.incoming_submit(acting_user=agency.clerk, document=document, leader=agency.head_a)
        document.refresh_from_db()
        assert document.status == Status.REGISTERED

    def test_the_leader_assigns_in_place_and_comes_back_to_the_inbox(self, agency, submitted, login):
        document = submitted()
        client = login(agency.leader)
        page = client.get(reverse("documents:leadership_inbox")).content.decode()
        assert reverse("documents:detail", args=[document.pk]) in page
        panel = client.get(reverse("documents:assign_panel", args=[document.pk]) + "?next=/documents/inbox/leadership/")
        assert panel.status_code == 200 and f'name="d{document.pk}-department"' in panel.content.decode()
        response = client.post(reverse("documents:assign", args=[document.pk]), {
            "form_prefix": f"d{document.pk}", "next": reverse("documents:leadership_inbox"),
            f"d{document.pk}-department": agency.dept_a.pk, f"d{document.pk}-deadline": "20/03/2026",
            f"d{document.pk}-direction_note": "Giao phòng A."})
        assert response.status_code == 302 and response["Location"] == reverse("documents:leadership_inbox")
        document.refresh_from_db()
        assert (document.status, document.department, document.leadership_deadline) == (
            Status.ASSIGNED, agency.dept_a, datetime.date(2026, 3, 20))
        assert list(inbox.awaiting_direction(agency.leader)) == []

    def test_the_inbox_is_leaderships(self, agency, login):
        assert login(agency.head_a).get(reverse("documents:leadership_inbox")).status_code == 403

    def test_a_next_outside_the_portal_is_not_followed(self, agency, submitted, login):
        document = submitted()
        response = login(agency.leader).post(reverse("documents:assign", args=[document.pk]), {
            "next": "https://evil.example/", "department": agency.dept_a.pk})
        assert response["Location"] == reverse("documents:detail", args=[document.pk])


class TestDepartmentInboxAndDispatch:
    def test_a_document_given_to_a_department_lands_in_its_heads_inbox(self, agency, to_department, login):
        document = to_department()
        assert list(inbox.awaiting_dispatch(agency.head_a)) == [document]
        assert list(inbox.awaiting_dispatch(agency.head_b)) == []
        [notification] = notified(agency.head_a, Kind.ASSIGNED)
        assert notification.url == reverse("documents:department_inbox")
        page = login(agency.head_a).get(reverse("documents:department_inbox")).content.decode()
        assert reverse("documents:detail", args=[document.pk]) in page
        page = login(agency.head_b).get(reverse("documents:department_inbox")).content.decode()
        assert reverse("documents:detail", args=[document.pk]) not in page

    def test_the_head_dispatches_to_an_officer_of_a_unit_with_a_shorter_deadline(self, agency, to_department):
        document = to_department()
        handling.incoming_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_a1_unit,
                                   deadline=datetime.date(2026, 3, 15), co_handlers=[agency.officer_a2],
                                   note="Thẩm định, báo cáo trước ngày 15.")
        document.refresh_from_db()
        assert (document.officer, document.deadline, document.leadership_deadline) == (
            agency.officer_a1_unit, datetime.date(2026, 3, 15), datetime.date(2026, 3, 20))
        assert document.dispatched_by == agency.head_a and set(document.co_handlers.all()) == {agency.officer_a2}
        assert list(inbox.awaiting_dispatch(agency.head_a)) == []
        assert document in inbox.to_handle(agency.officer_a1_unit)
        history = document.history.first()
        assert history.history_user == agency.head_a
        assert history.history_change_reason == "Giao Hồ Sỹ Tổ Viên xử lý. Thẩm định, báo cáo trước ngày 15."
        assert HandlingNote.objects.filter(document=document, kind=HandlingNote.Kind.DISPATCH).exists()
        assert notified(agency.officer_a1_unit, Kind.DISPATCHED) and notified(agency.officer_a2, Kind.CO_HANDLER)

    def test_without_a_deadline_the_officer_gets_leaderships(self, agency, to_department):
        document = handling.incoming_dispatch(acting_user=agency.head_a, document=to_department(),
                                              officer=agency.officer_a)
        assert document.deadline == datetime.date(2026, 3, 20)

    def test_a_deadline_after_leaderships_is_refused(self, agency, to_department):
        document = to_department()
        with pytest.raises(DomainError, match=r"không được sau hạn lãnh đạo giao \(20/03/2026\)"):
            handling.incoming_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_a,
                                       deadline=datetime.date(2026, 3, 25))
        document.refresh_from_db()
        assert document.officer is None

    def test_an_officer_of_another_department_is_refused(self, agency, to_department):
        document = to_department()
        with pytest.raises(DomainError, match="phải thuộc Phòng Quản lý Đầu tư"):
            handling.incoming_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_b)
        with pytest.raises(DomainError, match="Cán bộ phối hợp phải thuộc"):
            handling.incoming_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_a,
                                       co_handlers=[agency.officer_b])

    def test_another_departments_head_cannot_dispatch_and_gets_404(self, agency, to_department, login):
        document = to_department()
        with pytest.raises(DomainError, match="Chỉ trưởng phòng, đơn vị chủ trì"):
            handling.incoming_dispatch(acting_user=agency.head_b, document=document, officer=agency.officer_b)
        response = login(agency.head_b).post(reverse("documents:dispatch", args=[document.pk]),
                                             {"officer": agency.officer_b.pk})
        assert response.status_code == 404
        document.refresh_from_db()
        assert document.officer is None

    def test_reassigning_records_who_when_and_the_note(self, agency, to_department):
        document = handling.incoming_dispatch(acting_user=agency.head_a, document=to_department(),
                                              officer=agency.officer_a)
        handling.incoming_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_a2,
                                   note="Anh A đi công tác.")
        document.refresh_from_db()
        assert document.officer == agency.officer_a2
        history = document.history.first()
        assert (history.history_user, history.officer_id) == (agency.head_a, agency.officer_a2.pk)
        assert history.history_change_reason == (
            "Giao lại từ Phan Văn Cán Bộ A cho Đỗ Thị Cán Bộ A2. Anh A đi công tác.")
        assert history.history_date is not None
        note = HandlingNote.objects.filter(document=document).last()
        assert (note.kind, note.author) == (HandlingNote.Kind.REASSIGNMENT, agency.head_a)

    def test_the_dispatch_page_lists_only_the_departments_people(self, agency, to_department, login):
        document = to_department()
        page = login(agency.head_a).get(reverse("documents:dispatch_panel", args=[document.pk])).content.decode()
        assert agency.officer_a.full_name in page and agency.officer_a1_unit.full_name in page
        assert agency.officer_b.full_name not in page and agency.clerk.full_name not in page

    def test_the_head_dispatches_through_the_page(self, agency, to_department, login):
        document = to_department()
        response = login(agency.head_a).post(reverse("documents:dispatch", args=[document.pk]), {
            "officer": agency.officer_a.pk, "deadline": "18/03/2026", "note": "Xử lý gấp.",
            "next": reverse("documents:department_inbox")})
        assert response["Location"] == reverse("documents:department_inbox")
        document.refresh_from_db()
        assert (document.officer, document.deadline) == (agency.officer_a, datetime.date(2026, 3, 18))


class TestReturns:
    def test_the_officer_gives_it_back_to_the_head(self, agency, to_department):
        document = handling.incoming_dispatch(acting_user=agency.head_a, document=to_department(),
                                              officer=agency.officer_a, deadline=datetime.date(2026, 3, 15))
        handling.incoming_return(acting_user=agency.officer_a, document=document, reason="Không thuộc lĩnh vực tôi.")
        document.refresh_from_db()
        assert (document.officer, document.status, document.deadline) == (None, Status.ASSIGNED,
                                                                          datetime.date(2026, 3, 20))
        assert document in inbox.awaiting_dispatch(agency.head_a)
        assert "Không thuộc lĩnh vực tôi." in notified(agency.head_a, Kind.RETURNED)[0].body
        assert document.history.first().history_user == agency.officer_a

    def test_the_head_sends_it_back_to_the_office_as_not_theirs(self, agency, to_department, login):
        document = to_department()
        response = login(agency.head_a).post(reverse("documents:send_back", args=[document.pk]),
                                             {"reason": "Thuộc lĩnh vực phòng Doanh nghiệp."})
        assert response.status_code == 302
        document.refresh_from_db()
        assert (document.status, document.department, document.deadline) == (Status.REGISTERED, None, None)
        assert document.return_reason == "Thuộc lĩnh vực phòng Doanh nghiệp."
        history = document.history.first()
        assert history.history_user == agency.head_a
        assert history.history_change_reason == "Trả lại Văn phòng: Thuộc lĩnh vực phòng Doanh nghiệp."
        # The clerk who registered it, and the leader who assigned it, are told why.
        assert notified(agency.clerk, Kind.RETURNED) and notified(agency.leader, Kind.RETURNED)
        # The Office submits it again; the reason is cleared then.
        services.incoming_submit(acting_user=agency.clerk, document=document)
        document.refresh_from_db()
        assert (document.status, document.return_reason) == (Status.SUBMITTED, "")

    def test_leadership_sends_back_what_was_submitted(self, agency, submitted):
        document = submitted()
        handling.incoming_return(acting_user=agency.leader, document=document, reason="Thiếu phụ lục.")
        document.refresh_from_db()
        assert document.status == Status.REGISTERED and document.submitted_at is None

    def test_a_return_needs_a_reason_and_a_place_in_the_chain(self, agency, to_department):
        document = to_department()
        with pytest.raises(DomainError, match="Nhập lý do"):
            handling.incoming_return(acting_user=agency.head_a, document=document, reason="  ")
        with pytest.raises(DomainError, match="không trả lại được"):
            handling.incoming_return(acting_user=agency.officer_a, document=document, reason="x")
        with pytest.raises(DomainError, match="không trả lại được"):
            handling.incoming_return(acting_user=agency.clerk, document=document, reason="x")
        document.refresh_from_db()
        assert document.department == agency.dept_a


def test_a_confidential_document_is_assigned_to_a_named_officer(agency, incoming):
    document = incoming(confidentiality=Confidentiality.SECRET, form=Form.PAPER)
    with pytest.raises(DomainError, match="Văn bản mật phải giao đích danh"):
        services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a)
    services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                             officer=agency.officer_a)
    [notification] = notified(agency.officer_a, Kind.ASSIGNED)
    # The title also goes out by e-mail: a confidential document is named by its number only.
    assert "văn bản mật" in notification.title and "28/2018" not in notification.title


def test_the_whole_chain_through_the_pages(agency, submitted, login, django_capture_on_commit_callbacks):
    """Leader assigns to a department → head's inbox → dispatch to an officer → the officer's
    home and notification → progress → complete."""
    document = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        login(agency.leader).post(reverse("documents:assign", args=[document.pk]), {
            "department": agency.dept_a.pk, "deadline": "20/03/2026", "direction_note": "Phòng A chủ trì."})
    head = login(agency.head_a)
    assert f'href="{reverse("documents:detail", args=[document.pk])}"' in head.get(
        reverse("documents:department_inbox")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        head.post(reverse("documents:dispatch", args=[document.pk]), {"officer": agency.officer_a.pk,
                                                                       "note": "Xử lý ngay."})
    [message] = mail.outbox
    assert message.to == [agency.officer_a.email] and "https://portal.test/documents/" in message.body
    officer = login(agency.officer_a)
    home = officer.get(reverse("home")).content.decode()
    assert document.number_symbol in home
    assert 'data-testid="unread-count">1<' in home
    officer.post(reverse("documents:progress", args=[document.pk]), {"text": "Đang dự thảo."})
    officer.post(reverse("documents:complete", args=[document.pk]), {"text": "Đã báo cáo."})
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert [n.kind for n in HandlingNote.objects.filter(document=document)] == [
        "assignment", "dispatch", "progress", "completion"]


class TestInternalDocuments:
    @pytest.fixture
    def sent(self, agency):
        def _send(**extra):
            return services.internal_send(acting_user=agency.officer_b, kind="CV", summary="Đề nghị phối hợp thẩm định",
                                          recipient_departments=[agency.dept_a], **extra)

        return _send

    def test_sending_makes_a_receipt_per_department_and_tells_its_heads(self, agency, sent):
        document = sent()
        [receipt] = document.receipts.all()
        assert (receipt.department, receipt.status) == (agency.dept_a, Receipt.Status.RECEIVED)
        assert notified(agency.head_a, Kind.RECEIVED)
        assert list(inbox.receipts_awaiting_dispatch(agency.head_a)) == [receipt]
        assert list(inbox.receipts_awaiting_dispatch(agency.head_b)) == []

    def test_received_acknowledged_dispatched_handled_completed(self, agency, sent, login):
        document = sent()
        officer = login(agency.officer_a)
        # Before the head dispatches it, the department's officers do not see it.
        assert officer.get(reverse("documents:detail", args=[document.pk])).status_code == 404
        head = login(agency.head_a)
        head.post(reverse("documents:acknowledge", args=[document.pk]))
        receipt = document.receipts.get()
        assert (receipt.status, receipt.acknowledged_by) == (Receipt.Status.ACKNOWLEDGED, agency.head_a)
        deadline = timezone.localdate() + datetime.timedelta(days=10)
        head.post(reverse("documents:dispatch", args=[document.pk]), {"officer": agency.officer_a.pk,
                                                                       "deadline": deadline.strftime("%d/%m/%Y")})
        receipt.refresh_from_db()
        assert (receipt.status, receipt.officer) == (Receipt.Status.ASSIGNED, agency.officer_a)
        assert receipt.history.first().history_change_reason == "Giao Phan Văn Cán Bộ A xử lý."
        assert notified(agency.officer_a, Kind.DISPATCHED)
        officer = login(agency.officer_a)
        assert officer.get(reverse("documents:detail", args=[document.pk])).status_code == 200
        assert document.number_symbol in officer.get(reverse("documents:to_handle")).content.decode()
        officer.post(reverse("documents:progress", args=[document.pk]), {"text": "Đang xem."})
        officer.post(reverse("documents:complete", args=[document.pk]), {"text": "Đã góp ý."})
        receipt.refresh_from_db()
        assert receipt.status == Receipt.Status.DONE
        # The document itself stays issued: its E counts for the sender.
        document.refresh_from_db()
        assert document.status == Status.ISSUED
        # Another department's officer still does not see it.
        assert login(agency.officer_b).get(reverse("documents:detail", args=[document.pk])).status_code == 200  # sender
        assert login(agency.officer_a2).get(reverse("documents:detail", args=[document.pk])).status_code == 404

    def test_the_head_sends_it_back_to_the_sender(self, agency, sent):
        document = sent()
        handling.document_return(acting_user=agency.head_a, document=document, reason="Không thuộc phòng.")
        receipt = document.receipts.get()
        assert (receipt.status, receipt.return_reason) == (Receipt.Status.RETURNED, "Không thuộc phòng.")
        assert notified(agency.officer_b, Kind.RETURNED)
        with pytest.raises(DomainError):
            handling.document_acknowledge(acting_user=agency.head_a, document=document)

    def test_the_officer_gives_it_back_to_the_head(self, agency, sent):
        document = sent()
        handling.document_dispatch(acting_user=agency.head_a, document=document, officer=agency.officer_a)
        handling.document_return(acting_user=agency.officer_a, document=document, reason="Đi công tác.")
        receipt = document.receipts.get()
        assert (receipt.status, receipt.officer) == (Receipt.Status.ACKNOWLEDGED, None)
        assert receipt in inbox.receipts_awaiting_dispatch(agency.head_a)

    def test_only_the_receiving_departments_head_acts(self, agency, sent):
        document = sent()
        with pytest.raises(DomainError, match="không gửi tới phòng, đơn vị của bạn"):
            handling.document_acknowledge(acting_user=agency.head_b, document=document)
        with pytest.raises(DomainError):
            handling.document_dispatch(acting_user=agency.officer_a, document=document, officer=agency.officer_a)


class TestDepartmentInboxPages:
    def test_the_internal_documents_come_a_page_at_a_time(self, agency, login, make_document):
        """A department receiving hundreds of internal documents got them all on one page."""
        from documents.choices import Direction

        for _ in range(53):
            sent = make_document(agency.dept_b, officer=agency.officer_b, direction=Direction.INTERNAL)
            Receipt.objects.create(document=sent, department=agency.dept_a, status=Receipt.Status.RECEIVED)
        client = login(agency.head_a)
        first = client.get(reverse("documents:department_inbox")).content.decode()
        assert first.count('data-testid="receipt-row"') == 50 and "?rpage=2" in first
        second = client.get(reverse("documents:department_inbox"), {"rpage": 2}).content.decode()
        assert second.count('data-testid="receipt-row"') == 3 and "?rpage=1" in second


class TestOfficerList:
    def test_the_officer_list_follows_the_chosen_department(self, agency, login):
        client = login(agency.leader)
        options = client.get(reverse("documents:officer_options"), {"d7-department": agency.dept_a.pk}).content.decode()
        assert agency.officer_a.full_name in options and agency.officer_a1_unit.full_name in options
        assert agency.officer_b.full_name not in options
        assert client.get(reverse("documents:officer_options")).content.decode().count("<option") == 1

    def test_the_assignment_form_offers_the_documents_departments_people(self, agency, to_department, login):
        document = to_department()
        page = login(agency.leader).get(reverse("documents:detail", args=[document.pk])).content.decode()
        form = page[page.index('data-testid="assign-form"'):]
        officer_select = form[form.index('name="officer"'):form.index("</select>", form.index('name="officer"'))]
        assert agency.officer_a.full_name in officer_select and agency.officer_b.full_name not in officer_select
        assert f'hx-get="{reverse("documents:officer_options")}"' in form


    @staticmethod
    def select(html, name):
        start = html.index(f'name="{name}"')
        return html[start:html.index("</select>", start)]

    def test_the_co_handler_list_follows_the_chosen_department_too(self, agency, to_department, login):
        document = to_department()
        page = login(agency.leader).get(reverse("documents:detail", args=[document.pk])).content.decode()
        form = page[page.index('data-testid="assign-form"'):]
        co_handlers = self.select(form, "co_handlers")
        assert agency.officer_a2.full_name in co_handlers and agency.officer_b.full_name not in co_handlers
        # Reloaded by htmx from the department select, without an empty choice.
        assert 'hx-trigger="change from:#id_department"' in co_handlers and "&quot;multiple&quot;" in co_handlers
        options = login(agency.leader).get(reverse("documents:officer_options"),
                                           {"department": agency.dept_b.pk, "multiple": "1"}).content.decode()
        assert 'value=""' not in options and agency.officer_b.full_name in options
        assert agency.officer_a.full_name not in options

    def test_a_co_handler_already_chosen_elsewhere_stays_in_the_list(self, agency, to_department, login):
        document = to_department()
        document.co_handlers.add(agency.officer_b)
        page = login(agency.leader).get(reverse("documents:detail", args=[document.pk])).content.decode()
        co_handlers = self.select(page[page.index('data-testid="assign-form"'):], "co_handlers")
        assert f'value="{agency.officer_b.pk}" selected' in co_handlers

    def test_the_inbox_assign_panel_lists_the_departments_people_only(self, agency, to_department, login):
        document = to_department()
        panel = login(agency.leader).get(reverse("documents:assign_panel", args=[document.pk])).content.decode()
        for name in (f"d{document.pk}-officer", f"d{document.pk}-co_handlers"):
            options = self.select(panel, name)
            assert agency.officer_a.full_name in options and agency.officer_b.full_name not in options
            assert f'hx-trigger="change from:#id_d{document.pk}-department"' in options

    def test_the_heads_dispatch_form_lists_the_departments_people_only(self, agency, to_department, login):
        document = to_department()
        panel = login(agency.head_a).get(reverse("documents:dispatch_panel", args=[document.pk])).content.decode()
        for name in ("officer", "co_handlers"):
            options = self.select(panel, name) if f'name="{name}"' in panel else self.select(panel, f"d{document.pk}-{name}")
            assert agency.officer_a1_unit.full_name in options and agency.officer_b.full_name not in options

    def test_the_outgoing_drafter_list_follows_the_drafting_department(self, agency, login):
        client = login(agency.clerk)
        page = client.get(reverse("documents:outgoing_create")).content.decode()
        drafter = self.select(page, "drafter")
        # No department chosen yet: nobody listed, reloaded when one is chosen.
        assert agency.officer_a.full_name not in drafter and 'hx-trigger="change from:#id_department"' in drafter
        # Re-shown after an error: the posted department's people.
        page = client.post(reverse("documents:outgoing_create"),
                           {"department": agency.dept_b.pk, "drafter": agency.officer_b.pk}).content.decode()
        drafter = self.select(page, "drafter")
        assert f'value="{agency.officer_b.pk}" selected' in drafter and agency.officer_a.full_name not in drafter


class TestDeadlineReminders:
    def test_due_soon_and_overdue_reach_the_officer_and_the_head_once(self, agency, to_department, settings,
                                                                      django_capture_on_commit_callbacks):
        settings.DOCUMENT_DUE_SOON_DAYS = 3
        soon = handling.incoming_dispatch(acting_user=agency.head_a, document=to_department(deadline=datetime.date(2026, 3, 12)),
                                          officer=agency.officer_a)
        late = handling.incoming_dispatch(acting_user=agency.head_a,
                                          document=to_department(number_symbol="9/B", deadline=datetime.date(2026, 3, 5)),
                                          officer=agency.officer_a2)
        far = to_department(number_symbol="10/B", deadline=datetime.date(2026, 3, 30))
        today = datetime.date(2026, 3, 10)
        Notification.objects.update(emailed_at=timezone.now())  # the assignments' own e-mails went out
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert handling.deadline_reminders_send(today=today) == 2
        assert [n.url for n in notified(agency.officer_a, Kind.DUE_SOON)] == [
            reverse("documents:detail", args=[soon.pk])]
        assert [n.url for n in notified(agency.officer_a2, Kind.OVERDUE)] == [
            reverse("documents:detail", args=[late.pk])]
        assert {n.kind for n in notified(agency.head_a) if n.kind in (Kind.DUE_SOON, Kind.OVERDUE)} == {
            Kind.DUE_SOON, Kind.OVERDUE}
        assert not Notification.objects.filter(url=reverse("documents:detail", args=[far.pk]), kind=Kind.DUE_SOON)
        assert len(mail.outbox) == 4  # officer A, officer A2, head A twice
        # Tomorrow's run (or a retry) notifies nobody again for the same deadlines.
        with django_capture_on_commit_callbacks(execute=True):
            handling.deadline_reminders_send(today=today)
        assert len(mail.outbox) == 4
        assert Notification.objects.filter(kind__in=[Kind.DUE_SOON, Kind.OVERDUE]).count() == 4

    def test_the_office_sees_the_same_list(self, agency, to_department, login):
        document = to_department(deadline=datetime.date(2026, 3, 5))
        page = login(agency.clerk).get(reverse("documents:deadlines")).content.decode()
        assert reverse("documents:detail", args=[document.pk]) in page
        page = login(agency.officer_b).get(reverse("documents:deadlines")).content.decode()
        assert reverse("documents:detail", args=[document.pk]) not in page
