"""Who may do what to one document, in its current state: each `<action>_problems(user, document)`
lists the reasons the action is refused (the dossiers/rules.py shape). The services refuse with
these messages and the pages offer the actions with none (`available_actions`), so the two never
disagree."""

import datetime

from django.utils.translation import gettext as _

from recordsportal.dates import date_problem
from recordsportal.access import leads
from recordsportal.roles import Role

from .choices import Confidentiality, Direction, Form, PaperReason, Status
from .signatures import SignatureStatus


def is_handler(user, document) -> bool:
    """The lead officer, a co-handler, or the head of the lead department."""
    if document.officer_id == user.pk:
        return True
    if document.department_id and document.department.head_id == user.pk:
        return True
    return document.co_handlers.filter(pk=user.pk).exists()


# --- who may act on one document: each `<action>_problems` lists every reason the action is
# refused now (empty: it may happen). The services refuse with these messages and
# `available_actions` offers exactly the actions with none, so page and service never disagree.

HANDLING = (Status.ASSIGNED, Status.IN_PROGRESS)


def submit_problems(user, document) -> list[str]:
    """The Office hands a registered incoming document to leadership."""
    problems = []
    if not user.has_role(Role.OFFICE):
        problems.append(_("Chỉ văn thư được trình văn bản."))
    if document.direction != Direction.INCOMING or document.status != Status.REGISTERED:
        problems.append(_("Văn bản đã được trình hoặc đã giao xử lý."))
    return problems


def assign_problems(user, document) -> list[str]:
    """Leadership assigns (or re-assigns) an incoming document until it is done. What is chosen
    in the form (department, officer, deadline) is checked by `services.assignment_problems`."""
    problems = []
    if not user.has_role(Role.LEADERSHIP):
        problems.append(_("Chỉ lãnh đạo Ban được giao xử lý văn bản."))
    if document.direction != Direction.INCOMING:
        problems.append(_("Chỉ giao xử lý văn bản đến."))
    if document.status == Status.DONE:
        problems.append(_("Văn bản đã hoàn thành xử lý."))
    return problems


def _handler_problems(user, document) -> list[str]:
    return [] if is_handler(user, document) else [_("Bạn không phải người được giao xử lý văn bản này.")]


def progress_problems(user, document) -> list[str]:
    """A handler (`is_handler`) records progress on an assigned, unfinished document."""
    problems = _handler_problems(user, document)
    if document.status not in HANDLING:
        problems.append(_("Chỉ ghi tiến độ cho văn bản đã giao và chưa hoàn thành."))
    return problems


def complete_problems(user, document) -> list[str]:
    """A handler closes the handling of an assigned, unfinished document."""
    problems = _handler_problems(user, document)
    if document.status not in HANDLING:
        problems.append(_("Văn bản chưa được giao hoặc đã hoàn thành."))
    return problems


def attach_problems(user, document) -> list[str]:
    """The Office, the person who recorded the document, or a handler while it is handled."""
    if user.has_role(Role.OFFICE) or document.created_by_id == user.pk or (
        document.status in HANDLING and is_handler(user, document)
    ):
        return []
    return [_("Bạn không được đính kèm tệp vào văn bản này.")]


# A dossier handed to the archive is kept whole: its documents stay readable from it. The dossier
# statuses are spelled here (not imported) so documents does not depend on the dossiers app.
SEALED_DOSSIER_STATUSES = ("submitted", "archived")


def delete_problems(user, document) -> list[str]:
    """Into the trash: the Office, for a document not in the trash already and not in a dossier
    submitted to or kept in the archive (the archived dossier would then link to a missing
    document)."""
    problems = []
    if not user.has_role(Role.OFFICE):
        problems.append(_("Chỉ văn thư được xóa văn bản."))
    if document.is_deleted:
        problems.append(_("Văn bản đã ở trong thùng rác."))
    if problems:  # the dossiers are not looked up for someone refused anyway (one query fewer per page)
        return problems
    sealed = document.dossiers.filter(status__in=SEALED_DOSSIER_STATUSES, is_deleted=False).order_by("code")
    return [
        _("Văn bản thuộc hồ sơ %(code)s “%(title)s” đã nộp lưu; không chuyển vào thùng rác được.") % {
            "code": dossier.code, "title": dossier.title,
        }
        for dossier in sealed.only("code", "title")
    ]


def restore_problems(user, document) -> list[str]:
    problems = []
    if not user.has_role(Role.OFFICE):
        problems.append(_("Chỉ văn thư được khôi phục văn bản."))
    if not document.is_deleted:
        problems.append(_("Văn bản không ở trong thùng rác."))
    return problems


# --- the handling chain: dispatch inside a department, returns, internal receipts (issue 15) ----


# `user` heads `department` or a department above it (recordsportal/access.py).
manages = leads


def dispatch_problems(user, document) -> list[str]:
    """The head of the lead department gives an incoming document to one of its officers (or
    gives it to another one: reassignment), until it is done. Who and when are checked by
    `dispatch_choice_problems`."""
    if (document.direction == Direction.INCOMING and document.status in HANDLING
            and manages(user, document.department)):
        return []
    return [_("Chỉ trưởng phòng, đơn vị chủ trì giao việc văn bản đến đã được lãnh đạo giao và chưa "
              "hoàn thành.")]


def _cannot_return() -> str:
    return _("Bạn không trả lại được văn bản này ở bước xử lý hiện tại.")


def return_target(user, document) -> str | None:
    """Where `user` may send an incoming document back, with a reason: "office" (leadership
    sends back what was submitted; the head of the lead department sends back what is not their
    department's) or "department" (the lead officer gives it back to their head); None."""
    if document.direction != Direction.INCOMING:
        return None
    if document.status == Status.SUBMITTED and user.has_role(Role.LEADERSHIP):
        return "office"
    if document.status in HANDLING:
        if manages(user, document.department):
            return "office"
        if document.officer_id == user.pk:
            return "department"
    return None


def return_problems(user, document) -> list[str]:
    return [] if return_target(user, document) is not None else [_cannot_return()]


def receipt_for(user, document, receipts=None):
    """Which receiving department's handling of an internal document `user` acts on: the one
    they handle, else the one they head, else the one they co-handle; None."""
    if document.direction != Direction.INTERNAL:
        return None
    receipts = list(receipts) if receipts is not None else list(document.receipts.select_related("department"))
    for test in (lambda r: r.officer_id == user.pk, lambda r: manages(user, r.department),
                 lambda r: r.co_handlers.filter(pk=user.pk).exists()):
        for receipt in receipts:
            if test(receipt):
                return receipt
    return None


def is_receipt_handler(user, receipt) -> bool:
    return (receipt.officer_id == user.pk or manages(user, receipt.department)
            or receipt.co_handlers.filter(pk=user.pk).exists())


def receipt_acknowledge_problems(user, receipt) -> list[str]:
    if receipt.status == receipt.Status.RECEIVED and manages(user, receipt.department):
        return []
    return [_("Chỉ trưởng phòng, đơn vị nhận tiếp nhận văn bản chưa được tiếp nhận.")]


def receipt_dispatch_problems(user, receipt) -> list[str]:
    if receipt.status in receipt.OPEN and manages(user, receipt.department):
        return []
    return [_("Chỉ trưởng phòng, đơn vị nhận giao việc văn bản nội bộ chưa hoàn thành.")]


def receipt_return_target(user, receipt) -> str | None:
    """"sender": the head sends an internal document back as not their department's;
    "department": the officer gives it back to their head; None."""
    if receipt is None:
        return None
    if receipt.status in receipt.OPEN and manages(user, receipt.department):
        return "sender"
    if receipt.status in receipt.HANDLING and receipt.officer_id == user.pk:
        return "department"
    return None


def receipt_return_problems(user, receipt) -> list[str]:
    return [] if receipt_return_target(user, receipt) is not None else [_cannot_return()]


def receipt_progress_problems(user, receipt) -> list[str]:
    if receipt.status in receipt.HANDLING and is_receipt_handler(user, receipt):
        return []
    return [_("Bạn không phải người được giao xử lý văn bản này.")]


def receipt_complete_problems(user, receipt) -> list[str]:
    if receipt.status in receipt.HANDLING and is_receipt_handler(user, receipt):
        return []
    return [_("Văn bản chưa được giao xử lý, đã hoàn thành, hoặc bạn không phải người xử lý.")]


def in_department(user, department) -> bool:
    """`user` works in `department` or one of its units."""
    return bool(department is not None and user.is_active and user.department_id
                and user.department.path.startswith(department.path))


def dispatch_choice_problems(*, department, officer, co_handlers, deadline, latest=None, earliest=None) -> list[str]:
    """Every reason a head's dispatch is refused: the officer and co-handlers must work in the
    department (or its units), and the deadline stays within leadership's (`latest`) and after
    the document's date (`earliest`)."""
    problems = []
    if officer is None:
        problems.append(_("Chọn cán bộ xử lý."))
    elif not in_department(officer, department):
        problems.append(_("Cán bộ xử lý phải thuộc %(department)s hoặc đơn vị trực thuộc.") % {
            "department": department.name})
    outside = [u.full_name for u in co_handlers if not in_department(u, department)]
    if outside:
        problems.append(_("Cán bộ phối hợp phải thuộc %(department)s hoặc đơn vị trực thuộc: %(names)s.") % {
            "department": department.name, "names": ", ".join(outside)})
    if officer is not None and any(u.pk == officer.pk for u in co_handlers):
        problems.append(_("Cán bộ xử lý không đồng thời là cán bộ phối hợp."))
    if deadline and latest and deadline > latest:
        problems.append(_("Hạn xử lý không được sau hạn lãnh đạo giao (%(date)s).") % {
            "date": latest.strftime("%d/%m/%Y")})
    if deadline and earliest and deadline < earliest:
        problems.append(_("Hạn xử lý không thể trước ngày của văn bản (%(date)s).") % {
            "date": earliest.strftime("%d/%m/%Y")})
    return problems


# The actions a page may offer, each with the rule that says whether it may happen now.
DOCUMENT_ACTIONS = {
    "submit": submit_problems,
    "assign": assign_problems,
    "dispatch": dispatch_problems,
    "return": return_problems,
    "progress": progress_problems,
    "complete": complete_problems,
    "attach": attach_problems,
    "delete": delete_problems,
}
# For an internal document, what the user may do with the receipt they act on (`receipt_for`).
RECEIPT_ACTIONS = {
    "acknowledge": receipt_acknowledge_problems,
    "dispatch": receipt_dispatch_problems,
    "return": receipt_return_problems,
    "progress": receipt_progress_problems,
    "complete": receipt_complete_problems,
}


def available_actions(user, document, receipt=None) -> set[str]:
    """The actions with no problems: what the page offers."""
    actions = {name for name, problems in DOCUMENT_ACTIONS.items() if not problems(user, document)}
    if document.direction == Direction.INTERNAL and receipt is not None:
        actions |= {name for name, problems in RECEIPT_ACTIONS.items() if not problems(user, receipt)}
    return actions


# --- evidence of "electronic" (DOMAIN.md §2, issue 14) ------------------------------------------
# One rule for the registration form, the API, the services and the register import: an incoming
# document is processed electronically only when its content is in the portal (an electronic
# original or a scan attached on arrival) and it is handled in the portal (`handled_in_portal`);
# without a file it is a paper document, and says so.


def handled_in_portal(document) -> bool:
    """Whether an incoming document is distributed and handled through the portal (DOMAIN.md §5).
    One registered here is: its handling chain (submission, assignment, dispatch, completion)
    exists only here. One imported from a register kept elsewhere (`import_key`) was handled
    there, until the Office submits it or leadership assigns it here."""
    if not document.import_key:
        return True
    return bool(document.submitted_at or document.assigned_at) or document.status != Status.REGISTERED


def content_in_portal_while_handled(document) -> bool:
    """Whether content attached now arrives while the document is handled in the portal: a scan
    attached once the handling is done (or to a document still handled elsewhere) is a copy for
    the file, not the means of handling — the document circulated on paper."""
    return handled_in_portal(document) and document.status != Status.DONE


def incoming_form_problem(*, form: str | None, confidentiality: str, has_content: bool) -> str | None:
    """Why an incoming document cannot be recorded with the `form` asked for (None: derive it)."""
    if form != Form.ELECTRONIC:
        return None
    if confidentiality != Confidentiality.NORMAL:
        return _("Văn bản mật không được xử lý dưới dạng điện tử.")
    if not has_content:
        return _("Văn bản chỉ xử lý điện tử khi nội dung của nó có trên hệ thống: đính kèm bản gốc điện tử "
                 "hoặc bản số hóa. Không có tệp, văn bản được ghi là văn bản giấy.")
    return None


def incoming_form(*, form: str | None, confidentiality: str, has_content: bool, handled_in_portal: bool) -> str:
    """The form of an incoming document: the one asked for when the evidence allows it
    (`incoming_form_problem` refuses otherwise), else electronic exactly when its content is in
    the portal, it is handled in the portal (`handled_in_portal`) and it is not confidential."""
    if form:
        return form
    if has_content and handled_in_portal and confidentiality == Confidentiality.NORMAL:
        return Form.ELECTRONIC
    return Form.PAPER


def paper_reason_for(*, form: str, confidentiality: str, reason: str | None) -> str:
    """The paper reason kept with a document: none when electronic, "confidential" for a
    confidential one whatever was asked, else the reason given or, when none was given,
    "unjustified" (a missing reason never counts as justified)."""
    if form == Form.ELECTRONIC:
        return ""
    if confidentiality != Confidentiality.NORMAL:
        return PaperReason.CONFIDENTIAL
    return reason or PaperReason.UNJUSTIFIED


def issued_form_problem(*, form: str | None, confidentiality: str, signed: bool) -> str | None:
    """Why an outgoing or internal document cannot be issued with the `form` asked for: an
    electronic document the agency issues carries a digital signature (Decree 30/2020)."""
    if form != Form.ELECTRONIC:
        return None
    if confidentiality != Confidentiality.NORMAL:
        return _("Văn bản mật không được gửi dưới dạng điện tử.")
    if not signed:
        return _("Văn bản phát hành điện tử phải có tệp PDF đã ký số, nguyên vẹn; không có thì văn bản là văn bản giấy.")
    return None


def issued_form(*, form: str | None, confidentiality: str, signed: bool) -> str:
    """The form of an outgoing or internal document: electronic exactly when its issued file is
    a digitally signed PDF (and it is not confidential)."""
    if form:
        return form
    return Form.ELECTRONIC if signed and confidentiality == Confidentiality.NORMAL else Form.PAPER


def is_evidenced(document, attachments=None) -> bool:
    """Whether what the portal holds supports the document's electronic form (a file of its
    content for an incoming document, a digitally signed PDF for outgoing and internal)."""
    attachments = list(document.attachments.all()) if attachments is None else list(attachments)
    if document.direction == Direction.INCOMING:
        return bool(attachments)
    return any(a.is_signed for a in attachments)


def form_explanation(document, attachments=None) -> tuple[str, str]:
    """("electronic" | "paper", why) for the detail page, the way a dossier says "Hồ sơ giấy, vì …"."""
    attachments = list(document.attachments.all()) if attachments is None else list(attachments)
    if document.form == Form.ELECTRONIC:
        if not is_evidenced(document, attachments):
            return Form.ELECTRONIC, _("được khai là điện tử nhưng hệ thống không có tệp nội dung (văn phòng cần bổ sung).")
        if document.direction == Direction.INCOMING:
            return Form.ELECTRONIC, _("nội dung có trên hệ thống (%(name)s) và được xử lý trên hệ thống.") % {
                "name": attachments[0].original_name}
        signed = next((a for a in attachments if a.signature_status == SignatureStatus.VERIFIED), None) or next(
            a for a in attachments if a.is_signed)
        if signed.signature_status == SignatureStatus.REVOKED:
            # Shown, not hidden: the file is signed and intact, but its signer's certificate is revoked.
            return Form.ELECTRONIC, _("tệp %(name)s có chữ ký số của %(signer)s, nhưng chứng thư số của người ký "
                                      "đã bị thu hồi.") % {"name": signed.original_name, "signer": signed.signer_name or "—"}
        return Form.ELECTRONIC, _("tệp %(name)s có chữ ký số của %(signer)s.") % {
            "name": signed.original_name, "signer": signed.signer_name or "—"}
    reason = document.get_paper_reason_display() if document.paper_reason else str(PaperReason.UNJUSTIFIED.label)
    if document.direction == Direction.INCOMING and not attachments:
        return Form.PAPER, _("%(reason)s; hệ thống không có tệp nội dung của văn bản.") % {"reason": reason}
    if document.direction == Direction.INCOMING and document.confidentiality == Confidentiality.NORMAL:
        if not handled_in_portal(document):
            return Form.PAPER, _("%(reason)s; văn bản nhập từ sổ đăng ký ngoài hệ thống, chưa được trình, giao xử lý "
                                 "trên hệ thống.") % {"reason": reason}
        if document.completed_at and all(a.uploaded_at >= document.completed_at for a in attachments):
            return Form.PAPER, _("%(reason)s; tệp nội dung được đính kèm sau khi văn bản đã xử lý xong (văn bản "
                                 "lưu chuyển bằng giấy).") % {"reason": reason}
    return Form.PAPER, str(reason)


# --- dates -------------------------------------------------------------------------------------


def incoming_date_problems(*, document_date: datetime.date | None,
                           arrival_date: datetime.date | None) -> dict[str, str]:
    """Why an incoming document's dates cannot be registered, by field (`document_date`,
    `arrival_date`), as fragments (recordsportal/dates.py). One rule for the form, the API, the
    service and the register import.

    Both dates lie between RECORDS_FIRST_YEAR and today, and the document is dated on or before
    its arrival. The register year is the arrival's year (Decree 30/2020, Appendix II: arrival
    numbers run from 01 on the first day of the year to 31/12, in the order documents are
    registered). So a future arrival is refused — it would take a number of next year's
    register — while a back-dated arrival of this year or an earlier one is legitimate (a
    document registered late) and takes the next number of its own year's register."""
    problems = {}
    for field, value, label in (("arrival_date", arrival_date, _("ngày đến")),
                                ("document_date", document_date, _("ngày văn bản"))):
        problem = date_problem(value, label=label)
        if problem:
            problems[field] = problem
    if not problems and document_date and arrival_date and document_date > arrival_date:
        problems["document_date"] = _("ngày văn bản %(date)s sau ngày đến %(arrival)s") % {
            "date": document_date.strftime("%d/%m/%Y"), "arrival": arrival_date.strftime("%d/%m/%Y")}
    return problems


def issue_date_problem(issue_date: datetime.date | None) -> str | None:
    """Why an outgoing (or internal) document cannot be issued on `issue_date`: it is numbered in
    the register of that year, so it is not after today nor before RECORDS_FIRST_YEAR."""
    return date_problem(issue_date, label=_("ngày ban hành"))


# --- an outgoing document's file copies (Decree 30, Appendix III: "Nơi nhận ... Lưu: VT, đơn vị") ---


def default_file_copy_keeper(department) -> str:
    """Who keeps the file copies when the form leaves it empty: the Office's register (VT) and
    the drafting department, as the "Lưu:" line of the document says."""
    return f"VT, {department.abbreviation}" if department is not None else "VT"


def default_copies(recipients: str, recipient_departments) -> int:
    """Copies made when the form leaves it empty: one per recipient (external ones separated by
    ";" or a new line, internal departments) and the two file copies."""
    external = [r for r in recipients.replace("\n", ";").split(";") if r.strip()]
    return len(external) + len(recipient_departments or []) + 2


# --- the Office's own actions: registering, numbering, importing, declaring paper -------------
# Each page of these actions is the Office's (role_required(Role.OFFICE) on the view, a 403 for
# anyone else); the services ask the same rule, so a call from elsewhere (API, task) is refused
# with the same reason.

def _office_only(user, message) -> list[str]:
    return [] if user.has_role(Role.OFFICE) else [message]


def register_incoming_problems(user) -> list[str]:
    return _office_only(user, _("Chỉ văn thư được đăng ký văn bản đến."))


def issue_outgoing_problems(user) -> list[str]:
    return _office_only(user, _("Chỉ văn thư được cấp số văn bản đi."))


def declare_paper_problems(user) -> list[str]:
    return _office_only(user, _("Chỉ văn phòng được ghi văn bản là văn bản giấy."))


def register_import_problems(user) -> list[str]:
    return _office_only(user, _("Chỉ văn thư được nhập sổ đăng ký văn bản."))


def import_form_problem(*, form_column: bool, form_for_all: str) -> str | None:
    """Why a register file cannot be imported as it is mapped: an imported row brings no file,
    so a file without a form column needs the clerk's statement of the form of every row, made
    at the mapping step; the portal never picks one in the clerk's place (issue 14, 6)."""
    if form_column or form_for_all in Form.values:
        return None
    return _("Tệp không có cột Hình thức: hãy chọn hình thức của mọi dòng (giấy hoặc điện tử); "
             "hệ thống không tự chọn thay.")


def register_import_discard_problems(user) -> list[str]:
    return _office_only(user, _("Chỉ văn thư được xóa lần nhập sổ."))
