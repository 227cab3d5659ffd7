"""Write rules for documents: one function per action, each in one transaction.

Numbers are allocated by `allocate_number` inside the caller's transaction, so a rolled-back
registration gives its number back: the register never skips or repeats.
"""

import datetime
import logging
import tempfile
import zlib

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.dates import sentence
from recordsportal.models import Agency, Department, User
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text, search_key

from .choices import Confidentiality, Direction, Form, Kind, PaperReason, Status
from . import events, rules
from . import signatures
from .attachments import PDF, check_size, detect_type, sha256_of
from . import notices
from .models import Attachment, Document, HandlingNote, NumberCounter, RegisterImport

TEXT_FIELDS = ("number_symbol", "summary", "issuer", "recipients", "signer", "file_copy_keeper", "notes", "direction_note")


class DuplicateDocument(DomainError):
    """An incoming document with the same number/symbol, issuer and date is already registered."""

    def __init__(self, existing: Document):
        super().__init__(
            _("Văn bản %(symbol)s của %(issuer)s ngày %(date)s đã được đăng ký (số đến %(number)s).")
            % {
                "symbol": existing.number_symbol,
                "issuer": existing.issuer,
                "date": existing.document_date.strftime("%d/%m/%Y") if existing.document_date else "—",
                "number": existing.display_number,
            }
        )
        self.existing = existing


# --- numbering ---------------------------------------------------------------------------------


def series_for(direction: str, confidentiality: str) -> str:
    """The register series a document is numbered in: one per direction, with confidential
    documents in their own series (they are registered under the state-secret rules)."""
    secret = confidentiality != Confidentiality.NORMAL
    return f"{direction}-secret" if secret else direction


def allocate_number(series: str, year: int) -> int:
    """The next number of `series` in `year`. Must run inside the transaction that saves the
    document: the upsert locks the counter row until that transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("allocate_number must run inside a transaction")
    table = NumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # `table` is the model's own table name, not input; the values are parameters.
            f"INSERT INTO {table} (series, year, last_number) VALUES (%s, %s, 1) "  # nosec B608
            f"ON CONFLICT (series, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [series, year],
        )
        return cursor.fetchone()[0]


def raise_counter_to(series: str, year: int, number: int) -> None:
    """After importing an existing register, continue numbering after its highest number."""
    table = NumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # `table` is the model's own table name, not input; the values are parameters.
            f"INSERT INTO {table} (series, year, last_number) VALUES (%s, %s, %s) "  # nosec B608
            f"ON CONFLICT (series, year) DO UPDATE SET last_number = "
            f"CASE WHEN {table}.last_number < excluded.last_number THEN excluded.last_number ELSE {table}.last_number END",
            [series, year, number],
        )


def outgoing_symbol(number: int, kind: str, department: Department | None, agency: Agency) -> str:
    """`15/QĐ-BQL`; an official letter names the drafting unit instead: `123/BQL-VP`."""
    if kind == Kind.OFFICIAL_LETTER:
        unit = department.abbreviation if department else ""
        return f"{number:02d}/{agency.abbreviation}-{unit}".rstrip("-")
    return f"{number:02d}/{kind}-{agency.abbreviation}"


# --- helpers -----------------------------------------------------------------------------------


def _normalise(document: Document) -> None:
    for field in TEXT_FIELDS:
        setattr(document, field, normalize_text(getattr(document, field)))
    document.search_text = search_key(f"{document.number_symbol} {document.summary} {document.issuer}")


def _save(document: Document, acting_user: User | None) -> Document:
    """Normalise, validate, then save with its history row (recordsportal/audit.py); a reason
    set on the document (`_change_reason`) is kept."""
    _normalise(document)
    document.full_clean(exclude=["series"])
    return audit.save(document, acting_user=acting_user, reason=getattr(document, "_change_reason", None))


def find_duplicate(*, number_symbol: str, issuer: str, document_date, exclude_pk=None) -> Document | None:
    if not number_symbol or not document_date:
        return None
    candidates = Document.objects.filter(
        direction=Direction.INCOMING,
        number_symbol__iexact=normalize_text(number_symbol),
        document_date=document_date,
    ).exclude(pk=exclude_pk)
    key = search_key(issuer)
    return next((doc for doc in candidates if search_key(doc.issuer) == key), None)


def _refuse(problems: list[str], field: str | None = None) -> None:
    """Refuse with the reasons documents/rules.py gives (the page shows the same ones)."""
    if problems:
        raise DomainError(" ".join(problems), field=field)


def _claim_or_refuse(document: Document, rule, acting_user: User, **claim) -> None:
    """`audit.claim`; when another request changed the row first, refuse with what `rule` says of
    the row as it is now."""
    if not audit.claim(document, acting_user=acting_user, **claim):
        document.refresh_from_db()
        _refuse(rule(acting_user, document) or [_("Văn bản vừa được người khác thay đổi. Hãy tải lại trang.")])


# --- incoming ----------------------------------------------------------------------------------


@transaction.atomic
def incoming_register(
    *,
    acting_user: User,
    number_symbol: str,
    issuer: str,
    summary: str,
    document_date: datetime.date | None,
    arrival_date: datetime.date | None = None,
    kind: str = Kind.OFFICIAL_LETTER,
    form: str | None = None,
    paper_reason: str | None = None,
    received_medium: str = Form.ELECTRONIC,
    urgency: str = "normal",
    confidentiality: str = Confidentiality.NORMAL,
    notes: str = "",
    recipients: str = "",
    allow_duplicate: bool = False,
    attachments=(),
) -> Document:
    """The Office registers an incoming document; its arrival number is the next in the year.
    Its form follows what the portal holds (documents/rules.py `incoming_form`): electronic with
    a file of its content, paper without one (with `paper_reason`, "unjustified" when none)."""
    _refuse(rules.register_incoming_problems(acting_user))
    attachments = list(attachments)
    problem = rules.incoming_form_problem(form=form, confidentiality=confidentiality, has_content=bool(attachments))
    if problem:
        raise DomainError(problem, field="form")
    form = rules.incoming_form(form=form, confidentiality=confidentiality, has_content=bool(attachments),
                               handled_in_portal=True)  # registered here: its handling chain runs here
    arrival_date = arrival_date or timezone.localdate()
    # The register year follows the arrival date, which may not be in the future (documents/rules.py).
    for field, problem in rules.incoming_date_problems(document_date=document_date, arrival_date=arrival_date).items():
        raise DomainError(sentence(problem), field=field)
    if not allow_duplicate:
        existing = find_duplicate(number_symbol=number_symbol, issuer=issuer, document_date=document_date)
        if existing:
            raise DuplicateDocument(existing)
    series = series_for(Direction.INCOMING, confidentiality)
    document = Document(
        direction=Direction.INCOMING,
        series=series,
        register_year=arrival_date.year,
        number=allocate_number(series, arrival_date.year),
        number_symbol=number_symbol,
        issuer=issuer,
        summary=summary,
        kind=kind,
        document_date=document_date,
        register_date=arrival_date,
        form=form,
        paper_reason=rules.paper_reason_for(form=form, confidentiality=confidentiality, reason=paper_reason),
        received_medium=received_medium,
        urgency=urgency,
        confidentiality=confidentiality,
        notes=notes,
        recipients=recipients,
        status=Status.REGISTERED,
        created_by=acting_user,
    )
    _save(document, acting_user)
    _attach_all(acting_user, document, attachments)
    return document


@transaction.atomic
def incoming_submit(*, acting_user: User, document: Document, leader: User | None = None) -> Document:
    """The Office hands the registered document to leadership for direction: to one leader
    (their inbox) or, without `leader`, to leadership as a whole (every leader's inbox)."""
    _refuse(rules.submit_problems(acting_user, document))
    if leader is not None and not (leader.is_active and leader.has_role(Role.LEADERSHIP)):
        raise DomainError(_("%(name)s không phải lãnh đạo Ban.") % {"name": leader.full_name}, field="leader")
    changes = {"status": Status.SUBMITTED, "submitted_to": leader, "submitted_at": timezone.now(), "return_reason": ""}
    reason = _("Trình %(to)s") % {"to": leader.full_name if leader else _("lãnh đạo Ban")}
    becomes_electronic = _handled_here_from_now(document)
    if becomes_electronic:
        changes.update(form=Form.ELECTRONIC, paper_reason="")
        reason = f"{reason}. {becomes_electronic}"
    _claim_or_refuse(document, rules.submit_problems, acting_user, expected={"status": Status.REGISTERED},
                     changes=changes, reason=reason)
    leaders = [leader] if leader else User.objects.with_role(Role.LEADERSHIP).filter(is_active=True)
    notices.submitted(document, leaders=leaders)
    return document


def _handled_here_from_now(document: Document) -> str:
    """When an incoming document imported from a register kept elsewhere, paper because it was
    handled there, is now submitted or assigned here with its content in the portal, it becomes
    electronic (documents/rules.py `incoming_form`): the reason for its history row, else ""."""
    if document.form != Form.PAPER or rules.handled_in_portal(document) or not document.attachments.exists():
        return ""
    becomes = rules.incoming_form(form=None, confidentiality=document.confidentiality, has_content=True,
                                  handled_in_portal=True)
    if becomes != Form.ELECTRONIC:
        return ""
    return _("Văn bản nhập từ sổ ngoài hệ thống, có tệp nội dung, nay được xử lý trên hệ thống: chuyển sang xử lý "
             "điện tử.")


def assignment_problems(*, document: Document, department: Department | None, officer: User | None,
                        deadline: datetime.date | None) -> list[str]:
    """What leadership chose in the assignment form (whether they may assign at all:
    documents/rules.py `assign_problems`)."""
    problems = []
    if department is None:
        problems.append(_("Chưa chọn đơn vị chủ trì."))
    if officer is not None and department is not None and officer.department_id is not None and not (
        officer.department.path.startswith(department.path)
    ):
        problems.append(_("Cán bộ chủ trì phải thuộc đơn vị chủ trì."))
    if deadline and document.register_date and deadline < document.register_date:
        problems.append(_("Hạn xử lý không thể trước ngày đến."))
    if document.is_confidential and officer is None:
        # A head does not see a confidential document they are not named on (documents/querysets.py):
        # given to the department alone it would wait in an inbox where nobody can open it.
        problems.append(_("Văn bản mật phải giao đích danh cán bộ chủ trì."))
    return problems


@transaction.atomic
def incoming_assign(
    *,
    acting_user: User,
    document: Document,
    department: Department,
    officer: User | None = None,
    co_handlers: list[User] | None = None,
    direction_note: str = "",
    deadline: datetime.date | None = None,
) -> Document:
    """Leadership assigns a lead department (and officer), co-handlers, a note and a deadline.
    Re-assigning is allowed until the document is done."""
    document = _locked(document)
    _refuse(rules.assign_problems(acting_user, document)
            + assignment_problems(document=document, department=department, officer=officer, deadline=deadline))
    becomes_electronic = _handled_here_from_now(document)
    if becomes_electronic:
        document.form, document.paper_reason = Form.ELECTRONIC, ""
    document.department = department
    document.officer = officer
    document.direction_note = direction_note
    document.deadline = deadline
    document.leadership_deadline = deadline  # a head's dispatch may shorten it, never lengthen it
    document.assigned_by = acting_user
    document.assigned_at = timezone.now()
    document.dispatched_by = document.dispatched_at = None
    document.return_reason = ""
    if document.status in (Status.REGISTERED, Status.SUBMITTED, Status.ASSIGNED):
        document.status = Status.ASSIGNED
    text = direction_note or _("Giao %(department)s chủ trì.") % {"department": department.name}
    document._change_reason = f"{text} {becomes_electronic}" if becomes_electronic else text
    _save(document, acting_user)
    before = set(document.co_handlers.values_list("pk", flat=True))
    document.co_handlers.set(co_handlers or [])
    note = HandlingNote.objects.create(
        document=document, author=acting_user, kind=HandlingNote.Kind.ASSIGNMENT, text=text,
    )
    notices.assigned(document, note=note, new_co_handlers=[u for u in co_handlers or [] if u.pk not in before])
    events.incoming_changed.send(sender=Document, document=document, action="assigned", acting_user=acting_user)
    return document


def _locked(document: Document) -> Document:
    """The current row, locked until the transaction ends: concurrent actions queue up."""
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def incoming_record_progress(*, acting_user: User, document: Document, text: str) -> HandlingNote:
    document = _locked(document)
    _refuse(rules.progress_problems(acting_user, document))
    text = normalize_text(text)
    if not text:
        raise DomainError(_("Nhập nội dung tiến độ."), field="text")
    if document.status == Status.ASSIGNED:
        audit.claim(document, expected={"status": Status.ASSIGNED}, changes={"status": Status.IN_PROGRESS},
                    acting_user=acting_user, reason=text)
        events.incoming_changed.send(sender=Document, document=document, action="in_progress", acting_user=acting_user)
    return HandlingNote.objects.create(document=document, author=acting_user, kind=HandlingNote.Kind.PROGRESS, text=text)


@transaction.atomic
def incoming_complete(*, acting_user: User, document: Document, text: str = "") -> Document:
    """The lead officer (or a co-handler, or the head of the lead department) closes the handling."""
    document = _locked(document)
    _refuse(rules.complete_problems(acting_user, document))
    _claim_or_refuse(document, rules.complete_problems, acting_user, expected={"status__in": rules.HANDLING},
                     changes={"status": Status.DONE, "completed_at": timezone.now()})
    HandlingNote.objects.create(
        document=document, author=acting_user, kind=HandlingNote.Kind.COMPLETION,
        text=normalize_text(text) or _("Đã hoàn thành xử lý."),
    )
    events.incoming_changed.send(sender=Document, document=document, action="completed", acting_user=acting_user)
    return document


# --- outgoing and internal ---------------------------------------------------------------------


@transaction.atomic
def outgoing_issue(
    *,
    acting_user: User,
    kind: str,
    summary: str,
    department: Department,
    drafter: User | None = None,
    signer: str = "",
    recipients: str = "",
    recipient_departments: list[Department] | None = None,
    form: str | None = None,
    paper_reason: str | None = None,
    urgency: str = "normal",
    confidentiality: str = Confidentiality.NORMAL,
    issue_date: datetime.date | None = None,
    copies: int | None = None,
    file_copy_keeper: str = "",
    notes: str = "",
    direction: str = Direction.OUTGOING,
    attachments=(),
) -> Document:
    """The Office numbers and issues an outgoing document (`15/QĐ-BQL`, `123/BQL-VP`).
    Internal documents are numbered the same way in their own series."""
    if direction == Direction.OUTGOING:
        _refuse(rules.issue_outgoing_problems(acting_user))
    if direction == Direction.INTERNAL and not recipient_departments:
        raise DomainError(_("Văn bản nội bộ phải gửi tới ít nhất một phòng, đơn vị."), field="recipient_departments")
    # Electronic only with a digitally signed PDF (documents/rules.py `issued_form`), checked
    # before anything is numbered.
    attachments = list(attachments)
    signed = any(check.is_signed for check in _signatures(attachments))
    problem = rules.issued_form_problem(form=form, confidentiality=confidentiality, signed=signed)
    if problem:
        raise DomainError(problem, field="form")
    form = rules.issued_form(form=form, confidentiality=confidentiality, signed=signed)
    issue_date = issue_date or timezone.localdate()
    problem = rules.issue_date_problem(issue_date)
    if problem:
        raise DomainError(sentence(problem), field="issue_date")
    agency = Agency.load()
    series = series_for(direction, confidentiality)
    number = allocate_number(series, issue_date.year)
    document = Document(
        direction=direction,
        series=series,
        register_year=issue_date.year,
        number=number,
        number_symbol=outgoing_symbol(number, kind, department, agency),
        kind=kind,
        summary=summary,
        document_date=issue_date,
        register_date=issue_date,
        issuer=agency.name,
        department=department,
        officer=drafter or acting_user,
        signer=signer,
        recipients=recipients,
        form=form,
        paper_reason=rules.paper_reason_for(form=form, confidentiality=confidentiality, reason=paper_reason),
        urgency=urgency,
        confidentiality=confidentiality,
        # The register book's "bản lưu" and "số lượng bản" are never left empty (issue 17).
        copies=copies or rules.default_copies(recipients, recipient_departments),
        file_copy_keeper=normalize_text(file_copy_keeper) or rules.default_file_copy_keeper(department),
        notes=notes,
        status=Status.ISSUED,
        created_by=acting_user,
    )
    _save(document, acting_user)
    if recipient_departments:
        document.recipient_departments.set(recipient_departments)
        if direction == Direction.INTERNAL:
            # Each receiving department handles it in its own right: acknowledge, dispatch, complete.
            from .handling import receipts_create

            receipts_create(document=document, departments=recipient_departments)
    _attach_all(acting_user, document, attachments)
    return document


def internal_send(*, acting_user: User, **fields) -> Document:
    """An officer drafts and sends an internal document to other departments of the agency.
    Electronic when its file is a digitally signed PDF, like an outgoing one (documents/rules.py `issued_form`)."""
    if not acting_user.department_id:
        raise DomainError(_("Bạn chưa thuộc phòng, đơn vị nào."))
    fields.setdefault("department", acting_user.department)
    fields.setdefault("drafter", acting_user)
    return outgoing_issue(acting_user=acting_user, direction=Direction.INTERNAL, **fields)


# --- trash -------------------------------------------------------------------------------------


@transaction.atomic
def document_delete(*, acting_user: User, document: Document) -> None:
    """Into the trash: nothing is hard-deleted by users. The number stays taken."""
    _refuse(rules.delete_problems(acting_user, document))
    _claim_or_refuse(document, rules.delete_problems, acting_user, expected={"is_deleted": False},
                     queryset=Document.all_objects.all(),
                     changes={"is_deleted": True, "deleted_at": timezone.now(), "deleted_by": acting_user})


@transaction.atomic
def document_restore(*, acting_user: User, document: Document) -> None:
    _refuse(rules.restore_problems(acting_user, document))
    _claim_or_refuse(document, rules.restore_problems, acting_user, expected={"is_deleted": True},
                     queryset=Document.all_objects.all(),
                     changes={"is_deleted": False, "deleted_at": None, "deleted_by": None})


# --- attachments -------------------------------------------------------------------------------


def _signatures(uploads) -> list:
    """The signature check of each PDF among `uploads` (documents/signatures.py)."""
    checks = []
    for upload in uploads:
        check_size(upload)
        if detect_type(upload) == PDF:
            checks.append(signatures.check_upload(upload))
    return checks


@transaction.atomic
def attachment_add(*, acting_user: User, document: Document, upload) -> Attachment:
    """Check the size and the type by content, store under a generated name, record SHA-256
    and, for a PDF, its digital signature (signer, signing time, status)."""
    check_size(upload)
    file_type = detect_type(upload)
    signature = signatures.check_upload(upload) if file_type == PDF else None
    attachment = Attachment(
        signature_status=signature.status if signature else "",
        signer_name=(signature.signer_name if signature else "")[:255],
        signed_at=signature.signed_at if signature else None,
        signature_note=signature.note if signature else "",
        document=document,
        original_name=normalize_text(upload.name)[:255],
        extension=file_type.extension,
        content_type=file_type.content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def _attach_all(acting_user: User, document: Document, uploads) -> list[Attachment]:
    # Every file is checked before the first is stored: a refused second file rolls the rows
    # back, but a file already written to storage would stay there, orphaned.
    for upload in uploads:
        check_size(upload)
        detect_type(upload)
    return [attachment_add(acting_user=acting_user, document=document, upload=upload) for upload in uploads]


@transaction.atomic
def attachments_add(*, acting_user: User, document: Document, uploads) -> list[Attachment]:
    """Attach several files to an existing document: all of them, or none. The scan of an
    incoming paper document makes it electronic, with a history row saying why."""
    _refuse(rules.attach_problems(acting_user, document))
    attached = _attach_all(acting_user, document, uploads)
    if not attached:
        return attached
    if document.form == Form.PAPER:
        if document.direction == Direction.INCOMING:
            becomes = rules.incoming_form(form=None, confidentiality=document.confidentiality, has_content=True,
                                          handled_in_portal=rules.content_in_portal_while_handled(document))
            evidence = attached[0]
            reason = _("Đính kèm bản số hóa “%(name)s”: văn bản chuyển sang xử lý điện tử.")
        else:
            evidence = next((a for a in attached if a.is_signed), None)
            becomes = rules.issued_form(form=None, confidentiality=document.confidentiality, signed=evidence is not None)
            reason = _("Đính kèm tệp PDF đã ký số “%(name)s”: văn bản chuyển sang điện tử.")
        if becomes == Form.ELECTRONIC:
            document.form, document.paper_reason = Form.ELECTRONIC, ""
            document._change_reason = reason % {"name": evidence.original_name}
            _save(document, acting_user)
            return attached
    # Attachments have no history of their own: the document's row says who attached which files.
    audit.record_ids(Document, [document.pk], acting_user=acting_user, reason=_("Đính kèm tệp %(names)s.") % {
        "names": ", ".join(f"“{attachment.original_name}”" for attachment in attached)})
    return attached


# --- documents declared electronic without evidence (issue 14, 1d) ------------------------------


@transaction.atomic
def unevidenced_count_as_paper(*, acting_user: User, since: datetime.date) -> int:
    """The Office lets the documents declared electronic without evidence, registered or issued
    on or after `since`, count as paper ("unjustified"): one history row each, naming the Office
    and the date chosen. Earlier ones stay as declared, listed until fixed. Returns how many."""
    from .querysets import unevidenced_electronic

    _refuse(rules.declare_paper_problems(acting_user))
    if since is None:
        raise DomainError(_("Chọn ngày bắt đầu tính là văn bản giấy."), field="since")
    ids = list(unevidenced_electronic().filter(register_date__gte=since).values_list("pk", flat=True))
    if not ids:
        return 0
    Document.objects.filter(pk__in=ids).update(form=Form.PAPER, paper_reason=PaperReason.UNJUSTIFIED)
    audit.record_ids(Document, ids, acting_user=acting_user, reason=_(
        "Văn phòng ghi là văn bản giấy từ ngày %(date)s: được khai là điện tử nhưng hệ thống không có tệp "
        "(bản số hóa, hoặc PDF đã ký số).") % {"date": since.strftime("%d/%m/%Y")})
    return len(ids)


# --- register imports --------------------------------------------------------------------------


@transaction.atomic
def register_import_discard(*, acting_user: User, record: RegisterImport) -> bool:
    """Remove an import that was never confirmed: its row and its stored file. A refused upload
    goes this way, and the Office may drop a pending one. An import that went in stays: its file
    is the evidence of what was imported. Returns False when it was already gone (a double click).

    The file is deleted once the deletion of the row is committed: a rollback must not leave a
    row pointing at a missing file."""
    _refuse(rules.register_import_discard_problems(acting_user))
    locked = RegisterImport.objects.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        return False
    if locked.status == RegisterImport.Status.IMPORTED:
        raise DomainError(_("Tệp này đã được nhập; lần nhập được giữ làm bằng chứng và không xóa được."))
    storage, name = locked.file.storage, locked.file.name
    kept = (locked.preview or {}).get("parsed") or {}
    locked.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    if kept:
        transaction.on_commit(lambda: _forget_parsed(locked, kept))
    logging.getLogger(__name__).info("Register import %s (%s) discarded by user %s", record.pk, locked.original_name, acting_user.pk)
    return True


# --- the register import as a Celery task (issues 14 and 16) -------------------------------------
# The upload is checked as a file and stored in the request (documents/views/imports.py); the
# dry run and the import are one task with a flag (documents.tasks.register_import_task) that
# writes its progress to the RegisterImport row (recordsportal/progress.py) while it reads, and
# saves every row with the import's final state in one transaction (documents/importer.py).


def register_import_start(*, acting_user: User, record: RegisterImport, confirm: bool,
                          skip_registered: bool | None = None) -> RegisterImport:
    """Mark a pending import for a run (the dry run, or with `confirm` the import); the caller
    then queues the task. Refused when the file went in or a run of it is going on."""
    from recordsportal.progress import ProgressRow

    _refuse(rules.register_import_problems(acting_user))
    if confirm:
        problem = rules.import_form_problem(form_column="form" in record.mapping, form_for_all=record.form_for_all)
        if problem:
            raise DomainError(problem, field="form_for_all")
    State = ProgressRow.State
    with transaction.atomic():
        locked = RegisterImport.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise DomainError(_("Lần nhập này đã bị xóa; không có gì được nhập."))
        if locked.status == RegisterImport.Status.IMPORTED:
            raise DomainError(_("Tệp này đã được nhập."))
        if locked.state in (State.READING, State.SAVING) and not locked.stale:
            raise DomainError(_("Tệp đang được kiểm tra hoặc nhập; hãy chờ lần chạy này xong."))
        fields = {"state": State.QUEUED, "confirming": confirm, "finished_at": None, "message": "",
                  "rows_read": 0, "error_count": 0, "errors": []}
        if skip_registered is not None:
            fields["skip_registered"] = skip_registered
        locked.write(**fields)
    return locked


def register_import_run(*, register_import_id: int, confirm: bool) -> RegisterImport | None:
    """The task's work, idempotent: a run already finished, superseded by another run (the flag
    differs) or of an import that went in is left alone; an unfinished one (queued, or cut off
    by a killed worker) reads the file again from the start. Nothing of an import is committed
    before its last row: a worker killed at any point leaves all or nothing."""
    from django.db import DatabaseError

    from . import importer

    record = RegisterImport.objects.select_related("created_by").filter(pk=register_import_id).first()
    if (record is None or record.finished or record.confirming != confirm
            or record.status == RegisterImport.Status.IMPORTED):
        return record
    State = RegisterImport.State
    record.write(state=State.READING, started_at=timezone.now(), attempts=record.attempts + 1, rows_read=0,
                 error_count=0, errors=[], message="")
    report = record.reporter()
    options = {"direction": record.direction, "mapping": record.mapping,
               "skip_registered_duplicates": record.skip_registered, "form_for_all": record.form_for_all,
               "progress": report}

    def saving():
        report.flush()
        record.write(state=State.SAVING)

    def begin():
        # The row lock orders two runs of the same import (a message delivered twice).
        status = RegisterImport.objects.select_for_update().values_list("status", flat=True).get(pk=record.pk)
        if status == RegisterImport.Status.IMPORTED:
            raise _AlreadyImported

    def end(result):
        now = timezone.now()
        record.write(state=State.DONE, status=RegisterImport.Status.IMPORTED, created_count=result.created,
                     updated_count=result.updated, skipped_count=result.skipped,
                     result_count=result.created + result.updated, imported_at=now, finished_at=now)

    kept = (record.preview or {}).get("parsed") or {}
    fingerprint = importer.parsed_fingerprint(
        file_identity=f"{record.file.name}:{record.size}:{record.sha256}", direction=record.direction,
        mapping=record.mapping, form_for_all=record.form_for_all)
    try:
        with record.file.open("rb") as handle:
            if confirm:
                parsed = _parsed_rows(record, kept, fingerprint)
                plan, _result = importer.run(handle, confirm=True, acting_user=record.created_by, on_saving=saving,
                                             begin_write=begin, end_write=end, parsed=parsed, **options)
                if plan.missing:
                    raise DomainError(_("Chưa chọn cột cho: %(fields)s.") % {
                        "fields": ", ".join(str(f.label) for f in plan.missing)})
            else:
                with tempfile.TemporaryFile(prefix="register-import-parsed-") as keep:
                    plan, _result = importer.run(handle, keep_parsed=keep, **options)
                    preview = _import_summary(plan)
                    _forget_parsed(record, kept)
                    if plan.ok and not plan.missing:
                        preview["parsed"] = _keep_parsed(record, keep, fingerprint)
                report.flush()
                record.write(state=State.DONE, finished_at=timezone.now(), preview=preview,
                             error_count=plan.error_count, errors=[str(e) for e in plan.errors])
    except _AlreadyImported:
        _forget_parsed(record, kept)
        return RegisterImport.objects.get(pk=record.pk)
    except importer.ImportRejected as rejected:
        report.flush()
        record.write(state=State.REFUSED, finished_at=timezone.now(), preview=_import_summary(rejected.plan),
                     error_count=rejected.plan.error_count, errors=[str(e) for e in rejected.plan.errors],
                     message=rejected.message)
    except DomainError as error:
        record.write(state=State.REFUSED, finished_at=timezone.now(), message=error.message)
    except DatabaseError:
        raise  # the database is away: the task retries; the row stays unfinished (then stale)
    except Exception:  # a fault of ours: logged, shown as such, never a page stuck at "reading"
        logging.getLogger(__name__).exception("Register import %s failed", record.pk)
        record.write(state=State.FAILED, finished_at=timezone.now(), message=_(
            "Lỗi hệ thống khi nhập tệp (đã ghi nhật ký cho quản trị viên). Bấm “Chạy lại” để thử lại."))
    if confirm:
        _forget_parsed(record, kept)  # used once: a run cut off before here finds it again
    return record


# The rows a dry run parsed, kept for the import that follows it (documents/importer.py,
# ParsedRows): a file in the worker's temporary folder (not in the media storage, where the
# upload is the import's only file), its path, SHA-256 and what the parsing depended on in
# `preview["parsed"]`; used by the import only when all still hold (an import run by another
# machine's worker reads the upload), deleted once used, with a discarded import, or after a week.

KEPT_DAYS = 7


def _kept_folder():
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "recordsportal-import-rows"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _keep_parsed(record: RegisterImport, keep, fingerprint: str) -> dict:
    import hashlib
    import os
    import time
    import uuid

    folder = _kept_folder()
    for old in folder.glob("*.rows"):  # the dry runs never followed by their import
        try:
            if old.stat().st_mtime < time.time() - KEPT_DAYS * 86400:
                old.unlink()
        except OSError:
            pass
    keep.seek(0)
    path = folder / f"{record.pk}-{uuid.uuid4().hex}.rows"
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        while block := keep.read(1 << 20):
            digest.update(block)
            out.write(block)
    os.chmod(path, 0o600)
    return {"path": str(path), "sha256": digest.hexdigest(), "fingerprint": fingerprint}


def _parsed_rows(record: RegisterImport, kept: dict, fingerprint: str):
    import hashlib

    from . import importer

    if not kept or kept.get("fingerprint") != fingerprint:
        return None
    try:
        with open(kept["path"], "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != kept.get("sha256"):
            raise ValueError("the kept rows changed on the disk")
        return importer.ParsedRows(data)
    except (OSError, ValueError, KeyError, TypeError, zlib.error) as error:
        logging.getLogger(__name__).info("Register import %s reads its file again: %s", record.pk, error)
        return None


def _forget_parsed(record: RegisterImport, kept: dict) -> None:
    import os

    if kept.get("path"):
        try:
            os.unlink(kept["path"])
        except FileNotFoundError:
            pass
        except OSError:
            logging.getLogger(__name__).warning("Register import %s: %s not deleted", record.pk, kept["path"])


class _AlreadyImported(Exception):
    """Another run of the same import committed first."""


def _import_summary(plan) -> dict:
    """What the page shows of a reading: the counts of the whole file, the first rows, changes
    and notes (a JSON of bounded size whatever the file)."""
    from . import importer

    directory = importer.Directory() if ("department" in plan.mapping or "officer" in plan.mapping) else None
    rows = []
    for planned in plan.rows:
        v = planned.values
        rows.append({
            "row": planned.row, "number": v.get("number"), "date": v["register_date"].strftime("%d/%m/%Y"),
            "symbol": v.get("number_symbol", ""), "issuer": v.get("issuer", ""), "summary": v["summary"][:300],
            "form": v["form"], "medium": v.get("received_medium", ""),
            "department": importer.show_value("department_id", v.get("department_id"), directory),
            "officer": importer.show_value("officer_id", v.get("officer_id"), directory),
        })
    return {
        "total": plan.total_rows, "new": plan.new_count, "changed": plan.change_count,
        "skipped": plan.skipped_count, "errors": plan.error_count, "warnings": plan.warning_count,
        "header_row": plan.header_row, "form_column": "form" in plan.mapping, "form_for_all": plan.form_for_all,
        "has_registered_duplicates": plan.has_registered_duplicates,
        "mapped": [list(m) for m in plan.mapped()],
        "rows": rows,
        "changes": [{"row": c.row, "number": c.number, "document_id": c.document_id,
                     "fields": [list(change) for change in c.changes]} for c in plan.changes],
        "skipped_list": [str(issue) for issue in plan.skipped],
        "warning_list": [str(issue) for issue in plan.warnings],
        "checked_at": timezone.now().isoformat(),
    }
