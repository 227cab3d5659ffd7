"""Read rules for documents: who sees which, search, overdue."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from recordsportal.access import Scope, managed_department_paths, scope_of
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
        co_handler = self.model.co_handlers.through.objects.filter(document_id=OuterRef("pk"), user_id=user.pk)
        named = Q(officer_id=user.pk) | Q(created_by_id=user.pk) | Exists(co_handler)
        if scope is Scope.DEPARTMENT:
            in_department = Q(pk__in=[])
            for path in managed_department_paths(user):
                received = self.model.recipient_departments.through.objects.filter(
                    document_id=OuterRef("pk"), department__path__startswith=path
                )
                in_department |= Q(department__path__startswith=path) | Exists(received)
            return self.filter(named | (in_department & Q(confidentiality=Confidentiality.NORMAL)))
        return self.filter(named)

    def to_handle_by(self, user):
        """Incoming documents the user leads or co-handles that are not done yet."""
        co_handler = self.model.co_handlers.through.objects.filter(document_id=OuterRef("pk"), user_id=user.pk)
        return self.filter(direction=Direction.INCOMING, status__in=OPEN_STATUSES).filter(
            Q(officer_id=user.pk) | Exists(co_handler)
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
