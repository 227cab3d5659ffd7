"""Issue 14, 1d: documents declared electronic without evidence are listed once for the Office,
which fixes them or lets them count as paper from a date it chooses; nothing changes silently."""

import datetime

import pytest
from django.urls import reverse

from documents.choices import Direction, Form, PaperReason
from documents.models import Attachment, Document
from documents.querysets import unevidenced_electronic
from documents.signatures import SignatureStatus

pytestmark = pytest.mark.django_db


def attach(document, user, status=""):
    return Attachment.objects.create(document=document, file="attachments/x.pdf", original_name="x.pdf",
                                     extension="pdf", content_type="application/pdf", size=1, sha256="0" * 64,
                                     uploaded_by=user, signature_status=status)


@pytest.fixture
def declared(agency, make_document):
    """Four records declared electronic the old way, two with their evidence."""
    bare_in = make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 2, 10))
    late_in = make_document(agency.dept_a, agency.officer_a, day=datetime.date(2026, 3, 10))
    scanned_in = make_document(agency.dept_a, agency.officer_a)
    attach(scanned_in, agency.clerk)
    unsigned_out = make_document(agency.dept_b, agency.officer_b, direction=Direction.OUTGOING)
    attach(unsigned_out, agency.clerk, SignatureStatus.UNSIGNED)
    signed_out = make_document(agency.dept_b, agency.officer_b, direction=Direction.OUTGOING)
    attach(signed_out, agency.clerk, SignatureStatus.SIGNED_UNVERIFIED)
    return {"bare_in": bare_in, "late_in": late_in, "unsigned_out": unsigned_out}


def test_the_listing_names_electronic_records_without_a_file_or_a_signed_pdf(declared):
    assert set(unevidenced_electronic()) == set(declared.values())


def test_the_office_counts_them_as_paper_from_a_date_with_a_history_row(agency, login, declared):
    client = login(agency.clerk)
    page = client.get(reverse("documents:unevidenced")).content.decode()
    assert declared["bare_in"].number_symbol in page and "3 văn bản" in page
    client.post(reverse("documents:unevidenced"), {"since": "01/03/2026"})
    forms = dict(Document.objects.values_list("pk", "form"))
    assert forms[declared["bare_in"].pk] == Form.ELECTRONIC  # before the date chosen: as declared, still listed
    for key in ("late_in", "unsigned_out"):
        document = Document.objects.get(pk=declared[key].pk)
        assert (document.form, document.paper_reason) == (Form.PAPER, PaperReason.UNJUSTIFIED)
        row = document.history.first()
        assert row.history_user == agency.clerk and "01/03/2026" in row.history_change_reason
    assert list(unevidenced_electronic()) == [declared["bare_in"]]


def test_nothing_changes_without_the_office(agency, login, declared):
    assert login(agency.officer_a).post(reverse("documents:unevidenced"), {"since": "01/01/2026"}).status_code == 403
    assert set(unevidenced_electronic()) == set(declared.values())
