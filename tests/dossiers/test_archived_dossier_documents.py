"""Issue 17, item 9: archived means whole. A document that belongs to a dossier submitted to or kept
in the archive cannot be moved to the trash — the service refuses naming the dossier, the page
offers no button — while a document of an open dossier still can."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from documents import services as document_services
from documents.models import Document
from dossiers import services
from dossiers.choices import Status
from dossiers.models import Dossier
from recordsportal.services import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(agency, closed_dossier):
    dossier = closed_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.ARCHIVED, archived_on=datetime.date(2026, 9, 1))
    dossier.refresh_from_db()
    return dossier, dossier.documents.get()


def test_it_refuses_to_trash_a_document_of_an_archived_dossier_naming_the_dossier(agency, archived):
    dossier, document = archived
    with pytest.raises(DomainError) as refused:
        document_services.document_delete(acting_user=agency.clerk, document=document)
    assert dossier.code in refused.value.message and dossier.title in refused.value.message
    assert not Document.all_objects.get(pk=document.pk).is_deleted


def test_it_refuses_while_the_dossier_waits_in_the_archive(agency, closed_dossier):
    dossier = closed_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUBMITTED)
    with pytest.raises(DomainError):
        document_services.document_delete(acting_user=agency.clerk, document=dossier.documents.get())


def test_the_page_offers_no_trash_button_and_a_forced_post_says_why(agency, archived, login):
    dossier, document = archived
    client = login(agency.clerk)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert reverse("documents:delete", args=[document.pk]) not in page
    response = client.post(reverse("documents:delete", args=[document.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert dossier.code in shown and "đã nộp lưu" in shown
    assert not Document.all_objects.get(pk=document.pk).is_deleted
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200


def test_a_document_of_an_open_dossier_still_goes_to_the_trash(agency, plan, doc_for):
    dossier = services.dossier_open(acting_user=agency.officer_a, plan_entry=plan.entries.get(number=1),
                                    opened_on=datetime.date(2026, 1, 5))
    document = doc_for(agency.officer_a)
    services.dossier_add_document(acting_user=agency.officer_a, dossier=dossier, document=document)
    document_services.document_delete(acting_user=agency.clerk, document=document)
    assert Document.all_objects.get(pk=document.pk).is_deleted
