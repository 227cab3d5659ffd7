"""Retention lists (danh mục hồ sơ giữ lại) and leadership's decision."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.models import Department, User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from .. import notices, rules
from ..choices import (
    Decision, RetentionStatus,
)
from ..models import (
    Dossier, RetentionLine, RetentionList,
)
from ._common import _refuse, _save


@transaction.atomic
def retention_list_create(*, acting_user: User, department: Department) -> RetentionList:
    _refuse(rules.retention_create_problems(acting_user, department))
    return _save(RetentionList(department=department, created_by=acting_user), acting_user)


@transaction.atomic
def retention_line_add(*, acting_user: User, retention_list: RetentionList, dossier: Dossier, reason: str,
                       keep_until: datetime.date | None) -> RetentionLine:
    """List a due dossier to keep, with the reason and the date — at most two years after its
    due date (Decree 30, Art. 31.3.d); a later date is refused."""
    retention_list = RetentionList.objects.select_for_update().select_related("department").get(pk=retention_list.pk)
    _refuse(rules.retention_edit_problems(acting_user, retention_list))
    if not dossier.department.path.startswith(retention_list.department.path):
        raise DomainError(_("Hồ sơ %(code)s không thuộc đơn vị.") % {"code": dossier.code}, field="dossier")
    _refuse(rules.keep_until_problems(dossier, keep_until), field="keep_until")
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do giữ lại."), field="reason")
    return _save(RetentionLine(retention_list=retention_list, dossier=dossier, reason=reason, keep_until=keep_until),
                 acting_user)


@transaction.atomic
def retention_line_remove(*, acting_user: User, line: RetentionLine) -> None:
    _refuse(rules.retention_edit_problems(acting_user, line.retention_list))
    audit.delete(line, acting_user=acting_user)


@transaction.atomic
def retention_list_submit(*, acting_user: User, retention_list: RetentionList) -> RetentionList:
    _refuse(rules.retention_submit_problems(acting_user, retention_list))
    if not audit.claim(retention_list, expected={"status": RetentionStatus.DRAFT}, acting_user=acting_user,
                       changes={"status": RetentionStatus.SUBMITTED, "submitted_at": timezone.now()}):
        retention_list.refresh_from_db()  # sent by another request meanwhile: say so with the rule's words
        _refuse(rules.retention_submit_problems(acting_user, retention_list))
    return retention_list


@transaction.atomic
def retention_line_decide(*, acting_user: User, line: RetentionLine, approve: bool, note: str = "") -> RetentionLine:
    """Leadership approves or rejects one line. An approved line holds the dossier back (not
    overdue) until its date; when no line is left pending the list is decided."""
    line = RetentionLine.objects.select_for_update().select_related("retention_list", "dossier").get(pk=line.pk)
    _refuse(rules.retention_decide_problems(acting_user, line.retention_list))
    decision = Decision.APPROVED if approve else Decision.REJECTED
    if not approve and not normalize_text(note):
        raise DomainError(_("Nhập lý do không đồng ý."), field="note")
    if not audit.claim(line, expected={"decision": Decision.PENDING}, acting_user=acting_user,
                       changes={"decision": decision, "decision_note": normalize_text(note)}):
        raise DomainError(_("Hồ sơ này đã được duyệt."))
    if approve:
        audit.claim(line.dossier, expected={}, changes={"retained_until": line.keep_until}, acting_user=acting_user,
                    queryset=Dossier.all_objects.all())
    retention_list = line.retention_list
    if not retention_list.lines.filter(decision=Decision.PENDING).exists():
        RetentionList.objects.filter(pk=retention_list.pk, status=RetentionStatus.SUBMITTED).update(
            status=RetentionStatus.DECIDED, decided_by=acting_user, decided_at=timezone.now())
        retention_list.refresh_from_db()
        audit.record([retention_list], acting_user=acting_user)
        notices.retention_decided(retention_list)
    return line
