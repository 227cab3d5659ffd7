"""What the handling chain tells people: who is notified of each step, in what words, and the
event key that makes each notification unique (notifications/models.py).

Called by the services inside their transaction. A confidential document is never named in a
notification beyond its register number: the title also goes out by e-mail.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from recordsportal.models import User

from .choices import Direction


def label(document) -> str:
    """"Văn bản đến số 05/2026 (125/UBND-KT): V/v …"; a confidential one only by its number."""
    if document.direction == Direction.INCOMING:
        head = _("Văn bản đến số %(number)s/%(year)s") % {"number": document.display_number,
                                                             "year": document.register_year}
    else:
        head = _("Văn bản %(symbol)s") % {"symbol": document.number_symbol or document.display_number}
    if document.is_confidential:
        return _("%(head)s (văn bản mật)") % {"head": head}
    symbol = f" ({document.number_symbol})" if document.direction == Direction.INCOMING and document.number_symbol else ""
    summary = document.summary if len(document.summary) <= 120 else document.summary[:119] + "…"
    return f"{head}{symbol}: {summary}"


def _deadline(deadline) -> str:
    return _(", hạn xử lý %(date)s") % {"date": deadline.strftime("%d/%m/%Y")} if deadline else ""


def _url(document) -> str:
    return reverse("documents:detail", args=[document.pk])


def heads_of(department) -> list:
    """Who receives a department's work: its head and the people holding the department-head
    role in it (deputies)."""
    if department is None:
        return []
    return list(User.objects.heads_of(department))


def submitted(document, *, leaders) -> None:
    # One event per submission (a document sent back and submitted again is a new one).
    notify(recipients=leaders, kind=Kind.SUBMITTED, key=f"submitted:{document.pk}:{document.submitted_at.isoformat()}",
           title=_("Trình xin ý kiến chỉ đạo: %(document)s") % {"document": label(document)}, url=_url(document))


def assigned(document, *, note, new_co_handlers=()) -> None:
    """Leadership's assignment: the lead officer named, or (none named) the department's heads,
    whose inbox it is now in; the co-handlers added."""
    if document.officer_id:
        notify(recipients=[document.officer], kind=Kind.ASSIGNED, key=f"note:{note.pk}:officer",
               title=_("Lãnh đạo giao bạn chủ trì xử lý %(document)s%(deadline)s") % {
                   "document": label(document), "deadline": _deadline(document.deadline)},
               body=document.direction_note, url=_url(document))
    else:
        notify(recipients=heads_of(document.department), kind=Kind.ASSIGNED, key=f"note:{note.pk}:heads",
               title=_("Văn bản giao %(department)s chủ trì, chờ giao việc: %(document)s%(deadline)s") % {
                   "department": document.department.name, "document": label(document),
                   "deadline": _deadline(document.deadline)},
               body=document.direction_note, url=reverse("documents:department_inbox"))
    co_handlers(document, note=note, users=new_co_handlers)


def co_handlers(document, *, note, users) -> None:
    notify(recipients=users, kind=Kind.CO_HANDLER, key=f"note:{note.pk}:co",
           title=_("Bạn được phân công phối hợp xử lý %(document)s") % {"document": label(document)},
           url=_url(document))


def dispatched(document, *, note, officer, deadline, new_co_handlers=(), text="") -> None:
    notify(recipients=[officer], kind=Kind.DISPATCHED, key=f"note:{note.pk}:officer",
           title=_("Bạn được giao xử lý %(document)s%(deadline)s") % {
               "document": label(document), "deadline": _deadline(deadline)},
           body=text, url=_url(document))
    co_handlers(document, note=note, users=new_co_handlers)


def returned(document, *, note, recipients, reason) -> None:
    notify(recipients=recipients, kind=Kind.RETURNED, key=f"note:{note.pk}",
           title=_("Văn bản bị trả lại: %(document)s") % {"document": label(document)},
           body=_("Lý do: %(reason)s") % {"reason": reason}, url=_url(document))


def received(document, *, receipt) -> None:
    notify(recipients=heads_of(receipt.department), kind=Kind.RECEIVED, key=f"receipt:{receipt.pk}:received",
           title=_("%(department)s nhận văn bản nội bộ %(document)s") % {
               "department": receipt.department.name, "document": label(document)},
           url=_url(document))


def deadline(document_or_receipt, *, document, kind, recipients, day) -> None:
    """Due soon or overdue: once per document (or receipt) and deadline, whatever the days."""
    overdue = kind == Kind.OVERDUE
    scope = "receipt" if document_or_receipt is not document else "doc"
    title = (_("Quá hạn xử lý (hạn %(date)s): %(document)s") if overdue
             else _("Sắp đến hạn xử lý (hạn %(date)s): %(document)s")) % {
        "date": day.strftime("%d/%m/%Y"), "document": label(document)}
    notify(recipients=recipients, kind=kind, key=f"{kind}:{scope}:{document_or_receipt.pk}:{day.isoformat()}",
           title=title, url=_url(document), queue=False)
