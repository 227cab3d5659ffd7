"""Write rules of the edXML exchange: one function per action, each in one transaction.

Receiving reads the whole package (edxml.read_package: bounded, content-checked) before anything
is written; a refused package leaves no row and no file. Registering goes through the documents
app's own `incoming_register` (numbering, duplicate rule, attachment checks), with the received
medium and form electronic and the package itself kept as an attachment — the evidence. Every
status sent back to a sender, and every document package sent out, is written after the commit
(`transaction.on_commit`), so a rolled-back action sends nothing.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from documents import services as document_services
from documents.attachments import sha256_of
from documents.choices import Confidentiality, Direction, Form, Kind, Status, kind_from_label
from documents.models import Document
from recordsportal import audit
from recordsportal.models import Agency, User
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key

from . import conf, edxml
from . import schema as S
from .models import InboundPackage, Organisation, OutboundPackage

logger = logging.getLogger(__name__)


def _require_office(user: User | None) -> None:
    # A package taken from the inbound folder by the scheduler has no acting user.
    if user is not None and not user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ văn thư được nhận và gửi văn bản liên thông."))


def _party(agency: Agency) -> edxml.Party:
    return edxml.Party(code=agency.identifier_code, name=agency.name, in_charge=agency.parent_name or agency.name)


# --- receiving ---------------------------------------------------------------------------------------------


@dataclass
class Received:
    outcome: str  # "received", "duplicate", "already", "status"
    package: InboundPackage | None = None
    message: str = ""


def _issuer(package: edxml.DocumentPackage, organisation: Organisation | None) -> str:
    """The issuer's name as the directory spells it (so the duplicate rule, which compares
    issuers, sees the same name whatever the sender typed), else as the package gives it."""
    if organisation is not None:
        return organisation.name
    return package.sender.name or package.sender.in_charge or package.sender.code


def _duplicates(package: edxml.DocumentPackage, issuer: str) -> tuple[Document | None, InboundPackage | None]:
    """The incoming document, or the package waiting, that already holds this document: the same
    DocumentId from the same sender, or the same number, issuer and date."""
    document = None
    earlier = None
    if package.document_id:
        earlier = (InboundPackage.objects.filter(sender_code=package.sender.code, edxml_id=package.document_id)
                   .exclude(state=InboundPackage.State.REFUSED).order_by("pk").first())
    if earlier is None and package.number_symbol and package.promulgation_date:
        earlier = (InboundPackage.objects.filter(sender_code=package.sender.code, number_symbol=package.number_symbol,
                                                 document_date=package.promulgation_date)
                   .exclude(state=InboundPackage.State.REFUSED).order_by("pk").first())
    if earlier is not None and earlier.document_id:
        document = Document.objects.filter(pk=earlier.document_id).first()
    if document is None:
        document = document_services.find_duplicate(number_symbol=package.number_symbol, issuer=issuer,
                                                    document_date=package.promulgation_date)
    return document, earlier


def package_receive(*, acting_user: User | None, stream, name: str, source: str, size: int | None = None,
                    stored_name: str = "") -> Received:
    """Receive one package. A document package becomes a pending `InboundPackage`, pre-filled;
    a refused one raises `edxml.PackageError` and leaves nothing. The same file received again
    is "already" (nothing new); the same document in another package is kept, flagged as a
    duplicate, and cannot be registered. `stored_name`: the package is already in storage there
    (a batch item), so it is not copied."""
    _require_office(acting_user)
    sha256 = sha256_of(stream)
    existing = InboundPackage.objects.filter(sha256=sha256).first()
    if existing is not None:
        return Received("already", existing, _("Gói này đã được nhận lúc %(when)s (%(symbol)s).") % {
            "when": timezone.localtime(existing.received_at).strftime("%H:%M %d/%m/%Y"),
            "symbol": existing.number_symbol})
    with edxml.read_package(stream, size=size) as package:
        if package.kind == "status":
            return status_received(package)
        agency = Agency.load()
        addressed = [party.code for party in package.recipients]
        if agency.identifier_code not in addressed:
            raise edxml.PackageError(
                _("Gói gửi tới mã định danh %(codes)s (<To>/<OrganId>), không phải mã của cơ quan (%(own)s).")
                % {"codes": ", ".join(addressed), "own": agency.identifier_code})
        organisation = Organisation.objects.filter(code=package.sender.code).first() if package.sender.code else None
        issuer = _issuer(package, organisation)
        duplicate_document, duplicate_package = _duplicates(package, issuer)
        row = InboundPackage(
            source=source, original_name=edxml.safe_file_name(name, "goi-van-ban.edxml")[:255],
            size=size if size is not None else _size(stream), sha256=sha256,
            edxml_id=package.document_id[:255], sender_code=package.sender.code[:64], sender_name=issuer[:255],
            number_symbol=package.number_symbol[:100], document_date=package.promulgation_date,
            place=package.place[:100], kind=kind_from_label(package.type_name) or Kind.OTHER,
            type_name=package.type_name[:100], summary=package.subject or package.content,
            signer=package.signer_name[:150], due_date=package.due_date, urgency=package.urgency,
            recipients="\n".join(party.name or party.code for party in package.recipients),
            attachments_meta=[attachment.meta() for attachment in package.attachments],
            organisation=organisation, duplicate_of_document=duplicate_document,
            duplicate_of_package=duplicate_package, received_by=acting_user,
        )
    try:
        with transaction.atomic():
            if stored_name:
                row.file.name = stored_name
            else:
                stream.seek(0)
                row.file.save("package.edxml", File(stream), save=False)
            audit.save(row, acting_user=acting_user)
            transaction.on_commit(lambda: status_send(inbound_id=row.pk, code=S.StatusCode.RECEIVED,
                                                      acting_user_id=getattr(acting_user, "pk", None)))
    except IntegrityError:
        # The same file, received at the same moment by another path (the folder and an upload).
        if not stored_name and row.file.name:
            row.file.storage.delete(row.file.name)
        existing = InboundPackage.objects.filter(sha256=sha256).first()
        if existing is None:
            raise
        return Received("already", existing, _("Gói này vừa được nhận."))
    except Exception:
        if not stored_name and row.file.name:
            row.file.storage.delete(row.file.name)
        raise
    if row.is_duplicate:
        return Received("duplicate", row, duplicate_message(row))
    return Received("received", row, _("Đã nhận văn bản %(symbol)s của %(issuer)s.") % {
        "symbol": row.number_symbol, "issuer": row.sender_name})


def _size(stream) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def duplicate_message(package: InboundPackage) -> str:
    if package.duplicate_of_document_id:
        document = package.duplicate_of_document
        return _("Trùng văn bản đã đăng ký: %(symbol)s của %(issuer)s, số đến %(number)s/%(year)s.") % {
            "symbol": document.number_symbol, "issuer": document.issuer, "number": document.display_number,
            "year": document.register_year or "—"}
    if package.duplicate_of_package_id:
        return _("Trùng gói đã nhận lúc %(when)s (cùng mã văn bản hoặc cùng số, ký hiệu và ngày).") % {
            "when": timezone.localtime(package.duplicate_of_package.received_at).strftime("%H:%M %d/%m/%Y")}
    return ""


def status_received(package: edxml.StatusPackage) -> Received:
    """A status a recipient sent back about a document the portal sent: kept on the outbound
    package it answers (its latest description)."""
    sent = (OutboundPackage.objects.filter(kind=OutboundPackage.Kind.DOCUMENT, edxml_id=package.response_document_id,
                                           to_code=package.from_code).first())
    if sent is None:
        raise edxml.PackageError(_("Gói trạng thái trả lời văn bản %(id)s (<ResponseFor>/<DocumentId>) mà cơ quan "
                                   "chưa gửi tới %(code)s.") % {"id": package.response_document_id,
                                                                "code": package.from_code})
    label = STATUS_LABELS.get(package.status_code, package.status_code)
    OutboundPackage.objects.filter(pk=sent.pk).update(
        status_code=package.status_code[:2], description=f"{label}: {package.description}"[:255])
    return Received("status", None, _("Đã cập nhật trạng thái văn bản gửi %(code)s: %(label)s.") % {
        "code": package.from_code, "label": label})


# --- registering and refusing ------------------------------------------------------------------------------


def _locked_pending(package: InboundPackage) -> InboundPackage:
    row = InboundPackage.objects.select_for_update().get(pk=package.pk)
    if row.state != InboundPackage.State.PENDING:
        raise DomainError(_closed_message(row))
    return row


def _closed_message(package: InboundPackage) -> str:
    if package.state == InboundPackage.State.REGISTERED:
        return _("Gói này đã được đăng ký thành văn bản đến.")
    return _("Gói này đã bị từ chối.")


def register_problems(package: InboundPackage) -> list[str]:
    """Every reason this package cannot be registered (the page shows them and hides the button)."""
    problems = []
    if package.state != InboundPackage.State.PENDING:
        problems.append(_closed_message(package))
    if package.edxml_id and InboundPackage.objects.filter(
            sender_code=package.sender_code, edxml_id=package.edxml_id,
            state=InboundPackage.State.REGISTERED).exclude(pk=package.pk).exists():
        problems.append(_("Văn bản có mã %(id)s của %(sender)s đã được đăng ký từ một gói khác.")
                        % {"id": package.edxml_id, "sender": package.sender_name})
    elif package.duplicate_of_document_id:
        problems.append(duplicate_message(package))
    return problems


@transaction.atomic
def package_register(*, acting_user: User, package: InboundPackage, number_symbol: str | None = None,
                     issuer: str | None = None, summary: str | None = None,
                     document_date: datetime.date | None = None, kind: str | None = None,
                     urgency: str | None = None, notes: str = "") -> Document:
    """The Office registers a received package as an incoming document: received medium and form
    electronic, its files attached, the package itself attached as the evidence, its SHA-256 in
    the document's history. The clerk may correct the pre-filled fields."""
    _require_office(acting_user)
    package = _locked_pending(package)
    problems = register_problems(package)
    if problems:
        raise DomainError(" ".join(problems))
    with package.file.open("rb") as handle, edxml.read_package(handle, size=package.size) as content:
        handle.seek(0)
        evidence = File(handle, name=package.original_name if package.original_name.lower().endswith(
            (".edxml", ".xml")) else f"{package.original_name}.edxml")
        evidence.size = package.size
        document = document_services.incoming_register(
            acting_user=acting_user,
            number_symbol=number_symbol if number_symbol is not None else package.number_symbol,
            issuer=issuer if issuer is not None else package.sender_name,
            summary=summary if summary is not None else package.summary,
            document_date=document_date if document_date is not None else package.document_date,
            arrival_date=timezone.localtime(package.received_at).date(),
            kind=kind or package.kind,
            form=Form.ELECTRONIC,
            received_medium=Form.ELECTRONIC,
            urgency=urgency or package.urgency,
            confidentiality=Confidentiality.NORMAL,  # secret documents never travel as packages
            notes=notes,
            attachments=[evidence, *[attachment.file for attachment in content.attachments]],
        )
    if package.due_date and not document.deadline:
        # The sender's due date is part of this one registration: it goes into the row
        # incoming_register wrote (one history row, as for a document registered by hand).
        Document.objects.filter(pk=document.pk).update(deadline=package.due_date)
        document.history.filter(history_id=document.history.latest().history_id).update(deadline=package.due_date)
        document.deadline = package.due_date
    update_change_reason(document, _("Nhận qua liên thông: gói edXML %(id)s của %(sender)s (%(code)s), SHA-256 "
                                     "%(sha)s") % {"id": package.edxml_id or "—", "sender": package.sender_name,
                                                   "code": package.sender_code, "sha": package.sha256})
    package.document = document
    package.state = InboundPackage.State.REGISTERED
    package.decided_by = acting_user
    package.decided_at = timezone.now()
    package.duplicate_of_document = None
    audit.save(package, acting_user=acting_user,
               update_fields=["document", "state", "decided_by", "decided_at", "duplicate_of_document"])
    description = _("Đã tiếp nhận, số đến %(number)s/%(year)s.") % {"number": document.display_number,
                                                                    "year": document.register_year}
    transaction.on_commit(lambda: status_send(inbound_id=package.pk, code=S.StatusCode.ACCEPTED,
                                              acting_user_id=acting_user.pk, description=description))
    return document


@transaction.atomic
def package_refuse(*, acting_user: User, package: InboundPackage, reason: str) -> InboundPackage:
    """The Office refuses a received package (wrong recipient, incomplete, a duplicate…); the
    sender gets the refusal status with the reason."""
    _require_office(acting_user)
    reason = normalize_text(reason)
    if not reason:
        raise DomainError(_("Nhập lý do từ chối."), field="reason")
    package = _locked_pending(package)
    package.state = InboundPackage.State.REFUSED
    package.refusal_reason = reason
    package.decided_by = acting_user
    package.decided_at = timezone.now()
    audit.save(package, acting_user=acting_user, update_fields=["state", "refusal_reason", "decided_by", "decided_at"])
    transaction.on_commit(lambda: status_send(inbound_id=package.pk, code=S.StatusCode.REFUSED,
                                              acting_user_id=acting_user.pk, description=reason))
    return package


# --- statuses back to the sender ---------------------------------------------------------------------------

STATUS_LABELS = {
    S.StatusCode.RECEIVED: _("Đã đến"),
    S.StatusCode.REFUSED: _("Từ chối tiếp nhận"),
    S.StatusCode.ACCEPTED: _("Đã tiếp nhận"),
    S.StatusCode.ASSIGNED: _("Phân công xử lý"),
    S.StatusCode.IN_PROGRESS: _("Đang xử lý"),
    S.StatusCode.COMPLETED: _("Hoàn thành"),
}
STATUS_BY_ACTION = {"assigned": S.StatusCode.ASSIGNED, "in_progress": S.StatusCode.IN_PROGRESS,
                    "completed": S.StatusCode.COMPLETED, "refused": S.StatusCode.REFUSED}


def status_send(*, inbound_id: int, code: str, acting_user_id: int | None = None, description: str = "") -> None:
    """Queue the status package (called after the commit of the action that caused it)."""
    from recordsportal.queueing import enqueue

    from .tasks import write_status_task

    if not enqueue(write_status_task, inbound_id, code, acting_user_id, description):
        logger.error("Status %s of inbound package %s not queued: the broker is down", code, inbound_id)


def status_for_document(*, document: Document, action: str, acting_user: User | None) -> None:
    """A received document was assigned, taken in hand or completed: tell its sender, after the
    commit. A document registered by hand (no package) has no sender to tell."""
    code = STATUS_BY_ACTION.get(action)
    inbound_id = (InboundPackage.objects.filter(document=document).values_list("pk", flat=True).first()
                  if code else None)
    if inbound_id is None:
        return
    user_id = getattr(acting_user, "pk", None)
    transaction.on_commit(lambda: status_send(inbound_id=inbound_id, code=code, acting_user_id=user_id))


def status_write(*, inbound_id: int, code: str, acting_user_id: int | None = None,
                 description: str = "") -> OutboundPackage:
    """Build the status package once (a second call returns the first) and hand it to the
    connector. Idempotent: a task that runs twice writes one package."""
    existing = OutboundPackage.objects.filter(kind=OutboundPackage.Kind.STATUS, inbound_id=inbound_id,
                                              status_code=code).first()
    if existing is not None:
        outbox_write(existing)
        return existing
    inbound = InboundPackage.objects.select_related("document").get(pk=inbound_id)
    user = User.objects.select_related("department").filter(pk=acting_user_id).first() if acting_user_id else None
    agency = Agency.load()
    label = STATUS_LABELS[code]
    text = description or label
    with tempfile.TemporaryFile() as out:
        edxml.write_status_package(
            out, sender=_party(agency), response_organ_id=inbound.sender_code, response_code=inbound.number_symbol,
            response_date=inbound.document_date, response_document_id=inbound.edxml_id, status_code=code,
            description=text, timestamp=timezone.localtime(), staff=user.get_full_name() if user else "",
            department=user.department.name if user and user.department_id else "")
        out.seek(0)
        row = OutboundPackage(kind=OutboundPackage.Kind.STATUS, to_code=inbound.sender_code,
                              to_name=inbound.sender_name, organisation_id=inbound.organisation_id,
                              document=inbound.document, inbound=inbound, status_code=code,
                              description=f"{label}: {text}"[:255] if description else label,
                              edxml_id=inbound.edxml_id, size=_size(out), sha256=sha256_of(out), created_by=user)
        try:
            with transaction.atomic():
                row.file.save("status.edxml", File(out), save=False)
                row.save()
        except IntegrityError:
            row.file.storage.delete(row.file.name)
            return OutboundPackage.objects.get(kind=OutboundPackage.Kind.STATUS, inbound_id=inbound_id,
                                               status_code=code)
    outbox_write(row)
    return row


def outbox_write(row: OutboundPackage) -> bool:
    """Copy the package into the outbound folder (when one is set), once: written to a hidden
    temporary name first and renamed, so a connector never picks up half a file. A folder that
    cannot be written is logged, not raised: the action that made the package has committed,
    and the scheduled `outbox_flush` writes it once the folder is back."""
    try:
        _outbox_write(row)
    except OSError:
        logger.exception("Outbound package %s not written to EDXML_OUTBOX_DIR", row.pk)
        return False
    return True


def outbox_flush(limit: int = 1000) -> int:
    """Write the outbound packages that are not in the outbound folder yet (beat, with the scan)."""
    if conf.outbox_dir() is None:
        return 0
    written = 0
    for row in OutboundPackage.objects.filter(written_at__isnull=True).order_by("pk")[:limit]:
        if not outbox_write(row):
            break
        written += 1
    return written


def _outbox_write(row: OutboundPackage) -> None:
    folder = conf.outbox_dir()
    if folder is None or row.written_at is not None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / row.file_name
    partial = folder / f".{row.file_name}.part"
    with row.file.open("rb") as source, open(partial, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    os.replace(partial, target)
    OutboundPackage.objects.filter(pk=row.pk).update(written_at=timezone.now())
    row.written_at = timezone.now()


@transaction.atomic
def outbound_acknowledge(*, acting_user: User, package: OutboundPackage) -> OutboundPackage:
    """The connector tells the portal it has delivered the package (the API's acknowledgement)."""
    _require_office(acting_user)
    if OutboundPackage.objects.filter(pk=package.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now()) != 1:
        raise DomainError(_("Gói này đã được xác nhận chuyển đi."))
    package.refresh_from_db()
    return package


# --- sending an outgoing document ----------------------------------------------------------------------------


@dataclass
class RecipientPlan:
    organisations: list[Organisation] = field(default_factory=list)  # with a code: one package each
    paper: list[str] = field(default_factory=list)  # recipients that stay on paper


# Lines of a "Nơi nhận" list that are not recipients: the file copy (Lưu: VT, …) and "Như trên".
_NOT_RECIPIENTS = ("luu", "nhu tren")


def recipient_lines(text: str) -> list[str]:
    lines = []
    for raw in (text or "").replace(";", "\n").splitlines():
        line = normalize_text(raw).lstrip("-+•*– ").rstrip(";,. ")
        if line and not search_key(line).startswith(_NOT_RECIPIENTS):
            lines.append(line)
    return lines


def recipient_plan(document: Document) -> RecipientPlan:
    """Each external recipient of `document` matched against the directory by name or code: the
    ones with a code get a package, the others stay on paper (and are listed)."""
    lines = recipient_lines(document.recipients)
    keys = {search_key(line): line for line in lines}
    codes = {line.upper(): line for line in lines}
    matches = Organisation.objects.filter(Q(name_key__in=list(keys)) | Q(code__in=list(codes)))
    by_line = {}
    for organisation in matches:
        line = keys.get(organisation.name_key) or codes.get(organisation.code)
        by_line.setdefault(line, organisation)
    plan = RecipientPlan()
    for line in lines:
        organisation = by_line.get(line)
        if organisation is not None and organisation.code and organisation.is_active:
            if organisation not in plan.organisations:
                plan.organisations.append(organisation)
        else:
            plan.paper.append(line)
    return plan


def send_problems(document: Document, plan: RecipientPlan) -> list[str]:
    problems = []
    if document.direction != Direction.OUTGOING or document.status != Status.ISSUED:
        problems.append(_("Chỉ gửi liên thông văn bản đi đã phát hành."))
    if document.form != Form.ELECTRONIC:
        problems.append(_("Văn bản phát hành bằng giấy: không gửi liên thông."))
    if document.confidentiality != Confidentiality.NORMAL:
        problems.append(_("Văn bản mật không được gửi dưới dạng điện tử."))
    if not document.attachments.filter(content_type="application/pdf").exists():
        problems.append(_("Văn bản chưa có tệp PDF (bản đã ký số) để gửi."))
    if not plan.organisations:
        problems.append(_("Không nơi nhận nào có mã định danh trong danh bạ liên thông; văn bản gửi bằng giấy."))
    agency = Agency.load()
    if agency.identifier_code == "000.00.00.A00":
        problems.append(_("Cơ quan chưa khai báo mã định danh (Quản trị → Thông tin cơ quan)."))
    return problems


@dataclass
class SendResult:
    created: list[OutboundPackage]
    already: list[OutboundPackage]
    paper: list[str]


def _number_parts(number_symbol: str) -> tuple[str, str]:
    number, _slash, notation = number_symbol.partition("/")
    return number, notation


@transaction.atomic
def outgoing_send(*, acting_user: User, document: Document) -> SendResult:
    """One package per recipient organisation with a code, the agency as `From`; sent once per
    recipient (sending again creates nothing). Written to the outbound folder after the commit."""
    _require_office(acting_user)
    document = Document.objects.select_for_update().get(pk=document.pk)
    plan = recipient_plan(document)
    problems = send_problems(document, plan)
    if problems:
        raise DomainError(" ".join(problems))
    agency = Agency.load()
    sender = _party(agency)
    attachments = list(document.attachments.exclude(content_type="application/xml"))
    sent = {row.to_code: row for row in OutboundPackage.objects.filter(kind=OutboundPackage.Kind.DOCUMENT,
                                                                       document=document)}
    number, notation = _number_parts(document.number_symbol)
    edxml_id = S.document_id(agency.identifier_code, document.document_date, document.number_symbol)
    created, already = [], []
    for organisation in plan.organisations:
        if organisation.code in sent:
            already.append(sent[organisation.code])
            continue
        files = [edxml.OutgoingFile(name=a.original_name, content_type=a.content_type,
                                    open=lambda a=a: a.file.open("rb")) for a in attachments]
        with tempfile.TemporaryFile() as out:
            edxml.write_document_package(
                out, sender=sender, recipient=edxml.Party(code=organisation.code, name=organisation.name),
                document_id=edxml_id, code_number=number, code_notation=notation, place=agency.place_name,
                promulgation_date=document.document_date, type_name=document.get_kind_display(),
                subject=document.summary, signer_name=document.signer, due_date=None,
                priority=S.PRIORITY_BY_URGENCY.get(document.urgency, "0"), timestamp=timezone.localtime(),
                files=files)
            out.seek(0)
            row = OutboundPackage(kind=OutboundPackage.Kind.DOCUMENT, to_code=organisation.code,
                                  to_name=organisation.name, organisation=organisation, document=document,
                                  edxml_id=edxml_id, size=_size(out), sha256=sha256_of(out), created_by=acting_user)
            row.file.save("document.edxml", File(out), save=False)
            try:
                row.save()
            except Exception:
                for stored in [row, *created]:
                    stored.file.storage.delete(stored.file.name)
                raise
        created.append(row)
    if created:
        # The packages have no history of their own: the document's journal says who sent it where.
        audit.record([document], acting_user=acting_user, reason=_("Gửi liên thông tới %(recipients)s.") % {
            "recipients": "; ".join(f"{row.to_name} ({row.to_code})" for row in created)})
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: _outbox_queue(ids))
    return SendResult(created=created, already=already, paper=plan.paper)


def _outbox_queue(ids: list[int]) -> None:
    from recordsportal.queueing import enqueue

    from .tasks import outbox_write_task

    for pk in ids:
        enqueue(outbox_write_task, pk)


# --- the organisation directory ------------------------------------------------------------------------------


@transaction.atomic
def organisation_save(*, acting_user: User, organisation: Organisation) -> Organisation:
    if not acting_user.has_role(Role.ADMIN):
        raise DomainError(_("Chỉ quản trị hệ thống được sửa danh bạ liên thông."))
    organisation.code = normalize_text(organisation.code).upper()
    organisation.full_clean()
    audit.save(organisation, acting_user=acting_user)
    return organisation
