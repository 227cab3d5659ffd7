"""Read rules for the inboxes (issue 15): what awaits each person, built on `visible_to`, so an
inbox never shows what the person could not open from the register.

- leadership: incoming documents submitted for direction, to them by name or to leadership as a
  whole, most urgent first, then oldest;
- a head: incoming documents assigned to their department (or its units) with no officer yet,
  and internal documents sent to it not yet dispatched;
- an officer: incoming documents they lead or co-handle (`to_handle_by`) and internal documents
  dispatched to them.

Each function returns a queryset; pages add their own `select_related`, and every count below is
one query whatever the number of rows.
"""

import datetime

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from recordsportal.access import managed_department_ids
from recordsportal.models import User
from recordsportal.roles import Role
from recordsportal.names import by_name

from .choices import Confidentiality, Direction, Status, Urgency
from .models import Document, Receipt
from .querysets import OPEN_STATUSES, documents_shown_to

# Most urgent first: Hỏa tốc, Thượng khẩn, Khẩn, then the others.
URGENCY_RANK = Case(
    When(urgency=Urgency.FLASH, then=Value(0)), When(urgency=Urgency.VERY_URGENT, then=Value(1)),
    When(urgency=Urgency.URGENT, then=Value(2)), default=Value(3), output_field=IntegerField(),
)


def awaiting_direction(user):
    """A leader's inbox: submitted to them, or to leadership as a whole; urgent, then oldest."""
    if not user.has_role(Role.LEADERSHIP):
        return Document.objects.none()
    return (Document.objects.visible_to(user)
            .filter(direction=Direction.INCOMING, status=Status.SUBMITTED)
            .filter(Q(submitted_to__isnull=True) | Q(submitted_to=user))
            .annotate(urgency_rank=URGENCY_RANK)
            .order_by("urgency_rank", F("submitted_at").asc(nulls_first=True), "id"))


def _led_department_ids(user) -> list[int]:
    return managed_department_ids(user)


def awaiting_dispatch(user, department_ids=None):
    """A head's inbox: incoming documents given to their department (or its units) by leadership
    without an officer, or given back by the officer; urgent, then the nearest deadline."""
    department_ids = _led_department_ids(user) if department_ids is None else department_ids
    return (Document.objects.visible_to(user)
            .filter(direction=Direction.INCOMING, status=Status.ASSIGNED, officer__isnull=True,
                    department_id__in=department_ids)
            .annotate(urgency_rank=URGENCY_RANK)
            .order_by("urgency_rank", F("deadline").asc(nulls_last=True), "assigned_at", "id"))


def receipts_awaiting_dispatch(user, department_ids=None):
    """Internal documents sent to the head's department (or its units) not yet given to an officer."""
    department_ids = _led_department_ids(user) if department_ids is None else department_ids
    return (Receipt.objects.filter(department_id__in=department_ids, status__in=Receipt.AWAITING_DISPATCH,
                                   document__is_deleted=False)
            .order_by("created_at", "id"))


def receipts_to_handle(user):
    """Internal documents dispatched to the user, as officer or co-handler, not done yet."""
    co_handled = list(Receipt.co_handlers.through.objects.filter(user_id=user.pk).values_list("receipt_id", flat=True))
    return (Receipt.objects.filter(status__in=Receipt.HANDLING, document__is_deleted=False)
            .filter(Q(officer_id=user.pk) | Q(pk__in=co_handled))
            .order_by(F("deadline").asc(nulls_last=True), "created_at", "id"))


def with_shown_documents(user, receipts, limit=200) -> list:
    """The receipts (at most `limit`), each with `.shown`: what the user may read of its document
    (documents_shown_to, one query for the page)."""
    receipts = list(receipts[:limit])
    shown = documents_shown_to(user, [r.document for r in receipts])
    for receipt in receipts:
        receipt.shown = shown[receipt.document_id]
    return receipts


def to_handle(user):
    """Incoming documents the user leads or co-handles, not done: overdue first."""
    return (Document.objects.to_handle_by(user)
            .order_by(F("deadline").asc(nulls_last=True), "register_date", "id"))


def department_officers(department):
    """Who a head may dispatch to: the active people of the department and its units."""
    return (User.objects.filter(is_active=True, department__path__startswith=department.path)
            .select_related("department").order_by("department__path", by_name()))


def officers_for_dispatch(user):
    """Everyone the head may dispatch to, across the departments they lead."""
    return (User.objects.filter(is_active=True, department_id__in=_led_department_ids(user))
            .select_related("department").order_by("department__path", by_name()))


# --- deadlines ---------------------------------------------------------------------------------------


def due_soon_days() -> int:
    return settings.DOCUMENT_DUE_SOON_DAYS


def open_with_deadline(today=None, days=None, documents=None):
    """Open incoming documents due within `days` (DOCUMENT_DUE_SOON_DAYS) or overdue (of
    `documents`, a scoped queryset, or all); read through the (status, deadline) index."""
    today = today or timezone.localdate()
    days = due_soon_days() if days is None else days
    documents = Document.objects.all() if documents is None else documents
    return documents.filter(direction=Direction.INCOMING, status__in=OPEN_STATUSES,
                            deadline__lte=today + datetime.timedelta(days=days))


def receipts_with_deadline(today=None, days=None):
    today = today or timezone.localdate()
    days = due_soon_days() if days is None else days
    return Receipt.objects.filter(status__in=Receipt.OPEN, document__is_deleted=False,
                                  deadline__lte=today + datetime.timedelta(days=days))


def deadlines_for(user, today=None):
    """The deadlines page: what the user may see of the documents due soon or overdue, the most
    late first. The Office (agency scope) sees every one."""
    return open_with_deadline(today, documents=Document.objects.visible_to(user)).order_by("deadline", "id")


# --- counts for the home pages ------------------------------------------------------------------------


def officer_counts(user, today=None) -> dict:
    """What awaits an officer, in two queries."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=due_soon_days())
    documents = Document.objects.to_handle_by(user).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)),
        due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon)))
    receipts = receipts_to_handle(user).aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
    return {"documents": documents["total"], "overdue": documents["overdue"] + receipts["overdue"],
            "due_soon": documents["due_soon"], "receipts": receipts["total"]}


def head_counts(user, today=None) -> dict:
    today = today or timezone.localdate()
    department_ids = _led_department_ids(user)
    return {
        "awaiting_dispatch": awaiting_dispatch(user, department_ids).count(),
        "receipts_awaiting": receipts_awaiting_dispatch(user, department_ids).count(),
        # The department's overdue ids first (the status index), then what of them the head may
        # open: the scope's OR of indexes over the whole table took 50 ms at 2M documents.
        "overdue": Document.objects.visible_to(user).filter(pk__in=list(
            Document.objects.filter(department_id__in=department_ids).overdue(today).order_by().values_list("pk", flat=True))).count(),
    }


def work_per_officer(user, today=None) -> list:
    """The head's people with their open and overdue incoming documents, in two queries: the
    people, then one aggregate over the open documents of these people. (Counting through a join
    from the people to all their documents read every row of the table at 2 million documents:
    3.5 s; the open ones are a few thousand, found by the (status, deadline) index.)"""
    today = today or timezone.localdate()
    department_ids = _led_department_ids(user)
    people = list(User.objects.filter(is_active=True, department_id__in=department_ids)
                  .select_related("department").order_by("department__path", by_name()))
    # Confidential documents stay out: the head cannot open them (a total counts only what its
    # reader may open).
    counts = {row["officer_id"]: row for row in Document.objects.filter(
        officer_id__in=[p.pk for p in people], status__in=OPEN_STATUSES, is_deleted=False,
        direction=Direction.INCOMING, confidentiality=Confidentiality.NORMAL,
    ).values("officer_id").annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))}
    for person in people:
        row = counts.get(person.pk, {})
        person.open_documents, person.overdue_documents = row.get("open", 0), row.get("overdue", 0)
    # Most overdue first; within a count, the order of the query (department, name): sort is stable.
    return sorted(people, key=lambda p: -p.overdue_documents)


def office_counts(today=None) -> dict:
    today = today or timezone.localdate()
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    counts = incoming.filter(status__in=[Status.REGISTERED, Status.SUBMITTED]).aggregate(
        to_submit=Count("pk", filter=Q(status=Status.REGISTERED)),
        returned=Count("pk", filter=Q(status=Status.REGISTERED) & ~Q(return_reason="")),
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)))
    counts["overdue"] = incoming.overdue(today).count()
    return counts


def returned_to_office():
    """Incoming documents a head or leadership sent back to the Office, newest first."""
    return (Document.objects.filter(direction=Direction.INCOMING, status=Status.REGISTERED)
            .exclude(return_reason="").order_by("-updated_at", "-id"))
