"""Issue 17, item 5: the register says how many documents match (counted up to 10,000 with a
LIMIT 10001 subquery, "Hơn 10.000" beyond, never a COUNT over every row), explains its ↓/↑/↔ and
▲/▼ marks, shows issuer and date under each summary so that hits with the same summary differ;
the document page shows the recipients and the secrecy and urgency levels entered; the "Văn bản"
menu takes an officer to their desk."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.choices import Confidentiality, Form, Urgency
from recordsportal.navigation import navigation_for
from recordsportal.pagination import capped_count, counted_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def incoming(incoming):
    """Paper documents: the register's figures, not the evidence of an electronic one, are tested here."""
    def _paper(**fields):
        return incoming(**{"form": Form.PAPER, "received_medium": Form.PAPER, **fields})

    return _paper


def _register(incoming, n, **fields):
    return [incoming(number_symbol=f"{i}/STC-NS", summary="V/v quyết toán vốn đầu tư", **fields) for i in range(1, n + 1)]


def test_the_register_shows_how_many_documents_match(agency, incoming, login):
    _register(incoming, 3)
    page = login(agency.clerk).get(reverse("documents:list")).content.decode()
    assert "3 văn bản phù hợp" in page and "trang 1, dòng 1–3" in page


def test_a_count_beyond_the_cap_reads_more_than_and_stops_counting(agency, incoming):
    from documents.models import Document

    _register(incoming, 6)
    queryset = Document.objects.all()
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(queryset, cap=4) == (4, True)
    [sql] = [q["sql"] for q in queries.captured_queries]
    assert "COUNT(" in sql.upper() and "LIMIT 5" in sql.upper()  # the subquery stops at cap + 1
    assert capped_count(queryset, cap=10) == (6, False)
    page = counted_page(queryset.order_by("pk"), "2", page_size=2, cap=4)
    assert (page.total, page.total_capped, page.start_index, page.end_index) == (4, True, 3, 4)


def test_the_page_says_more_than_ten_thousand_when_capped(agency, incoming, login, monkeypatch):
    import recordsportal.pagination as pagination

    _register(incoming, 3)
    monkeypatch.setattr(pagination, "quick_page", lambda qs, p, size=50: pagination.QuickPage(
        rows=list(qs[:1]), number=1, page_size=1, has_next=True))
    monkeypatch.setattr(pagination, "capped_count", lambda qs, cap=10_000: (10_000, True))
    page = login(agency.clerk).get(reverse("documents:list")).content.decode()
    assert "Hơn 10.000 văn bản phù hợp" in page


def test_a_first_page_holding_every_row_needs_no_count_query(agency, incoming):
    from documents.models import Document

    _register(incoming, 2)
    with CaptureQueriesContext(connection) as queries:
        page = counted_page(Document.objects.order_by("pk"), "1")
    assert page.total == 2 and len(queries.captured_queries) == 1


def test_the_register_explains_its_marks(agency, incoming, login):
    _register(incoming, 1)
    page = login(agency.clerk).get(reverse("documents:list") + "?sort=date").content.decode()
    assert "↓ văn bản đến" in page and "↑ văn bản đi" in page and "▲ tăng dần" in page
    assert 'title="Đang sắp xếp theo Ngày, tăng dần; bấm để sắp xếp giảm dần"' in page
    assert 'title="Sắp xếp theo Số"' in page


def test_hits_with_the_same_summary_show_issuer_and_date(agency, incoming, login):
    incoming(number_symbol="1/STC", summary="V/v quyết toán", issuer="Sở Tài chính", document_date=datetime.date(2026, 3, 1))
    incoming(number_symbol="2/SXD", summary="V/v quyết toán", issuer="Sở Xây dựng", document_date=datetime.date(2026, 3, 2))
    page = login(agency.clerk).get(reverse("documents:list") + "?q=quyet+toan").content.decode()
    assert "Sở Tài chính, ngày 01/03/2026" in page and "Sở Xây dựng, ngày 02/03/2026" in page


def test_the_document_page_shows_recipients_and_secrecy(agency, incoming, login):
    document = incoming(recipients="Phòng Quản lý Đầu tư; lưu VT", confidentiality=Confidentiality.SECRET,
                        urgency=Urgency.URGENT)
    page = login(agency.clerk).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Phòng Quản lý Đầu tư; lưu VT" in page
    assert 'data-testid="confidentiality">Mật<' in page and 'data-testid="urgency">Khẩn<' in page


def test_the_documents_menu_takes_an_officer_to_the_desk(agency):
    def documents_entry(user):
        return next(item for item in navigation_for(user, "/documents/") if item["label"] == "Văn bản")

    officer_entry = documents_entry(agency.officer_a)
    assert officer_entry["url"] == reverse("documents:to_handle") and officer_entry["active"]
    assert documents_entry(agency.clerk)["url"] == reverse("documents:list")
    assert documents_entry(agency.head_a)["url"] == reverse("documents:list")
