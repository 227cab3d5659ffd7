"""One way to change a row with its history.

Every service changes an audited row (a model with `history = HistoricalRecords()`) through one of
these functions, inside the service's transaction, and names the acting user:

- `save(instance, acting_user=…, reason=…)` — an ordinary save; simple-history's post_save hook
  writes the history row, stamped with the user and the reason.
- `delete(instance, acting_user=…)` — the same for a row that is really removed (a dossier item).
- `claim(instance, expected={…}, changes={…}, acting_user=…)` — a race-safe state change:
  `UPDATE … WHERE pk = … AND <expected>` (STYLE.md §7). When exactly one row matched, the
  instance is refreshed and exactly one history row is written from it, in the same
  transaction, without a second save; otherwise nothing is written and False comes back, and
  the caller refuses with its own message.
- `record(instances, acting_user=…)` — the history rows of rows already changed by one UPDATE
  or `bulk_update` (a batch submitted with its dossiers, a hand-over); `record_ids` fetches
  them first.

Outside a request (commands, Celery tasks) simple-history cannot know the author: the services
always pass it, so every history row names who did it, or None for the system itself.
"""

from collections.abc import Iterable

from django.db import models, transaction


def _reason_for(model: type[models.Model], reason: str | None) -> str | None:
    """A reason that fits the history table's column (100 characters unless the model chose a
    TextField for notes: documents and receipts)."""
    if not reason:
        return None
    field = model.history.model._meta.get_field("history_change_reason")
    limit = getattr(field, "max_length", None)
    return str(reason)[:limit] if limit else str(reason)


def _stamp(instance: models.Model, acting_user, reason: str | None) -> models.Model:
    instance._history_user = acting_user
    reason = _reason_for(type(instance), reason)
    if reason:
        instance._change_reason = reason
    else:
        instance.__dict__.pop("_change_reason", None)
    return instance


def save(instance: models.Model, *, acting_user, reason: str | None = None,
         update_fields: Iterable[str] | None = None) -> models.Model:
    """Save `instance`; its history row names `acting_user` (and `reason`, if any)."""
    _stamp(instance, acting_user, reason).save(update_fields=update_fields)
    return instance


def delete(instance: models.Model, *, acting_user, reason: str | None = None) -> None:
    """Delete `instance` for good; the history keeps its last state ("-") with the user."""
    _stamp(instance, acting_user, reason).delete()


def record(instances: Iterable[models.Model], *, acting_user, reason: str | None = None, created: bool = False) -> None:
    """One history row ("~", or "+" when `created`) per instance, for rows an UPDATE,
    bulk_update or bulk_create already wrote. The instances must hold the values now in the
    database (refresh or re-fetch them)."""
    instances = list(instances)
    if not instances:
        return
    model = type(instances[0])
    for instance in instances:
        _stamp(instance, acting_user, reason)
    model.history.bulk_history_create(instances, update=not created, default_user=acting_user,
                                      default_change_reason=_reason_for(model, reason) or "")


def record_ids(model: type[models.Model], ids: Iterable[int], *, acting_user, reason: str | None = None,
               chunk: int = 1000) -> None:
    """`record` for rows known by id (a bulk_update over a `.only()` queryset): re-read them in
    chunks, so a history row holds every tracked field."""
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        record(model._base_manager.filter(pk__in=ids[start:start + chunk]), acting_user=acting_user, reason=reason)


def claim(instance: models.Model, *, expected: dict, changes: dict, acting_user, reason: str | None = None,
          queryset: models.QuerySet | None = None) -> bool:
    """`UPDATE … SET <changes> WHERE pk = instance.pk AND <expected>`; True if this call changed
    the row. The instance is then refreshed and its one history row written, in the same
    transaction. `queryset` narrows the rows that may be claimed (Document.all_objects for a
    row in the trash); it defaults to the model's default manager."""
    queryset = queryset if queryset is not None else type(instance)._default_manager.all()
    with transaction.atomic():
        if queryset.filter(pk=instance.pk, **expected).update(**changes) != 1:
            return False
        instance.refresh_from_db()
        record([instance], acting_user=acting_user, reason=reason)
    return True
