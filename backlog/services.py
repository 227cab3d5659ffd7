"""Write rules for backlog inventories: one function per action, each in one transaction, each
taking `acting_user` (the audit trail names them) and raising DomainError with a Vietnamese
message. Transitions collect their preconditions first (`*_problems`), and the pages offer a
button only when that list is empty; status changes are claimed by a conditional UPDATE so two
clicks (or two people) cannot both win.
"""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal import audit
from recordsportal.links import absolute_url
from recordsportal.models import Department, User
from recordsportal.progress import MAX_ERRORS_KEPT
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from . import notices
from .models import Campaign, DeadlineMiss, Inventory, InventoryImport, InventoryLine
from .rules import (  # noqa: F401  (the *_problems are part of the services' interface too)
    LINE_FIELDS,
    campaign_close_problems,
    campaign_open_problems,
    campaign_update_problems,
    inventory_create_problems,
    inventory_edit_problems,
    inventory_review_problems,
    inventory_submit_problems,
    line_problems,
)


class LinesRejected(DomainError):
    """Some lines break the rules; `errors` lists each problem ("Dòng 3, Mét giá: ...")."""

    def __init__(self, message, errors: Sequence[str]):
        super().__init__(message)
        self.errors = list(errors)


def _full_clean(instance, exclude=None, validate_constraints=True):
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as error:
        messages = []
        for field_errors in error.message_dict.values():
            messages.extend(field_errors)
        raise DomainError(" ".join(messages)) from error


def _refuse(problems: list[str], field: str | None = None) -> None:
    """Refuse with the reasons backlog/rules.py gives (the page shows the same ones)."""
    if problems:
        raise DomainError(" ".join(problems), field=field)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day in the agency's time zone (Asia/Ho_Chi_Minh): 23:30 on the deadline is
    on time even though it is 16:30 UTC."""
    return timezone.localtime(moment).date()


# --- campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_open(
    *,
    acting_user: User,
    title: str,
    scope_until_year: int,
    deadline: datetime.date,
    departments: Iterable[Department],
    effort_norm: Decimal = Decimal("10"),
) -> Campaign:
    """Open a campaign and start an empty (draft) inventory for each department included, so the
    status table shows every department from the first day."""
    _refuse(campaign_open_problems(acting_user))
    departments = list(departments)
    if not departments:
        raise DomainError(_("Chọn ít nhất một phòng, đơn vị thực hiện kiểm kê."), field="departments")
    campaign = Campaign(
        title=normalize_text(title),
        scope_until_year=scope_until_year,
        deadline=deadline,
        effort_norm=effort_norm,
        created_by=acting_user,
    )
    _full_clean(campaign)
    audit.save(campaign, acting_user=acting_user)
    campaign.departments.set(departments)
    for department in departments:
        inventory = inventory_create(acting_user=acting_user, campaign=campaign, department=department)
        notices.campaign_opened(campaign, inventory)
    return campaign


@transaction.atomic
def inventory_create(*, acting_user: User, campaign: Campaign, department: Department) -> Inventory:
    """Start a department's inventory (also used when a department is added to a campaign)."""
    _refuse(inventory_create_problems(acting_user, campaign))
    if Inventory.objects.filter(campaign=campaign, department=department).exists():
        raise DomainError(_("Phòng, đơn vị này đã có bản kiểm kê trong đợt."), field="department")
    campaign.departments.add(department)
    inventory = Inventory(campaign=campaign, department=department)
    _full_clean(inventory)
    audit.save(inventory, acting_user=acting_user)
    return inventory


@transaction.atomic
def campaign_update(*, acting_user: User, campaign: Campaign, title: str, deadline: datetime.date,
                    effort_norm: Decimal) -> Campaign:
    """Correct an open campaign's title, deadline or norm, with its history row (who, before and
    after). A closed campaign stays as it was closed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _refuse(campaign_update_problems(acting_user, campaign))
    campaign.title, campaign.deadline, campaign.effort_norm = normalize_text(title), deadline, effort_norm
    _full_clean(campaign)
    audit.save(campaign, acting_user=acting_user)
    return campaign


@transaction.atomic
def campaign_close(*, acting_user: User, campaign: Campaign, now: datetime.datetime | None = None) -> Campaign:
    """Close the campaign: no more filling or submitting. Late and missing departments are
    recorded (if the deadline has passed) so the violations report finds them."""
    _refuse(campaign_close_problems(acting_user, campaign))
    now = now or timezone.now()
    if not audit.claim(campaign, expected={"status": Campaign.Status.OPEN}, acting_user=acting_user,
                       changes={"status": Campaign.Status.CLOSED, "closed_at": now}):
        campaign.refresh_from_db()  # closed by another request meanwhile: say so with the rule's words
        _refuse(campaign_close_problems(acting_user, campaign))
    campaign_record_deadline_misses(acting_user=acting_user, campaign=campaign, now=now)
    return campaign


@transaction.atomic
def campaign_record_deadline_misses(
    *, acting_user: User | None, campaign: Campaign, now: datetime.datetime | None = None
) -> int:
    """Once the deadline has passed, record every department that submitted late or not at all.
    Idempotent (one row per campaign and department, updated in place): the daily task and
    closing the campaign may both run it. Returns the number of departments recorded."""
    now = now or timezone.now()
    if local_date(now) <= campaign.deadline:
        return 0
    recorded = 0
    for inventory in Inventory.objects.filter(campaign=campaign).select_related("department"):
        if inventory.first_submitted_at is None:
            kind = DeadlineMiss.Kind.MISSING
        elif inventory.late:
            kind = DeadlineMiss.Kind.LATE
        else:
            DeadlineMiss.objects.filter(campaign=campaign, department=inventory.department).delete()
            continue
        _record_miss(inventory, kind)
        recorded += 1
    return recorded


def _record_miss(inventory: Inventory, kind: str) -> None:
    DeadlineMiss.objects.update_or_create(
        campaign=inventory.campaign,
        department=inventory.department,
        defaults={
            "kind": kind,
            "deadline": inventory.campaign.deadline,
            "submitted_at": inventory.first_submitted_at if kind == DeadlineMiss.Kind.LATE else None,
        },
    )


# --- filling an inventory --------------------------------------------------------------------------


def _check_lines(inventory: Inventory, lines: Sequence[dict]) -> list[InventoryLine]:
    objects, errors = [], []
    for number, values in enumerate(lines, start=1):
        values = {name: values.get(name) for name in LINE_FIELDS}
        for name in ("description", "location", "notes"):
            values[name] = normalize_text(values[name] or "")
        problems = line_problems(values, inventory.campaign)
        for name, message in problems.items():
            label = InventoryLine._meta.get_field(name).verbose_name
            errors.append(_("Dòng %(n)s, %(field)s: %(message)s") % {"n": number, "field": label, "message": message})
        if not problems:
            objects.append(InventoryLine(inventory=inventory, order=number, **values))
    if errors:
        raise LinesRejected(_("Có %(count)s lỗi; chưa lưu gì.") % {"count": len(errors)}, errors)
    # line_problems has checked the rules of the table's constraints (years plausible and in order,
    # quantities not negative), which the database enforces anyway: validating them here ran three
    # queries per line (28 of the 42 s an import of 2,000 lines took).
    for line in objects:
        _full_clean(line, exclude=["inventory"], validate_constraints=False)
    return objects


def _claim_edit(inventory: Inventory, expected_version: int | None) -> None:
    """Bump the version if the inventory is still editable and unchanged since the page was
    loaded: a conditional UPDATE, so a concurrent submit or save makes this one fail cleanly."""
    problems = inventory_edit_problems(inventory)
    if problems:
        raise DomainError(" ".join(problems))
    claim = Inventory.objects.filter(pk=inventory.pk, status__in=Inventory.EDITABLE, campaign__status=Campaign.Status.OPEN)
    if expected_version is not None:
        claim = claim.filter(version=expected_version)
    if claim.update(version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise DomainError(
            _("Bản kiểm kê vừa được người khác thay đổi hoặc đã nộp. Hãy tải lại trang rồi thực hiện lại.")
        )
    inventory.refresh_from_db()


@transaction.atomic
def inventory_save_lines(
    *, acting_user: User, inventory: Inventory, lines: Sequence[dict], expected_version: int | None = None,
    declared_none: bool | None = None,
) -> Inventory:
    """Replace the draft's lines with `lines` (dicts of the line fields). Every line is checked
    first; one bad line and nothing changes."""
    objects = _check_lines(inventory, lines)
    _claim_edit(inventory, expected_version)
    for line in inventory.lines.all():
        audit.delete(line, acting_user=acting_user)
    # One INSERT per 500 lines and their "+" history rows naming the user (a save and a history
    # row per line took 10 s for 2,000). The texts were normalised by _check_lines, as save() does.
    InventoryLine.objects.bulk_create(objects, batch_size=500)
    audit.record(objects, acting_user=acting_user, created=True)
    if declared_none is not None:
        inventory.declared_none = declared_none and not objects
    elif objects:
        inventory.declared_none = False
    audit.save(inventory, acting_user=acting_user, update_fields=["declared_none", "updated_at"])
    return inventory


@transaction.atomic
def inventory_line_add(*, acting_user: User, inventory: Inventory, **values) -> InventoryLine:
    """Append one line (the API's "create a line")."""
    (line,) = _check_lines(inventory, [values])
    _claim_edit(inventory, None)
    line.order = (inventory.lines.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    audit.save(line, acting_user=acting_user)
    if inventory.declared_none:
        inventory.declared_none = False
        audit.save(inventory, acting_user=acting_user, update_fields=["declared_none", "updated_at"])
    return line


@transaction.atomic
def inventory_import_xlsx(*, acting_user: User, inventory: Inventory, upload) -> Inventory:
    """Read the filled template; if the whole file is right, replace the draft's lines with its
    lines in one transaction. Any problem (file, template, or any cell) and nothing is saved;
    LinesRejected lists every problem by row and column."""
    from .excel import parse_inventory_upload

    problems = inventory_edit_problems(inventory)
    if problems:
        raise DomainError(" ".join(problems))
    lines, errors = parse_inventory_upload(upload, inventory)
    if errors:
        raise LinesRejected(_("Tệp có %(count)s lỗi; chưa lưu gì. Sửa tệp rồi tải lên lại.") % {"count": len(errors)}, errors)
    return inventory_save_lines(acting_user=acting_user, inventory=inventory, lines=lines)


# --- importing the template as a Celery task -----------------------------------------------------------
# As the file plan import (dossiers.services.plans): the upload is checked as a file and stored in
# the request (`inventory_import_start`); the task (backlog.tasks.import_inventory) reads and checks
# every row, writing its progress to the InventoryImport row, then replaces the draft's lines in one
# transaction that also marks the import done (`inventory_import_run`). A worker killed at any point
# leaves the old lines or the new ones, never half; the redelivered task runs it again. The embedded
# default runs the task at once, in the request.


@transaction.atomic
def inventory_import_start(*, acting_user: User, inventory: Inventory, upload) -> InventoryImport:
    """Accept an upload for the task: refused here (LinesRejected), before anything is stored,
    when the inventory is not editable, another import of it is running, or the file as a whole
    is wrong (not a workbook, too large, not this inventory's template, more than MAX_LINES rows)."""
    from documents.attachments import sha256_of

    from .excel import check_inventory_upload

    problems = inventory_edit_problems(inventory)
    if problems:
        raise DomainError(" ".join(problems))
    Inventory.objects.select_for_update().filter(pk=inventory.pk).first()  # two uploads at once: one goes on
    for running in inventory.imports.exclude(state__in=InventoryImport.FINISHED):
        if not running.stale:
            raise DomainError(_("Tệp “%(name)s” đang được nhập vào bản kiểm kê này; chờ lần nhập đó xong.")
                              % {"name": running.original_name})
        running.write(state=InventoryImport.State.FAILED, finished_at=timezone.now(),
                      message=_("Bị gián đoạn, đã thay bằng một lần nhập tệp khác."))
    rows_total, errors = check_inventory_upload(upload, inventory)
    if errors:
        raise LinesRejected(_("Tệp có %(count)s lỗi; chưa lưu gì. Sửa tệp rồi tải lên lại.") % {"count": len(errors)},
                            errors)
    record = InventoryImport(inventory=inventory, original_name=normalize_text(upload.name)[:255], size=upload.size,
                             sha256=sha256_of(upload), rows_total=rows_total, created_by=acting_user)
    upload.seek(0)
    record.file.save("upload.xlsx", upload, save=False)
    record.save()
    return record


def inventory_import_run(*, inventory_import_id: int) -> InventoryImport | None:
    """The task's work, idempotent and resumable: a finished import is left as it is; an
    unfinished one (queued, or cut off by a killed worker) is read again from the start. The
    progress is written as the rows are read (outside any transaction, so the page sees it); the
    lines are saved in one transaction that also marks the import done, so a worker killed at any
    point leaves either nothing or everything, and a second run finds it done."""
    import logging

    from .excel import parse_inventory_upload

    record = (InventoryImport.objects.select_related("inventory__campaign", "inventory__department", "created_by")
              .filter(pk=inventory_import_id).first())
    if record is None or record.finished:
        return record
    State = InventoryImport.State
    record.write(state=State.READING, started_at=timezone.now(), attempts=record.attempts + 1, rows_read=0,
                 error_count=0, errors=[], message="")
    report = record.reporter()
    try:
        with record.file.open("rb") as handle:
            lines, errors = parse_inventory_upload(handle, record.inventory, progress=report)
        report.flush()
        if errors:
            _inventory_import_refused(record, errors)
            return record
        record.write(state=State.SAVING)
        with transaction.atomic():
            # The row lock orders two runs of the same import (a message delivered twice).
            state = InventoryImport.objects.select_for_update().values_list("state", flat=True).get(pk=record.pk)
            if state in InventoryImport.FINISHED:
                return InventoryImport.objects.get(pk=record.pk)
            inventory = Inventory.objects.get(pk=record.inventory_id)  # as it is now, not when queued
            inventory_save_lines(acting_user=record.created_by, inventory=inventory, lines=lines)
            record.write(state=State.DONE, result_count=len(lines), finished_at=timezone.now())
    except LinesRejected as error:
        _inventory_import_refused(record, error.errors)
    except DomainError as error:  # e.g. submitted meanwhile: no longer editable
        _inventory_import_refused(record, [error.message])
    except DatabaseError:
        raise  # the database is away: the task retries; the row stays unfinished (then stale)
    except Exception:  # a fault of ours: logged, shown as such, never a page stuck at "reading"
        logging.getLogger(__name__).exception("Inventory import %s failed", record.pk)
        record.write(state=State.FAILED, finished_at=timezone.now(), message=_(
            "Lỗi hệ thống khi nhập tệp (đã ghi nhật ký cho quản trị viên). Bấm “Chạy lại” để thử lại."))
    return record


def _inventory_import_refused(record: InventoryImport, errors: Sequence[str]) -> None:
    """Errors by row and column stay on the row for the page; the refused file is not kept."""
    if record.file:
        record.file.delete(save=False)
    record.write(state=InventoryImport.State.REFUSED, errors=[str(e) for e in list(errors)[:MAX_ERRORS_KEPT]],
                 error_count=max(len(errors), record.error_count), finished_at=timezone.now(), file="")


def inventory_import_requeue(*, acting_user: User, record: InventoryImport) -> InventoryImport:
    """Run an import again whose worker died or whose message was lost (the page offers it once
    the row has not moved for a while), or that failed on a fault of ours."""
    if record.state in (InventoryImport.State.DONE, InventoryImport.State.REFUSED):
        raise DomainError(_("Lần nhập này đã kết thúc; không chạy lại được."))
    if record.state != InventoryImport.State.FAILED and not record.stale:
        raise DomainError(_("Lần nhập đang chạy; hãy chờ thêm."))
    record.write(state=InventoryImport.State.QUEUED, finished_at=None, message="")
    return record


# --- submitting and reviewing ------------------------------------------------------------------------


@transaction.atomic
def inventory_submit(
    *, acting_user: User, inventory: Inventory, declare_none: bool = False, now: datetime.datetime | None = None
) -> Inventory:
    """Submit to the Office; the inventory is locked until returned. Submitting after the
    deadline (a calendar day in Asia/Ho_Chi_Minh) is allowed and marked late."""
    now = now or timezone.now()
    if declare_none and not inventory.lines.exists():
        inventory.declared_none = True
    problems = inventory_submit_problems(inventory)
    if problems:
        raise DomainError(" ".join(problems))
    first = inventory.first_submitted_at or now
    late = local_date(first) > inventory.campaign.deadline
    if not audit.claim(
        inventory,
        expected={"status__in": Inventory.EDITABLE, "version": inventory.version, "campaign__status": Campaign.Status.OPEN},
        changes={"status": Inventory.Status.SUBMITTED, "submitted_at": now, "first_submitted_at": first,
                 "submitted_by": acting_user, "late": late, "declared_none": inventory.declared_none,
                 "version": F("version") + 1, "updated_at": now},
        acting_user=acting_user,
    ):
        raise DomainError(_("Bản kiểm kê vừa được người khác thay đổi hoặc đã nộp. Hãy tải lại trang."))
    if late:
        _record_miss(inventory, DeadlineMiss.Kind.LATE)
    return inventory


@transaction.atomic
def inventory_save_and_submit(
    *, acting_user: User, inventory: Inventory, lines: Sequence[dict], expected_version: int | None = None,
    declare_none: bool = False, now: datetime.datetime | None = None,
) -> Inventory:
    """Submit what the head sees on the screen: save `lines` as the draft (every line checked
    first), then submit, in one transaction — any refusal and neither the lines nor the status
    change. Pressing "Nộp" used to submit only the saved lines and drop the typed ones."""
    inventory_save_lines(
        acting_user=acting_user, inventory=inventory, lines=lines, expected_version=expected_version,
        declared_none=declare_none if not lines else None,
    )
    return inventory_submit(acting_user=acting_user, inventory=inventory, declare_none=declare_none, now=now)


def _review(inventory, acting_user, status, **fields):
    _refuse(inventory_review_problems(acting_user, inventory))
    now = timezone.now()
    if not audit.claim(inventory, expected={"status": Inventory.Status.SUBMITTED}, acting_user=acting_user,
                       reason=fields.get("return_reason"),
                       changes=dict(status=status, reviewed_at=now, reviewed_by=acting_user, version=F("version") + 1,
                                    updated_at=now, **fields)):
        raise DomainError(_("Bản kiểm kê vừa được người khác xử lý. Hãy tải lại trang."))
    return inventory


@transaction.atomic
def inventory_return(*, acting_user: User, inventory: Inventory, reason: str) -> Inventory:
    """Send a submitted inventory back to its department for correction, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Nhập lý do trả lại để phòng, đơn vị biết cần sửa gì."), field="reason")
    inventory = _review(inventory, acting_user, Inventory.Status.RETURNED, return_reason=reason)
    notices.inventory_returned(inventory, reason=reason)
    return inventory


@transaction.atomic
def inventory_accept(*, acting_user: User, inventory: Inventory) -> Inventory:
    return _review(inventory, acting_user, Inventory.Status.ACCEPTED)


# --- reminders ---------------------------------------------------------------------------------------


def _heads_of(department: Department) -> list[User]:
    heads = {department.head} if department.head_id and department.head.is_active else set()
    heads |= set(
        User.objects.filter(department=department, is_active=True, groups__name=Role.DEPARTMENT_HEAD)
    )
    return sorted((u for u in heads if u.email), key=lambda u: u.pk)


def campaign_send_reminders(*, acting_user: User | None, campaign: Campaign, now: datetime.datetime | None = None) -> int:
    """Email the heads of the departments whose inventory is not with the Office (draft or
    returned). Returns the number of emails sent. Mail goes out before the reminder time is
    written, outside a transaction: a mail server failure must not roll back other reminders."""
    now = now or timezone.now()
    if not campaign.is_open:
        return 0
    pending = list(
        Inventory.objects.filter(campaign=campaign, status__in=Inventory.EDITABLE).select_related("department__head")
    )
    messages, reminded = [], []
    for inventory in pending:
        heads = _heads_of(inventory.department)
        if not heads:
            continue
        link = absolute_url("backlog:inventory", inventory.pk)
        if inventory.status == Inventory.Status.RETURNED:
            state = _("Bản kiểm kê đã bị Văn phòng trả lại để chỉnh sửa. Lý do: %(reason)s") % {"reason": inventory.return_reason}
        else:
            state = _("Phòng, đơn vị chưa nộp bản kiểm kê.")
        subject = _("[Nhắc việc] Kiểm kê tài liệu tồn đọng: %(title)s, hạn %(deadline)s") % {
            "title": campaign.title,
            "deadline": campaign.deadline.strftime("%d/%m/%Y"),
        }
        body = _(
            "Kính gửi %(department)s,\n\n%(state)s\nĐợt kiểm kê: %(title)s (tài liệu hình thành đến năm %(scope)s).\n"
            "Hạn nộp: %(deadline)s.\n\nLập và nộp bản kiểm kê tại: %(link)s\n\nVăn phòng"
        ) % {
            "department": inventory.department.name,
            "state": state,
            "title": campaign.title,
            "scope": campaign.scope_until_year,
            "deadline": campaign.deadline.strftime("%d/%m/%Y"),
            "link": link,
        }
        messages.append((subject, body, None, [head.email for head in heads]))
        reminded.append(inventory.pk)
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    Inventory.objects.filter(pk__in=reminded).update(last_reminded_at=now)
    for inventory in pending:
        notices.reminded(inventory, moment=now)
    return sent


def campaigns_daily(*, now: datetime.datetime | None = None) -> dict:
    """The daily job: record late/missing departments of every campaign whose deadline has
    passed, and remind the open campaigns 7 days and 1 day before their deadline."""
    now = now or timezone.now()
    today = local_date(now)
    recorded = reminded = 0
    for campaign in Campaign.objects.filter(deadline__lt=today):
        recorded += campaign_record_deadline_misses(acting_user=None, campaign=campaign, now=now)
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.OPEN, deadline__in=[today + datetime.timedelta(days=7), today + datetime.timedelta(days=1)]
    ):
        reminded += campaign_send_reminders(acting_user=None, campaign=campaign, now=now)
    return {"recorded": recorded, "reminded": reminded}
