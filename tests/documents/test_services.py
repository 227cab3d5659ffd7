import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from documents import services
from documents.choices import Confidentiality, Direction, Form, Kind, Status
from documents.models import Document, HandlingNote
from recordsportal.models import Agency
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bql(db):
    agency = Agency.load()
    agency.abbreviation = "BQL"
    agency.save()


class TestNumbering:
    def test_it_numbers_incoming_from_one_each_year(self, incoming):
        first = incoming(number_symbol="1/A")
        second = incoming(number_symbol="2/A")
        # Another year's register starts again from 01 (a past year: a future arrival is refused).
        other_year = incoming(number_symbol="3/A", document_date=datetime.date(2025, 12, 29), arrival_date=datetime.date(2025, 12, 30))
        assert (first.number, second.number, other_year.number) == (1, 2, 1)
        assert other_year.register_year == 2025
        assert first.display_number == "01"

    def test_confidential_documents_have_their_own_series(self, incoming):
        normal = incoming(number_symbol="1/A")
        secret = incoming(number_symbol="2/A", confidentiality=Confidentiality.SECRET, form=Form.PAPER)
        assert (normal.number, secret.number) == (1, 1)
        assert secret.series == "incoming-secret"

    def test_rolled_back_registration_gives_its_number_back(self, incoming, agency):
        incoming(number_symbol="1/A")
        with pytest.raises(ValidationError):
            # An unknown type fails validation after the number was allocated.
            incoming(number_symbol="2/A", kind="??")
        assert incoming(number_symbol="3/A").number == 2

    def test_outgoing_symbols_follow_decree_30(self, agency):
        decision = services.outgoing_issue(
            acting_user=agency.clerk, kind=Kind.DECISION, summary="Quyết định thành lập tổ công tác",
            department=agency.dept_a, issue_date=datetime.date(2026, 1, 5),
        )
        letter = services.outgoing_issue(
            acting_user=agency.clerk, kind=Kind.OFFICIAL_LETTER, summary="V/v báo cáo tình hình",
            department=agency.office, issue_date=datetime.date(2026, 1, 6),
        )
        regulation = services.outgoing_issue(
            acting_user=agency.clerk, kind=Kind.REGULATION, summary="Quy định về văn thư",
            department=agency.office, issue_date=datetime.date(2026, 1, 7),
        )
        assert decision.number_symbol == "01/QĐ-BQL"
        assert letter.number_symbol == "02/BQL-VP"
        assert regulation.number_symbol == "03/QyĐ-BQL"
        assert decision.status == Status.ISSUED and decision.register_date == datetime.date(2026, 1, 5)


class TestIncoming:
    def test_it_registers_with_normalised_text(self, incoming, agency):
        doc = incoming(summary=unicodedata.normalize("NFD", "Quyết định   về  đầu tư"))
        assert doc.summary == "Quyết định về đầu tư"
        assert doc.search_text.startswith("125/ubnd-kt quyet dinh ve dau tu")
        assert doc.history.first().history_user == agency.clerk

    def test_it_refuses_a_duplicate_and_names_the_earlier_one(self, incoming):
        first = incoming()
        with pytest.raises(services.DuplicateDocument) as error:
            incoming(issuer="ỦY BAN NHÂN DÂN TỈNH")
        assert error.value.existing == first
        assert "đã được đăng ký (số đến 01)" in error.value.message
        assert Document.objects.count() == 1
        assert incoming(issuer="Ủy ban nhân dân tỉnh", allow_duplicate=True).number == 2

    def test_only_the_office_registers(self, agency):
        with pytest.raises(DomainError, match="Chỉ văn thư"):
            services.incoming_register(acting_user=agency.officer_a, number_symbol="1", issuer="X", summary="Y", document_date=None)

    def test_document_date_cannot_follow_arrival(self, incoming):
        with pytest.raises(DomainError, match="Ngày văn bản 10/03/2026 sau ngày đến 03/03/2026"):
            incoming(document_date=datetime.date(2026, 3, 10))

    def test_full_workflow(self, incoming, agency):
        doc = incoming()
        services.incoming_submit(acting_user=agency.clerk, document=doc)
        with pytest.raises(DomainError):
            services.incoming_submit(acting_user=agency.clerk, document=doc)
        services.incoming_assign(
            acting_user=agency.leader, document=doc, department=agency.dept_a, officer=agency.officer_a,
            co_handlers=[agency.officer_a2], direction_note="Phòng QLĐT chủ trì, báo cáo trước 15/3",
            deadline=datetime.date(2026, 3, 15),
        )
        doc.refresh_from_db()
        assert doc.status == Status.ASSIGNED and doc.department == agency.dept_a and doc.officer == agency.officer_a
        services.incoming_record_progress(acting_user=agency.officer_a2, document=doc, text="Đã làm việc với doanh nghiệp")
        doc.refresh_from_db()
        assert doc.status == Status.IN_PROGRESS
        with pytest.raises(DomainError, match="không phải người được giao"):
            services.incoming_complete(acting_user=agency.officer_b, document=doc)
        services.incoming_complete(acting_user=agency.officer_a, document=doc, text="Đã trả lời UBND tỉnh")
        doc.refresh_from_db()
        assert doc.status == Status.DONE and doc.completed_at is not None
        with pytest.raises(DomainError, match="đã hoàn thành"):
            services.incoming_complete(acting_user=agency.officer_a, document=doc)
        kinds = list(HandlingNote.objects.filter(document=doc).values_list("kind", flat=True))
        assert kinds == ["assignment", "progress", "completion"]

    def test_assignment_is_for_leadership_and_checks_its_inputs(self, incoming, agency):
        doc = incoming()
        with pytest.raises(DomainError, match="Chỉ lãnh đạo"):
            services.incoming_assign(acting_user=agency.clerk, document=doc, department=agency.dept_a)
        with pytest.raises(DomainError) as error:
            services.incoming_assign(
                acting_user=agency.leader, document=doc, department=agency.dept_a, officer=agency.officer_b,
                deadline=datetime.date(2026, 3, 1),
            )
        assert "Cán bộ chủ trì phải thuộc đơn vị chủ trì" in error.value.message
        assert "Hạn xử lý không thể trước ngày đến" in error.value.message
        doc.refresh_from_db()
        assert doc.department is None

    def test_overdue(self, incoming, agency):
        doc = incoming()
        services.incoming_assign(acting_user=agency.leader, document=doc, department=agency.dept_a,
                                 officer=agency.officer_a, deadline=datetime.date(2026, 3, 10))
        assert list(Document.objects.overdue(today=datetime.date(2026, 3, 11))) == [doc]
        assert list(Document.objects.overdue(today=datetime.date(2026, 3, 10))) == []
        services.incoming_complete(acting_user=agency.officer_a, document=doc)
        assert list(Document.objects.overdue(today=datetime.date(2026, 3, 11))) == []


class TestOutgoingAndInternal:
    def test_confidential_cannot_be_electronic(self, agency):
        with pytest.raises(DomainError, match="Văn bản mật"):
            services.outgoing_issue(acting_user=agency.clerk, kind=Kind.REPORT, summary="Báo cáo mật",
                                    department=agency.office, confidentiality=Confidentiality.SECRET, form=Form.ELECTRONIC)

    def test_officer_sends_internal_document_to_departments(self, agency):
        doc = services.internal_send(acting_user=agency.officer_a, kind=Kind.OFFICIAL_LETTER,
                                     summary="Đề nghị phối hợp thẩm định dự án", recipient_departments=[agency.dept_b])
        assert doc.direction == Direction.INTERNAL and doc.department == agency.dept_a and doc.officer == agency.officer_a
        assert doc.number_symbol == "01/BQL-QLĐT"
        assert Document.objects.visible_to(agency.head_b).filter(pk=doc.pk).exists()
        assert not Document.objects.visible_to(agency.officer_b).filter(pk=doc.pk).exists()


class TestTrash:
    def test_office_deletes_and_restores(self, incoming, agency):
        doc = incoming()
        services.document_delete(acting_user=agency.clerk, document=doc)
        assert not Document.objects.filter(pk=doc.pk).exists()
        assert Document.all_objects.filter(pk=doc.pk, is_deleted=True).exists()
        with pytest.raises(DomainError):
            services.document_delete(acting_user=agency.clerk, document=doc)
        services.document_restore(acting_user=agency.clerk, document=doc)
        assert Document.objects.filter(pk=doc.pk).exists()
        # The number stays taken while the document is in the trash.
        assert incoming(number_symbol="9/X").number == 2

    def test_officer_cannot_delete(self, incoming, agency):
        with pytest.raises(DomainError):
            services.document_delete(acting_user=agency.officer_a, document=incoming())


class TestVisibility:
    def test_scoping(self, incoming, agency):
        plain = incoming(number_symbol="1/A")
        secret = incoming(number_symbol="2/A", confidentiality=Confidentiality.SECRET, form=Form.PAPER)
        for doc in (plain, secret):
            services.incoming_assign(acting_user=agency.leader, document=doc, department=agency.dept_a, officer=agency.officer_a)

        def sees(user):
            return set(Document.objects.visible_to(user).values_list("number_symbol", flat=True))

        assert sees(agency.leader) == sees(agency.clerk) == {"1/A", "2/A"}
        assert sees(agency.officer_a) == {"1/A", "2/A"}  # named on both
        assert sees(agency.head_a) == {"1/A"}  # the department's, but not the confidential one
        assert sees(agency.officer_a2) == set()
        assert sees(agency.head_b) == set()
        services.incoming_assign(acting_user=agency.leader, document=secret, department=agency.dept_a,
                                 officer=agency.officer_a, co_handlers=[agency.officer_a2])
        assert sees(agency.officer_a2) == {"2/A"}
