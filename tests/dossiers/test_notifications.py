"""Dossier events reach people (issue 15): the archive returns a dossier to its officer, and
leadership's decision on a retention list reaches the head who submitted it."""

import datetime

import pytest

from dossiers import services
from dossiers.models import Dossier
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_a_returned_batch_reaches_each_dossiers_officer_and_the_head(agency, closed_dossier):
    dossier = closed_dossier()
    batch = services.archive_batch_create(acting_user=agency.head_a, department=agency.dept_a, dossiers=[dossier])
    services.archive_batch_submit(acting_user=agency.head_a, batch=batch)
    services.archive_batch_return(acting_user=agency.clerk, batch=batch, reason="Chưa đánh số tờ")
    [to_officer] = Notification.objects.filter(recipient=agency.officer_a, kind=Kind.RETURNED)
    assert dossier.code in to_officer.title and "Chưa đánh số tờ" in to_officer.body
    assert to_officer.url == f"/dossiers/{dossier.pk}/"
    assert Notification.objects.filter(recipient=agency.head_a, kind=Kind.RETURNED,
                                       url=f"/dossiers/archive/{batch.pk}/").exists()
    assert not Notification.objects.filter(recipient=agency.head_b).exists()


def test_the_retention_decision_reaches_the_head(agency, closed_dossier):
    kept = closed_dossier(ended_on=datetime.date(2026, 3, 1))
    Dossier.objects.filter(pk=kept.pk).update(due_on=datetime.date(2026, 1, 1))
    kept.refresh_from_db()
    retention = services.retention_list_create(acting_user=agency.head_a, department=agency.dept_a)
    line = services.retention_line_add(acting_user=agency.head_a, retention_list=retention, dossier=kept,
                                       reason="Phục vụ thanh tra", keep_until=datetime.date(2027, 6, 30))
    services.retention_list_submit(acting_user=agency.head_a, retention_list=retention)
    assert not Notification.objects.filter(kind=Kind.DECISION).exists()
    services.retention_line_decide(acting_user=agency.leader, line=line, approve=True)
    [notification] = Notification.objects.filter(kind=Kind.DECISION)
    assert notification.recipient == agency.head_a
    assert "đồng ý 1/1" in notification.title and notification.url == f"/dossiers/retention/{retention.pk}/"
