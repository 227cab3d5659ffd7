"""Property-based tests of the document forms, through their pages: whatever is typed (dates in
any shape, numbers, symbols, Vietnamese, very long text), the page never fails; a bad value gives
an error on its field in Vietnamese, and nothing is registered unless the page redirects."""

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from documents.choices import Confidentiality, Form, Kind, Urgency
from documents.forms import IncomingForm
from documents.models import Document
from recordsportal.dates import first_year

from .strategies import VIETNAMESE, printable

pytestmark = pytest.mark.django_db

typed = st.text(st.one_of(st.sampled_from(VIETNAMESE + "0123456789/-. "), printable), max_size=60)
date_typed = st.one_of(
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y").rjust(10, "0")),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(-5, 40), st.integers(-2, 15), st.integers(0, 99999)),
    typed,
)
symbols = st.one_of(st.from_regex(r"\A\d{1,6}/[A-ZĐ]{1,5}(-[A-ZĐ]{1,6})?\Z", fullmatch=True), typed)
long_or_short = st.one_of(typed, st.text(st.sampled_from(VIETNAMESE + " "), min_size=90, max_size=1200))
choice = lambda values: st.one_of(st.sampled_from(list(values)), typed)  # noqa: E731


def incoming_data():
    return st.fixed_dictionaries({
        "arrival_date": date_typed, "document_date": date_typed, "number_symbol": symbols,
        "issuer": long_or_short, "kind": choice(Kind.values), "summary": long_or_short,
        "recipients": long_or_short, "received_medium": choice(Form.values), "form": choice(Form.values),
        "urgency": choice(Urgency.values), "confidentiality": choice(Confidentiality.values), "notes": typed,
    })


@settings(max_examples=50)
@given(date=date_typed)
@example(date="31/12/9999")
@example(date="29/02/2025")
def test_a_date_field_reads_dd_mm_yyyy_or_says_why(date):
    form = IncomingForm(data={"arrival_date": date})
    form.is_valid()
    match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", date)
    try:
        expected = datetime.date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        expected = None
    if expected is not None and first_year() <= expected.year and expected <= timezone.localdate():
        assert "arrival_date" not in form.errors and form.cleaned_data["arrival_date"] == expected
    elif expected is not None:
        # A real date outside the plausible range (before RECORDS_FIRST_YEAR or after today) is
        # read, then refused by the date rule, which names it.
        assert f"Ngày đến {expected.day:02d}/{expected.month:02d}/{expected.year:04d}" in " ".join(form.errors["arrival_date"])
    elif date.strip():
        # Django also reads yyyy-mm-dd (the HTML date input); anything else is a field error.
        if "arrival_date" not in form.errors:
            assert isinstance(form.cleaned_data["arrival_date"], datetime.date)
        else:
            assert "ngày" in " ".join(form.errors["arrival_date"]).lower()


@settings(max_examples=40)
@given(data=incoming_data())
@example(data={"arrival_date": "31/12/9999", "document_date": "31/12/9999", "number_symbol": "1/UBND",
               "issuer": "UBND", "kind": Kind.OFFICIAL_LETTER, "summary": "Về việc", "recipients": "",
               "received_medium": Form.ELECTRONIC, "form": Form.ELECTRONIC, "urgency": Urgency.NORMAL,
               "confidentiality": Confidentiality.NORMAL, "notes": ""})
def test_registering_an_incoming_document_never_fails(agency, client, data):
    client.force_login(agency.clerk)
    with transaction.atomic():
        before = Document.objects.count()
        response = client.post("/documents/incoming/new/", data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert Document.objects.count() == before + 1
        else:
            assert Document.objects.count() == before
            form = response.context["form"]
            duplicate = response.context.get("duplicate")
            assert form.errors or duplicate, "a refused form must say why"
            for field, errors in form.errors.items():
                assert field == "__all__" or field in form.fields
                assert all(str(e).strip() for e in errors)
        transaction.set_rollback(True)


@settings(max_examples=40)
@given(issue_date=date_typed, copies=st.one_of(st.integers(-10, 10**12).map(str), typed),
       summary=long_or_short, signer=long_or_short, keeper=long_or_short)
@example(issue_date="01/01/2026", copies="99999999999", summary="Về việc", signer="A", keeper="")
def test_issuing_an_outgoing_document_never_fails(agency, client, issue_date, copies, summary, signer, keeper):
    client.force_login(agency.clerk)
    data = {"issue_date": issue_date, "kind": Kind.OFFICIAL_LETTER, "department": agency.dept_a.pk, "summary": summary,
            "signer": signer, "form": Form.ELECTRONIC, "urgency": Urgency.NORMAL,
            "confidentiality": Confidentiality.NORMAL, "copies": copies, "file_copy_keeper": keeper}
    with transaction.atomic():
        before = Document.objects.count()
        response = client.post("/documents/outgoing/new/", data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert response.context["form"].errors
            assert Document.objects.count() == before
        else:
            assert Document.objects.count() == before + 1
        transaction.set_rollback(True)
