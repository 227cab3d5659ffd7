"""Write rules for the handling chain inside a department (issue 15): one function per action,
each in one transaction, with its history row (who, when, and the note as the row's reason),
its handling note and its notifications.

  incoming: leadership assigns a department (services.incoming_assign) → its head dispatches to
  an officer, or reassigns (incoming_dispatch) → the officer handles and completes (services) —
  and each can send it back with a reason (incoming_return): the officer to their head, the
  head or leadership to the Office.

  internal: sending makes one receipt per receiving department (receipts_create) → its head
  acknowledges (receipt_acknowledge) and dispatches (receipt_dispatch) → the officer handles and
  completes (receipt_record_progress, receipt_complete); the head can send it back to the sender
  as not their department's, the officer back to the head (receipt_return).

Pages and the API act on a document; the `document_*` functions route to the incoming or the
receipt service, so each rule is written once.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.models import User
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from . import notices, rules, services
from .choices import Direction, Status
from .models import Document, HandlingNote, Receipt


def _refuse(problems: list[str], field: str | None = None) -> None:
    if problems:
        raise DomainError(" ".join(problems), field=field)


def _reason(reason: str) -> str:
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do trả lại."), field="reason")
    return reason


# --- incoming documents --------------------------------------------------------------------------


@transaction.atomic
def incoming_dispatch(*, acting_user: User, document: Document, officer: User | None,
                      deadline: datetime.date | None = None, co_handlers=(), note: str = "") -> Document:
    """The head of the lead department gives the document to an officer of the department or its
    units, with a deadline no later than leadership's, co-handlers and a note; again later to
    another officer (a reassignment). Leadership's co-handlers from other departments stay."""
    document = services._locked(document)
    _refuse(rules.dispatch_problems(acting_user, document))
    co_handlers = list(co_handlers or [])
    deadline = deadline or document.leadership_deadline
    _refuse(rules.dispatch_choice_problems(department=document.department, officer=officer, co_handlers=co_handlers,
                                    deadline=deadline, latest=document.leadership_deadline,
                                    earliest=document.register_date))
    note = normalize_text(note)
    previous = document.officer
    reassigned = previous is not None and previous.pk != officer.pk
    if reassigned:
        text = _("Giao lại từ %(old)s cho %(new)s.") % {"old": previous.full_name, "new": officer.full_name}
    else:
        text = _("Giao %(officer)s xử lý.") % {"officer": officer.full_name}
    text = f"{text} {note}".strip()
    document.officer, document.deadline = officer, deadline
    document.dispatched_by, document.dispatched_at = acting_user, timezone.now()
    document.return_reason = ""
    document._change_reason = text
    services._save(document, acting_user)
    current = list(document.co_handlers.select_related("department"))
    others = [u for u in current if not rules.in_department(u, document.department)]
    document.co_handlers.set(others + co_handlers)
    handling_note = HandlingNote.objects.create(
        document=document, author=acting_user, text=text,
        kind=HandlingNote.Kind.REASSIGNMENT if reassigned else HandlingNote.Kind.DISPATCH)
    before = {u.pk for u in current}
    notices.dispatched(document, note=handling_note, officer=officer, deadline=deadline, text=note,
                       new_co_handlers=[u for u in co_handlers if u.pk not in before])
    return document


@transaction.atomic
def incoming_return(*, acting_user: User, document: Document, reason: str) -> Document:
    """Send the document back one step, with the reason (documents/rules.py `return_target`):
    the lead officer to the department's inbox; the head (not their department's) or leadership
    to the Office, which submits it again."""
    document = services._locked(document)
    _refuse(rules.return_problems(acting_user, document))
    target = rules.return_target(acting_user, document)
    reason = _reason(reason)
    if target == "department":
        text = _("%(officer)s trả lại %(department)s: %(reason)s") % {
            "officer": acting_user.full_name, "department": document.department.name, "reason": reason}
        recipients = notices.heads_of(document.department)
        document.officer = None
        document.deadline = document.leadership_deadline
        document.dispatched_by = document.dispatched_at = None
        document.status = Status.ASSIGNED
    else:
        text = _("Trả lại Văn phòng: %(reason)s") % {"reason": reason}
        # The clerk who registered it, and the leader who had assigned it (when a head returns it).
        recipients = [document.created_by, document.assigned_by if document.assigned_by_id != acting_user.pk else None]
        document.department = document.officer = None
        document.deadline = document.leadership_deadline = None
        document.assigned_by = document.assigned_at = document.dispatched_by = document.dispatched_at = None
        document.submitted_to = document.submitted_at = None
        document.direction_note = ""
        document.status = Status.REGISTERED
        document.co_handlers.clear()
    document.return_reason = reason
    document._change_reason = text
    services._save(document, acting_user)
    handling_note = HandlingNote.objects.create(document=document, author=acting_user, kind=HandlingNote.Kind.RETURN,
                                                text=text)
    notices.returned(document, note=handling_note, recipients=[u for u in recipients if u is not None],
                     reason=reason)
    return document


# --- internal documents: one receipt per receiving department --------------------------------------


def receipts_create(*, document: Document, departments) -> list[Receipt]:
    """Inside the sending transaction: each receiving department's handling, and its heads told."""
    receipts = []
    for department in departments:
        receipt = audit.save(Receipt(document=document, department=department), acting_user=document.created_by)
        notices.received(document, receipt=receipt)
        receipts.append(receipt)
    return receipts


def _locked_receipt(receipt: Receipt) -> Receipt:
    return Receipt.objects.select_for_update().select_related("document", "department").get(pk=receipt.pk)


def _save_receipt(receipt: Receipt, acting_user: User, reason: str) -> Receipt:
    receipt.full_clean()
    return audit.save(receipt, acting_user=acting_user, reason=reason)


def _receipt_note(receipt: Receipt, acting_user: User, kind: str, text: str) -> HandlingNote:
    return HandlingNote.objects.create(document=receipt.document, receipt=receipt, author=acting_user, kind=kind,
                                       text=text)


@transaction.atomic
def receipt_acknowledge(*, acting_user: User, receipt: Receipt) -> Receipt:
    """The head of the receiving department confirms it arrived (tiếp nhận)."""
    receipt = _locked_receipt(receipt)
    _refuse(rules.receipt_acknowledge_problems(acting_user, receipt))
    receipt.status = Receipt.Status.ACKNOWLEDGED
    receipt.acknowledged_by, receipt.acknowledged_at = acting_user, timezone.now()
    text = _("%(department)s tiếp nhận.") % {"department": receipt.department.name}
    _save_receipt(receipt, acting_user, text)
    _receipt_note(receipt, acting_user, HandlingNote.Kind.ACKNOWLEDGEMENT, text)
    return receipt


@transaction.atomic
def receipt_dispatch(*, acting_user: User, receipt: Receipt, officer: User | None,
                     deadline: datetime.date | None = None, co_handlers=(), note: str = "") -> Receipt:
    """The head gives the received document to an officer of the department or its units
    (acknowledging it if not yet done), or to another one later."""
    receipt = _locked_receipt(receipt)
    _refuse(rules.receipt_dispatch_problems(acting_user, receipt))
    co_handlers = list(co_handlers or [])
    _refuse(rules.dispatch_choice_problems(department=receipt.department, officer=officer, co_handlers=co_handlers,
                                    deadline=deadline, earliest=receipt.document.register_date))
    note = normalize_text(note)
    previous = receipt.officer
    reassigned = previous is not None and previous.pk != officer.pk
    if reassigned:
        text = _("Giao lại từ %(old)s cho %(new)s.") % {"old": previous.full_name, "new": officer.full_name}
    else:
        text = _("Giao %(officer)s xử lý.") % {"officer": officer.full_name}
    text = f"{text} {note}".strip()
    now = timezone.now()
    if receipt.status == Receipt.Status.RECEIVED:
        receipt.acknowledged_by, receipt.acknowledged_at = acting_user, now
    if receipt.status != Receipt.Status.IN_PROGRESS:
        receipt.status = Receipt.Status.ASSIGNED
    receipt.officer, receipt.deadline, receipt.note = officer, deadline, note
    receipt.dispatched_by, receipt.dispatched_at = acting_user, now
    receipt.return_reason = ""
    _save_receipt(receipt, acting_user, text)
    before = set(receipt.co_handlers.values_list("pk", flat=True))
    receipt.co_handlers.set(co_handlers)
    handling_note = _receipt_note(receipt, acting_user,
                                  HandlingNote.Kind.REASSIGNMENT if reassigned else HandlingNote.Kind.DISPATCH, text)
    notices.dispatched(receipt.document, note=handling_note, officer=officer, deadline=deadline, text=note,
                       new_co_handlers=[u for u in co_handlers if u.pk not in before])
    return receipt


@transaction.atomic
def receipt_return(*, acting_user: User, receipt: Receipt, reason: str) -> Receipt:
    """The head sends it back to the sender as not their department's; the officer gives it
    back to their head."""
    receipt = _locked_receipt(receipt)
    _refuse(rules.receipt_return_problems(acting_user, receipt))
    target = rules.receipt_return_target(acting_user, receipt)
    reason = _reason(reason)
    document = receipt.document
    if target == "department":
        text = _("%(officer)s trả lại %(department)s: %(reason)s") % {
            "officer": acting_user.full_name, "department": receipt.department.name, "reason": reason}
        recipients = notices.heads_of(receipt.department)
        receipt.status = Receipt.Status.ACKNOWLEDGED
        receipt.officer = receipt.dispatched_by = receipt.dispatched_at = None
    else:
        text = _("%(department)s trả lại nơi gửi: %(reason)s") % {"department": receipt.department.name,
                                                                   "reason": reason}
        recipients = [document.officer, document.created_by]
        receipt.status = Receipt.Status.RETURNED
    receipt.return_reason = reason
    _save_receipt(receipt, acting_user, text)
    handling_note = _receipt_note(receipt, acting_user, HandlingNote.Kind.RETURN, text)
    notices.returned(document, note=handling_note, recipients=[u for u in recipients if u is not None],
                     reason=reason)
    return receipt


@transaction.atomic
def receipt_record_progress(*, acting_user: User, receipt: Receipt, text: str) -> HandlingNote:
    receipt = _locked_receipt(receipt)
    _refuse(rules.receipt_progress_problems(acting_user, receipt))
    text = normalize_text(text)
    if not text:
        raise DomainError(_("Nhập nội dung tiến độ."), field="text")
    if receipt.status == Receipt.Status.ASSIGNED:
        receipt.status = Receipt.Status.IN_PROGRESS
        _save_receipt(receipt, acting_user, _("Đang xử lý"))
    return _receipt_note(receipt, acting_user, HandlingNote.Kind.PROGRESS, text)


@transaction.atomic
def receipt_complete(*, acting_user: User, receipt: Receipt, text: str = "") -> Receipt:
    receipt = _locked_receipt(receipt)
    _refuse(rules.receipt_complete_problems(acting_user, receipt))
    text = normalize_text(text) or _("Đã hoàn thành xử lý.")
    receipt.status = Receipt.Status.DONE
    receipt.completed_at = timezone.now()
    _save_receipt(receipt, acting_user, text)
    _receipt_note(receipt, acting_user, HandlingNote.Kind.COMPLETION, text)
    return receipt


# --- one entry per action for pages and the API ---------------------------------------------------------


def _receipt_of(acting_user: User, document: Document, receipt: Receipt | None) -> Receipt | None:
    """For an internal document, the receipt the actor acts on (None for other documents)."""
    if document.direction != Direction.INTERNAL:
        return None
    if receipt is not None and receipt.document_id != document.pk:
        receipt = None
    receipt = receipt or rules.receipt_for(acting_user, document)
    if receipt is None:
        raise DomainError(_("Văn bản nội bộ này không gửi tới phòng, đơn vị của bạn."))
    return receipt


def document_acknowledge(*, acting_user: User, document: Document, receipt: Receipt | None = None) -> Document:
    receipt = _receipt_of(acting_user, document, receipt)
    if receipt is None:
        raise DomainError(_("Chỉ văn bản nội bộ gửi tới phòng, đơn vị mới cần tiếp nhận."))
    receipt_acknowledge(acting_user=acting_user, receipt=receipt)
    return document


def document_dispatch(*, acting_user: User, document: Document, officer: User | None,
                      deadline: datetime.date | None = None, co_handlers=(), note: str = "",
                      receipt: Receipt | None = None) -> Document:
    receipt = _receipt_of(acting_user, document, receipt)
    if receipt is None:
        return incoming_dispatch(acting_user=acting_user, document=document, officer=officer, deadline=deadline,
                                 co_handlers=co_handlers, note=note)
    receipt_dispatch(acting_user=acting_user, receipt=receipt, officer=officer, deadline=deadline,
                     co_handlers=co_handlers, note=note)
    return document


def document_return(*, acting_user: User, document: Document, reason: str, receipt: Receipt | None = None) -> Document:
    receipt = _receipt_of(acting_user, document, receipt)
    if receipt is None:
        return incoming_return(acting_user=acting_user, document=document, reason=reason)
    receipt_return(acting_user=acting_user, receipt=receipt, reason=reason)
    return document


def document_record_progress(*, acting_user: User, document: Document, text: str,
                             receipt: Receipt | None = None) -> HandlingNote:
    receipt = _receipt_of(acting_user, document, receipt)
    if receipt is None:
        return services.incoming_record_progress(acting_user=acting_user, document=document, text=text)
    return receipt_record_progress(acting_user=acting_user, receipt=receipt, text=text)


def document_complete(*, acting_user: User, document: Document, text: str = "",
                      receipt: Receipt | None = None) -> Document:
    receipt = _receipt_of(acting_user, document, receipt)
    if receipt is None:
        return services.incoming_complete(acting_user=acting_user, document=document, text=text)
    receipt_complete(acting_user=acting_user, receipt=receipt, text=text)
    return document




# --- the daily deadline reminder ---------------------------------------------------------------------


def deadline_reminders_send(*, today: datetime.date | None = None) -> int:
    """Tell the handling officers (and co-handlers) and the heads of the lead department of every
    open incoming document due within DOCUMENT_DUE_SOON_DAYS or overdue, and likewise for
    internal documents dispatched inside a receiving department: once per document and deadline
    ("due soon", then "overdue"), so the daily run can be repeated or retried. The Office sees
    the same list on documents:deadlines. Returns the number of documents and receipts notified."""
    from notifications.models import Kind
    from notifications.services import queue_emails

    from .inbox import open_with_deadline, receipts_with_deadline

    today = today or timezone.localdate()
    heads: dict[int, list] = {}

    def heads_of(department):
        if department is None:
            return []
        if department.pk not in heads:
            heads[department.pk] = notices.heads_of(department)
        return heads[department.pk]

    count = 0
    with transaction.atomic():
        documents = (open_with_deadline(today).filter(is_deleted=False)
                     .select_related("officer", "department").prefetch_related("co_handlers"))
        for document in documents.iterator(chunk_size=500):
            kind = Kind.OVERDUE if document.deadline < today else Kind.DUE_SOON
            people = [document.officer, *document.co_handlers.all(), *heads_of(document.department)]
            notices.deadline(document, document=document, kind=kind, recipients=people, day=document.deadline)
            count += 1
        receipts = (receipts_with_deadline(today).exclude(officer__isnull=True)
                    .select_related("officer", "department", "document").prefetch_related("co_handlers"))
        for receipt in receipts.iterator(chunk_size=500):
            kind = Kind.OVERDUE if receipt.deadline < today else Kind.DUE_SOON
            people = [receipt.officer, *receipt.co_handlers.all(), *heads_of(receipt.department)]
            notices.deadline(receipt, document=receipt.document, kind=kind, recipients=people, day=receipt.deadline)
            count += 1
        queue_emails()
    return count
