"""Read rules for file plans, dossiers, archive batches and retention lists: who sees which
(`visible_to`, the one scoping function of each model), due and overdue, the H ratio.

Every list, export, API endpoint and total goes through `visible_to`; one object goes through
the `*_get_for_user` functions, which answer 404 for missing and out-of-scope alike.
"""

import datetime

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from recordsportal.access import Scope, scope_filter, scope_of
from recordsportal.guards import get_visible_or_404
from recordsportal.text import search_key

from .choices import ARCHIVE_MIN_YEARS, DUE_NOTICE_DAYS, PERMANENT, Form, Status


def department_ids_under(paths) -> list[int]:
    """Ids of the departments at or under the given tree paths (a small table: one query)."""
    from recordsportal.models import Department

    if not paths:
        return []
    return list(Department.objects.under_paths(paths).values_list("pk", flat=True))


def archive_bound() -> Q:
    """Dossiers whose retention sends them to the archive: permanent or 5 years and more."""
    return Q(retention_years=PERMANENT) | Q(retention_years__gte=ARCHIVE_MIN_YEARS)


def not_retained(today) -> Q:
    """An approved retention line holds a dossier back until its date."""
    return Q(retained_until__isnull=True) | Q(retained_until__lt=today)


class DossierManager(models.Manager):
    """Dossiers not in the trash. The trash is `Dossier.all_objects.filter(is_deleted=True)`."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers: the dossiers they keep; heads: those formed by their department and its
        units (and their own); the Office, leadership and administrators: all. A head's
        departments are matched by id (`access.scope_filter`), so PostgreSQL uses the
        (department, opened_on, form) index."""
        return self.filter(scope_filter(user, department="department", owners=["officer_id"]))

    def in_department(self, department):
        """Formed by `department` or a unit under it."""
        return self.filter(department_id__in=department_ids_under([department.path]))

    def kept_by(self, user):
        return self.filter(officer_id=user.pk)

    def opened_between(self, start: datetime.date, end: datetime.date):
        return self.filter(opened_on__gte=start, opened_on__lte=end)

    def electronic_ratio(self) -> dict:
        """The H ratio's numerator and denominator in one aggregate (no rows in Python).
        `ratio` is None for an empty period: no dossiers is not 0%."""
        figures = self.aggregate(total=Count("pk"), electronic=Count("pk", filter=Q(form=Form.ELECTRONIC)))
        total, electronic = figures["total"], figures["electronic"]
        figures["ratio"] = (electronic * 100 / total) if total else None
        return figures

    def due_soon(self, today=None):
        """Closed dossiers for the archive falling due within the notice period (or overdue),
        not held back by an approved retention line."""
        today = today or timezone.localdate()
        return self.filter(
            status=Status.CLOSED, due_on__isnull=False, due_on__lte=today + datetime.timedelta(days=DUE_NOTICE_DAYS)
        ).filter(not_retained(today))

    def due_by(self, day):
        """Closed dossiers for the archive due on or before `day` (e.g. 31 December: what the
        department must submit this year), not held back by retention."""
        today = timezone.localdate()
        return self.filter(status=Status.CLOSED, due_on__isnull=False, due_on__lte=day).filter(not_retained(today))

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=Status.CLOSED, due_on__lt=today).filter(not_retained(today))

    def submittable(self):
        """What a head may put in a submission batch: closed, for the archive."""
        return self.filter(status=Status.CLOSED).filter(archive_bound())

    def search(self, text: str):
        """Accent-insensitive: every word must appear in the code or the title."""
        for word in search_key(text).split():
            self = self.filter(search_text__contains=word)
        return self


class FilePlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Heads and agency-wide roles as for dossiers; an officer also reads the plan of their
        own department (they open dossiers from its entries)."""
        scope = scope_of(user)
        if scope is Scope.AGENCY:
            # Not `scope_filter(...) | Q(...)`: the agency's filter is an empty Q, and `Q() | x`
            # is just `x`, which hid every other department's plan from the Office and the
            # administrator (found by tests/recordsportal/test_url_matrix.py).
            return self.all()
        visible = scope_filter(user, department="department")
        if scope is not Scope.NONE and user.department_id:
            visible |= Q(department_id=user.department_id)
        return self.filter(visible)


class ArchiveBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Heads: their department's batches; the Office (the archive), leadership: all."""
        return self.filter(scope_filter(user, department="department"))


class RetentionListQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_filter(user, department="department"))


# --- one object, or 404 --------------------------------------------------------------------------


def dossier_get_for_user(*, user, pk, include_deleted=False):
    from .models import Dossier

    manager = Dossier.all_objects if include_deleted else Dossier.objects
    queryset = manager.visible_to(user).select_related("department", "officer", "plan_entry__plan", "created_by")
    return get_visible_or_404(queryset, pk=pk)


def file_plan_get_for_user(*, user, pk):
    from .models import FilePlan

    return get_visible_or_404(FilePlan.objects.visible_to(user).select_related("department"), pk=pk)


def archive_batch_get_for_user(*, user, pk):
    from .models import ArchiveBatch

    queryset = ArchiveBatch.objects.visible_to(user).select_related(
        "department", "created_by", "submitted_by", "received_by")
    return get_visible_or_404(queryset, pk=pk)


def retention_list_get_for_user(*, user, pk):
    from .models import RetentionList

    queryset = RetentionList.objects.visible_to(user).select_related("department", "created_by", "decided_by")
    return get_visible_or_404(queryset, pk=pk)


# --- a dossier's contents, as one viewer may read them --------------------------------------------


def dossier_items_for(user, dossier) -> list:
    """The dossier's items in order, each carrying `shown` (what `user` may read of its document,
    `documents.querysets.documents_shown_to`; None for a file or paper item) and `shown_title`.

    The page, the API and the rules' messages about items read the document through `shown`
    only: a head sees his officer's dossier but not a confidential document in it (issue 12).
    """
    return items_shown_to(user, dossier.items.select_related("document", "added_by"))


def items_shown_to(user, items) -> list:
    """`items` (of any dossiers) with `shown` and `shown_title` for `user`: one query."""
    from documents.querysets import documents_shown_to

    items = list(items)
    shown = documents_shown_to(user, [item.document for item in items if item.document_id])
    for item in items:
        item.shown = shown.get(item.document_id)
        item.shown_title = item.shown.title if item.shown else (item.title or item.original_name)
    return items
