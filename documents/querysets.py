"""Read rules for documents: who sees which, search, overdue."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from recordsportal.access import Scope, scope_of
from recordsportal.models import Department
from recordsportal.text import search_key

from .choices import Confidentiality, Direction, Status

OPEN_STATUSES = [Status.REGISTERED, Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS]


class DocumentManager(models.Manager):
    """Documents not in the trash. The trash is `Document.all_objects.deleted()`."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What `user` may open.

        Agency-wide roles (administrators, leadership, the Office) see every document, the
        confidential ones included. Everybody else sees the documents they are named on (lead
        officer or drafter, co-handler, registrar); a department head also sees the documents of
        their department and its units, and internal documents sent to them, except
        confidential ones, which only the people named on them see.
        """
        scope = scope_of(user)
        if scope is Scope.AGENCY:
            return self
        if scope is Scope.NONE:
            return self.none()
        # The co-handled ids first (one small indexed query), not an EXISTS per row: with
        # `officer_id = … OR created_by_id = … OR id IN (1, 2, …)` PostgreSQL ORs three index
        # bitmaps (the officer's few hundred documents) and searches only those; the EXISTS made
        # it test every document the search or the date index yielded (an officer's search at
        # 2M documents: 1.2 s → 0.1 s of SQL, bench/profile_routes.py).
        co_handled = list(
            self.model.co_handlers.through.objects.filter(user_id=user.pk).values_list("document_id", flat=True)
        )
        named = Q(officer_id=user.pk) | Q(created_by_id=user.pk) | Q(pk__in=co_handled)
        if scope is Scope.DEPARTMENT:
            # The managed departments and their units, as ids: the document row is tested
            # against a small hashed set, without joining the department table (a join ahead
            # of ORDER BY … LIMIT made PostgreSQL scan far more rows on 2M documents).
            units = Department.objects.led_by(user).values("pk")
            received = self.model.recipient_departments.through.objects.filter(department_id__in=units)
            in_department = Q(department_id__in=units) | Q(pk__in=received.values("document_id"))
            return self.filter(named | (in_department & Q(confidentiality=Confidentiality.NORMAL)))
        return self.filter(named)

    def to_handle_by(self, user):
        """Incoming documents the user leads or co-handles that are not done yet."""
        # The co-handled ids first (one small indexed query): `officer_id = … OR id IN (1, 2, …)`
        # is then two index lookups, where an EXISTS made PostgreSQL visit every open incoming
        # document of the agency (~20,000 rows at 2M documents).
        co_handled = list(
            self.model.co_handlers.through.objects.filter(user_id=user.pk).values_list("document_id", flat=True)
        )
        return self.filter(direction=Direction.INCOMING, status__in=OPEN_STATUSES).filter(
            Q(officer_id=user.pk) | Q(pk__in=co_handled)
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, deadline__lt=today)

    def search(self, text: str):
        """Accent-insensitive: every word must appear in the number, summary or issuer.
        On PostgreSQL a trigram index on `search_text` serves the LIKE."""
        for word in search_key(text).split():
            self = self.filter(search_text__contains=word)
        return self
