"""Archive submission batches (nộp lưu) and their receipt."""


from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.models import Department, User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from .. import notices, rules
from ..choices import (
    BatchStatus, LineOutcome, Status,
)
from ..models import (
    ArchiveBatch, ArchiveBatchLine, Dossier,
)
from ._common import _refuse, _save


@transaction.atomic
def archive_batch_create(*, acting_user: User, department: Department, notes: str = "",
                         dossiers=()) -> ArchiveBatch:
    """A head starts a submission of their department's closed dossiers to the archive."""
    _refuse(rules.batch_create_problems(acting_user, department))
    batch = _save(ArchiveBatch(department=department, notes=normalize_text(notes), created_by=acting_user),
                  acting_user)
    if dossiers:
        archive_batch_add(acting_user=acting_user, batch=batch, dossiers=dossiers)
    return batch


@transaction.atomic
def archive_batch_add(*, acting_user: User, batch: ArchiveBatch, dossiers) -> list[ArchiveBatchLine]:
    batch = ArchiveBatch.objects.select_for_update().select_related("department").get(pk=batch.pk)
    _refuse(rules.batch_edit_problems(acting_user, batch))
    problems = []
    for dossier in dossiers:
        problems.extend(rules.batch_line_problems(dossier, batch))
    _refuse(problems)
    position = (batch.lines.aggregate(m=Max("position"))["m"] or 0)
    lines = []
    for offset, dossier in enumerate(dossiers, start=1):
        if batch.lines.filter(dossier=dossier).exists():
            continue
        if ArchiveBatchLine.objects.filter(dossier=dossier, outcome=LineOutcome.PENDING).exists():
            raise DomainError(_("Hồ sơ %(code)s đã có trong một lần nộp lưu khác.") % {"code": dossier.code})
        lines.append(ArchiveBatchLine.objects.create(batch=batch, dossier=dossier, position=position + offset))
    if lines:
        # The lines have no history of their own: the batch's row says who added which dossiers.
        audit.record([batch], acting_user=acting_user, reason=_("Thêm hồ sơ %(codes)s.") % {
            "codes": ", ".join(line.dossier.code for line in lines)})
    return lines


@transaction.atomic
def archive_batch_remove(*, acting_user: User, batch: ArchiveBatch, dossier: Dossier) -> None:
    batch = ArchiveBatch.objects.select_for_update().select_related("department").get(pk=batch.pk)
    _refuse(rules.batch_edit_problems(acting_user, batch))
    removed, _rows = batch.lines.filter(dossier=dossier).delete()
    if removed:
        audit.record([batch], acting_user=acting_user, reason=_("Bớt hồ sơ %(code)s.") % {"code": dossier.code})


@transaction.atomic
def archive_batch_submit(*, acting_user: User, batch: ArchiveBatch) -> ArchiveBatch:
    """Send the batch to the archive: every dossier in it must be closed and for the archive;
    they become read-only until the archive receives them."""
    batch = ArchiveBatch.objects.select_for_update().select_related("department").get(pk=batch.pk)
    dossiers = list(Dossier.all_objects.select_for_update().filter(batch_lines__batch=batch)
                    .select_related("department"))
    _refuse(rules.batch_submit_problems(acting_user, batch, dossiers))
    now = timezone.now()
    if ArchiveBatch.objects.filter(pk=batch.pk, status=BatchStatus.DRAFT).update(
            status=BatchStatus.SUBMITTED, submitted_by=acting_user, submitted_at=now) != 1:
        raise DomainError(_("Lần nộp lưu này đã được gửi."))
    moved = Dossier.objects.filter(pk__in=[d.pk for d in dossiers], status=Status.CLOSED).update(
        status=Status.SUBMITTED, return_reason="", updated_at=now)
    if moved != len(dossiers):
        raise DomainError(_("Một số hồ sơ vừa thay đổi trạng thái; tải lại trang và thử lại."))
    batch.refresh_from_db()
    audit.record([batch], acting_user=acting_user)
    audit.record(list(Dossier.all_objects.filter(pk__in=[d.pk for d in dossiers])), acting_user=acting_user)
    return batch


@transaction.atomic
def archive_batch_receive(*, acting_user: User, batch: ArchiveBatch, returns: dict[int, str] | None = None,
                          note: str = "") -> ArchiveBatch:
    """The archive (Office) receives a batch: each dossier accepted (archived, read-only from
    now on) or returned to its department with a reason. All returned: the batch is returned."""
    batch = ArchiveBatch.objects.select_for_update().get(pk=batch.pk)
    _refuse(rules.batch_receive_problems(acting_user, batch))
    returns = {int(k): normalize_text(v) for k, v in (returns or {}).items()}
    lines = list(batch.lines.select_related("dossier"))
    known = {line.dossier_id for line in lines}
    problems = [_("Hồ sơ %(id)s không thuộc lần nộp lưu này.") % {"id": pk} for pk in returns if pk not in known]
    problems += [_("Nhập lý do trả lại hồ sơ %(code)s.") % {"code": line.dossier.code}
                 for line in lines if line.dossier_id in returns and not returns[line.dossier_id]]
    _refuse(problems, field="returns")
    all_returned = bool(lines) and all(line.dossier_id in returns for line in lines)
    now = timezone.now()
    status = BatchStatus.RETURNED if all_returned else BatchStatus.RECEIVED
    if ArchiveBatch.objects.filter(pk=batch.pk, status=BatchStatus.SUBMITTED).update(
            status=status, received_by=acting_user, received_at=now, receipt_note=normalize_text(note)) != 1:
        raise DomainError(_("Lần nộp lưu đã được tiếp nhận."))
    accepted = [line.dossier_id for line in lines if line.dossier_id not in returns]
    batch.lines.filter(dossier_id__in=accepted).update(outcome=LineOutcome.ACCEPTED)
    Dossier.all_objects.filter(pk__in=accepted, status=Status.SUBMITTED).update(
        status=Status.ARCHIVED, archived_on=timezone.localdate(), updated_at=now)
    for line in lines:
        if line.dossier_id in returns:
            reason = returns[line.dossier_id]
            ArchiveBatchLine.objects.filter(pk=line.pk).update(outcome=LineOutcome.RETURNED, reason=reason)
            Dossier.all_objects.filter(pk=line.dossier_id, status=Status.SUBMITTED).update(
                status=Status.CLOSED, return_reason=reason, updated_at=now)
    batch.refresh_from_db()
    audit.record([batch], acting_user=acting_user)
    audit.record(list(Dossier.all_objects.filter(pk__in=known)), acting_user=acting_user)
    notices.dossiers_returned(batch, returns, [line.dossier for line in lines])
    return batch


def archive_batch_return(*, acting_user: User, batch: ArchiveBatch, reason: str) -> ArchiveBatch:
    """Return the whole batch with one reason."""
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do trả lại."), field="reason")
    ids = list(batch.lines.values_list("dossier_id", flat=True))
    return archive_batch_receive(acting_user=acting_user, batch=batch, returns={pk: reason for pk in ids},
                                 note=reason)
