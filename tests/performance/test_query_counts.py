"""The pages of the load test (bench/locustfile.py) run a fixed number of SQL queries however many
rows they show: each test measures a page, adds rows (documents, items, departments, dossiers,
each with its own department and officer so a per-row lookup would show), and measures again.
A lazy relation read per row (an N+1) makes the second count larger and the test fail."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from documents.choices import Confidentiality, Direction, Kind, Status, Urgency
from documents.models import Document
from documents.templatetags.documents_tags import choice_label, status_badge
from recordsportal.models import Agency, Department
from recordsportal.roles import Role
from recordsportal.text import search_key
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def count_queries(client, url) -> int:
    cache.clear()  # cached figures (the dashboard's) must not make one run cheaper than the other
    client.get(url)  # warm-up: sessions, per-process caches
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def rows(client, url) -> int:
    return len(re.findall(r'href="/documents/\d+/"', client.get(url).content.decode()))


@pytest.fixture
def identifier(db):
    agency = Agency.load()
    agency.identifier_code = "000.00.31.H09"
    agency.abbreviation = "BQL"
    agency.save()
    return agency


@pytest.fixture
def add_documents(agency, make_document):
    """`n` documents, each with its own unit and officer, seen by the clerk, head A and officer A
    (lead officer, co-handler or recipient), some urgent, confidential or open and overdue."""

    def _add(n, start=0):
        created = []
        for i in range(start, start + n):
            unit = DepartmentFactory(name=f"Tổ {i}", abbreviation=f"T{i}", parent=agency.dept_a)
            officer = UserFactory(username=f"perf_{i}", full_name=f"Cán bộ {i}", department=unit)
            document = make_document(unit, officer=officer if i % 3 else agency.officer_a, day=DAY,
                                     urgency=Urgency.URGENT if i % 4 == 0 else Urgency.NORMAL,
                                     kind=Kind.DECISION if i % 2 else Kind.OFFICIAL_LETTER)
            document.summary = f"Về việc triển khai kế hoạch số {i}"
            document.search_text = search_key(f"{document.number_symbol} {document.summary}")
            document.save(update_fields=["summary", "search_text"])
            if i % 3 == 1:
                document.co_handlers.add(agency.officer_a)
            document.recipient_departments.add(agency.dept_a)
            created.append(document)
        # Half of them open with a deadline in the past: the overdue badge and "to handle".
        Document.objects.filter(pk__in=[d.pk for d in created[::2]]).update(
            status=Status.ASSIGNED, deadline=DAY - datetime.timedelta(days=5))
        return created

    return _add


class TestDocumentPages:
    @pytest.mark.parametrize("who", ["clerk", "head_a", "officer_a"])
    @pytest.mark.parametrize("query", ["", "?q=trien+khai", "?direction=incoming&year=2026", "?overdue=on",
                                       "?sort=-number"])
    def test_register_list(self, agency, login, add_documents, who, query):
        client = login(getattr(agency, who))
        url = reverse("documents:list") + query
        add_documents(3)
        few = count_queries(client, url)
        few_rows = rows(client, url)
        add_documents(30, start=3)
        many = count_queries(client, url)
        # The rows added must be on the page, else the test proves nothing.
        assert rows(client, url) >= few_rows + 5
        assert many == few

    def test_to_handle(self, agency, login, add_documents):
        client = login(agency.officer_a)
        add_documents(3)
        few = count_queries(client, reverse("documents:to_handle"))
        add_documents(30, start=3)
        assert count_queries(client, reverse("documents:to_handle")) == few

    def test_officer_search_finds_co_handled_documents_only(self, agency, login, add_documents):
        documents = add_documents(6)
        page = login(agency.officer_a).get(reverse("documents:list") + "?q=trien+khai").content.decode()
        visible = {d.number_symbol for d in documents if d.officer_id == agency.officer_a.pk
                   or d.co_handlers.filter(pk=agency.officer_a.pk).exists()}
        assert visible and all(symbol in page for symbol in visible)
        assert all(d.number_symbol not in page for d in documents if d.number_symbol not in visible)


class TestChoiceLabels:
    """The register's cached labels say exactly what get_FOO_display() says, in both languages."""

    @pytest.mark.parametrize("language", ["vi", "en"])
    def test_same_as_django(self, agency, make_document, language):
        document = make_document(agency.dept_a, officer=agency.officer_a, urgency=Urgency.URGENT,
                                 confidentiality=Confidentiality.SECRET, kind=Kind.DECISION,
                                 direction=Direction.OUTGOING)
        with translation.override(language):
            for field in ("direction", "kind", "urgency", "confidentiality", "status"):
                assert choice_label(document, field) == getattr(document, f"get_{field}_display")()
            assert document.get_status_display() in status_badge(document)

    def test_overdue_badge(self, agency, make_document):
        document = make_document(agency.dept_a)
        assert "overdue" not in status_badge(document)
        document.status, document.deadline = Status.ASSIGNED, datetime.date(2020, 1, 1)
        assert 'data-testid="overdue"' in status_badge(document)


class TestDossierPages:
    def test_detail_does_not_grow_with_items(self, agency, login, add_documents, identifier):
        from dossiers import services

        dossier = services.dossier_open(acting_user=agency.officer_a, title="Hồ sơ thử", retention_years=5)
        documents = add_documents(24)
        client = login(agency.officer_a)
        url = reverse("dossiers:detail", args=[dossier.pk])

        def add(items):
            for document in items:
                services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=document)
                services.dossier_add_paper_item(acting_user=agency.officer_a, dossier=dossier,
                                                title=f"Bản giấy {document.pk}")

        mine = [d for d in documents if d.officer_id == agency.officer_a.pk or d.co_handlers.exists()]
        add(mine[:2])
        few = count_queries(client, url)
        add(mine[2:])
        assert len(mine) > 6
        assert count_queries(client, url) == few

    @pytest.mark.parametrize("who,name", [("officer_a", "dossiers:mine"), ("head_a", "dossiers:list"),
                                          ("clerk", "dossiers:list")])
    def test_lists_do_not_grow_with_dossiers(self, agency, login, identifier, who, name):
        from dossiers import services

        def open_dossiers(n, start):
            for i in range(start, start + n):
                unit = DepartmentFactory(name=f"Tổ hồ sơ {i}", abbreviation=f"HS{i}", parent=agency.dept_a)
                officer = (agency.officer_a if i % 2 else
                           UserFactory(username=f"hs_{i}", full_name=f"Người lập {i}", department=unit))
                services.dossier_open(acting_user=officer, title=f"Hồ sơ {i}", retention_years=5)

        client = login(getattr(agency, who))
        open_dossiers(2, 0)
        few = count_queries(client, reverse(name))
        open_dossiers(20, 2)
        assert count_queries(client, reverse(name)) == few


class TestHomeAndDashboard:
    def add_departments(self, agency, n, start):
        for i in range(start, start + n):
            head = UserFactory(username=f"to_truong_{i}", full_name=f"Tổ trưởng {i}",
                               roles=[Role.DEPARTMENT_HEAD, Role.OFFICER])
            unit = DepartmentFactory(name=f"Đơn vị {i}", abbreviation=f"DV{i}", parent=agency.dept_a, head=head)
            head.department = unit
            head.save()
            UserFactory(username=f"thanh_vien_{i}", full_name=f"Thành viên {i}", department=unit)

    @pytest.mark.parametrize("who", ["clerk", "head_a", "leader"])
    def test_home(self, agency, login, who):
        client = login(getattr(agency, who))
        self.add_departments(agency, 2, 0)
        few = count_queries(client, reverse("home"))
        self.add_departments(agency, 15, 2)
        assert count_queries(client, reverse("home")) == few

    @pytest.mark.parametrize("who", ["clerk", "head_a"])
    def test_dashboard_and_drill_down(self, agency, login, make_document, who):
        from reports.compliance import compute_month

        client = login(getattr(agency, who))
        urls = [reverse("reports:dashboard") + "?month=2026-03",
                reverse("reports:department", args=[agency.dept_a.pk]) + "?month=2026-03"]

        def grow(n, start):
            self.add_departments(agency, n, start)
            for unit in Department.objects.filter(parent=agency.dept_a, abbreviation__startswith="DV"):
                make_document(unit, day=DAY)
            compute_month(DAY)

        grow(2, 0)
        few = [count_queries(client, url) for url in urls]
        grow(15, 2)
        assert [count_queries(client, url) for url in urls] == few


class TestSelectRendering:
    """BootstrapFormMixin writes selects in Python (the register's 200-department filter): the
    HTML must be what Django's own Select template gives, selection and groups included."""

    def test_same_html_as_django(self, agency):
        from django import forms

        from recordsportal.forms import BootstrapFormMixin

        class Sample(BootstrapFormMixin, forms.Form):
            department = forms.ModelChoiceField(queryset=Department.objects.order_by("path"), required=False)
            kind = forms.ChoiceField(choices=[("", "—"), ("Nhóm <1>", [("a", "A & B"), ("b", "\"B\"")]), ("c", "C")])
            answer = forms.NullBooleanField(widget=forms.NullBooleanSelect)

        for data in ({}, {"department": str(agency.dept_b.pk), "kind": "b", "answer": "true"}):
            form = Sample(data or None)
            for name in ("department", "kind", "answer"):
                fast = str(form[name])
                widget = form.fields[name].widget
                assert "render" in widget.__dict__, "the fast renderer is in use"
                del widget.__dict__["render"]
                widget.template_name = "django/forms/widgets/select.html"
                # parse_html: the same elements, attributes (in any order) and text.
                assert parse_html(fast) == parse_html(str(form[name])), name
            if data:
                assert f'value="{agency.dept_b.pk}" selected' in str(form["department"])


def test_overdue_register_lists_the_oldest_deadline_first_unless_sorted(agency, login, make_document):
    """The overdue filter orders by deadline, so PostgreSQL reads the few overdue documents through
    (status, deadline) instead of walking every document newest first; `sort=` still wins."""
    documents = [make_document(agency.dept_a, officer=agency.officer_a, day=DAY - datetime.timedelta(days=i))
                 for i in range(3)]
    for document, late in zip(documents, (2, 30, 9)):
        Document.objects.filter(pk=document.pk).update(status=Status.ASSIGNED, deadline=DAY - datetime.timedelta(days=late))
    client = login(agency.head_a)
    page = client.get(reverse("documents:list") + "?overdue=on").content.decode()
    order = [page.index(d.number_symbol) for d in documents]
    assert order[1] < order[2] < order[0]  # deadlines 30, 9, 2 days ago
    page = client.get(reverse("documents:list") + "?overdue=on&sort=-date").content.decode()
    order = [page.index(d.number_symbol) for d in documents]
    assert order[0] < order[1] < order[2]  # registered newest first


class TestInboxesAndHomes:
    """Issue 15: every inbox, the deadlines list, the notification centre and every home page run
    a fixed number of queries however many documents, receipts and notifications wait."""

    @pytest.fixture
    def grow(self, agency, make_document):
        from documents.models import Receipt
        from notifications.models import Notification

        def _grow(n, start):
            for i in range(start, start + n):
                unit = DepartmentFactory(name=f"Tổ hộp thư {i}", abbreviation=f"HT{i}", parent=agency.dept_a)
                officer = UserFactory(username=f"ht_{i}", full_name=f"Cán bộ hộp thư {i}", department=unit)
                late = DAY - datetime.timedelta(days=2)
                urgency = Urgency.URGENT if i % 2 else Urgency.NORMAL
                # Awaiting direction, to leadership or to the leader by name.
                submitted = make_document(None, day=DAY, urgency=urgency)
                Document.objects.filter(pk=submitted.pk).update(
                    status=Status.SUBMITTED, submitted_to=agency.leader if i % 2 else None,
                    submitted_at=timezone.now())
                # Awaiting dispatch in a unit of department A, some late.
                waiting = make_document(unit, day=DAY, urgency=urgency)
                Document.objects.filter(pk=waiting.pk).update(status=Status.ASSIGNED, deadline=late,
                                                              assigned_by=agency.leader)
                # Dispatched to officer A, with a co-handler of the unit; and to the unit's officer.
                mine = make_document(unit, officer=agency.officer_a, day=DAY)
                Document.objects.filter(pk=mine.pk).update(status=Status.ASSIGNED, deadline=late)
                mine.co_handlers.add(officer)
                theirs = make_document(unit, officer=officer, day=DAY)
                Document.objects.filter(pk=theirs.pk).update(status=Status.IN_PROGRESS, deadline=late)
                # Internal documents received by department A: one waiting, one with officer A.
                for status, handler in ((Receipt.Status.RECEIVED, None), (Receipt.Status.ASSIGNED, agency.officer_a)):
                    sent = make_document(agency.dept_b, officer=agency.officer_b, day=DAY, direction=Direction.INTERNAL)
                    sent.recipient_departments.add(agency.dept_a)
                    Receipt.objects.create(document=sent, department=agency.dept_a, status=status, officer=handler,
                                           deadline=late)
                for user in (agency.officer_a, agency.head_a, agency.leader, agency.clerk):
                    Notification.objects.create(recipient=user, kind="assigned", key=f"perf-{i}",
                                                title=f"Thông báo {i}", url=f"/documents/{mine.pk}/")
            # Returned to the Office.
            Document.objects.filter(pk=submitted.pk).update(status=Status.REGISTERED, return_reason="Không thuộc phòng")

        return _grow

    @pytest.mark.parametrize("who,name,marker", [
        ("leader", "documents:leadership_inbox", 'data-testid="inbox-row"'),
        ("head_a", "documents:department_inbox", 'data-testid="inbox-row"'),
        ("officer_a", "documents:to_handle", "/documents/"),
        ("clerk", "documents:deadlines", "/documents/"),
        ("head_a", "documents:deadlines", "/documents/"),
        ("officer_a", "notifications:list", 'data-testid="notification"'),
        ("officer_a", "notification-list", '"title"'),
        ("officer_a", "home", "/documents/"),
        ("head_a", "home", "/documents/"),
        ("clerk", "home", "/documents/"),
        ("leader", "home", "/documents/"),
    ])
    def test_pages_do_not_grow_with_the_work_waiting(self, agency, login, grow, identifier, who, name, marker):
        client = login(getattr(agency, who))
        url = reverse(name)
        grow(2, 0)
        few = count_queries(client, url)
        few_rows = client.get(url).content.decode().count(marker)
        grow(12, 2)
        many = count_queries(client, url)
        # The rows added are on the page, else the test proves nothing.
        assert client.get(url).content.decode().count(marker) > few_rows
        assert many == few
