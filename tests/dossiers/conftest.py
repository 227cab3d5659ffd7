import datetime

import pytest

from documents import services as document_services
from documents.choices import Form
from dossiers import services
from recordsportal.models import Agency
from tests.conftest import scan_upload


@pytest.fixture
def identifier(db):
    agency = Agency.load()
    agency.identifier_code = "000.00.31.H09"
    agency.abbreviation = "BQL"
    agency.name = "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh"
    agency.save()
    return agency


@pytest.fixture
def plan(agency, identifier):
    """Department A's 2026 file plan: heading I (TH) with a 10-year and a 2-year dossier."""
    plan = services.file_plan_create(acting_user=agency.head_a, department=agency.dept_a, year=2026)
    major = services.file_plan_heading_add(acting_user=agency.head_a, plan=plan, title="Tổng hợp", abbreviation="TH")
    services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=major, retention_years=10,
                                 title="Hồ sơ cấp Giấy chứng nhận đầu tư dự án nhà máy điện khí",
                                 responsible=agency.officer_a)
    services.file_plan_entry_add(acting_user=agency.head_a, plan=plan, heading=major, retention_years=2,
                                 title="Sổ theo dõi giấy mời họp")
    return plan


@pytest.fixture
def doc_for(agency):
    """An incoming document assigned to `officer` (so they can see it)."""
    counter = {"n": 0}

    def _make(officer, form=Form.ELECTRONIC, arrival=datetime.date(2026, 3, 3)):
        counter["n"] += 1
        document = document_services.incoming_register(
            acting_user=agency.clerk, number_symbol=f"{counter['n']}/UBND-KT", issuer="Ủy ban nhân dân tỉnh",
            summary=f"V/v đầu tư dự án số {counter['n']}", document_date=arrival, arrival_date=arrival, form=form,
            # An electronic document has its content in the portal (issue 14): its scan.
            attachments=[scan_upload()] if form == Form.ELECTRONIC else [])
        return document_services.incoming_assign(acting_user=agency.leader, document=document,
                                                 department=officer.department, officer=officer)

    return _make


@pytest.fixture
def closed_dossier(agency, plan, doc_for):
    """Officer A's 10-year dossier with one electronic document, closed on 15/06/2026."""

    def _make(ended_on=datetime.date(2026, 6, 15), entry=None, officer=None, opened_on=datetime.date(2026, 1, 5)):
        officer = officer or agency.officer_a
        dossier = services.dossier_open(acting_user=officer, plan_entry=entry or plan.entries.get(number=1),
                                        opened_on=opened_on)
        services.dossier_add_document(acting_user=officer, dossier=dossier,
                                      document=doc_for(officer, arrival=opened_on))
        return services.dossier_close(acting_user=officer, dossier=dossier, ended_on=ended_on, sheets=12, pages=20)

    return _make
