"""The rules of dossier work, in one place: when a dossier falls due for the archive, why it
is paper, and what stands in the way of each action.

Each `*_problems` function returns the list of reasons an action cannot happen now (empty: it
can). The services refuse with that list and the pages use the same functions to decide which
buttons to offer and to show the reasons, so the two never disagree.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.access import leads
from recordsportal.models import Agency
from recordsportal.roles import Role

from .choices import (
    ARCHIVE_MIN_YEARS, DUE_NOTICE_DAYS, MAX_KEEP_YEARS, PERMANENT, BatchStatus, Form, ItemKind, RetentionStatus,
    Status,
)

# --- due dates -----------------------------------------------------------------------------------


def goes_to_archive(retention_years) -> bool:
    """Permanent dossiers and those kept 5 years or more go to the agency archive."""
    return retention_years is not None and (retention_years == PERMANENT or retention_years >= ARCHIVE_MIN_YEARS)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_date(ended_on: datetime.date | None, retention_years, rule: str | None = None) -> datetime.date | None:
    """When a closed dossier must be in the agency archive, or None when it does not go there.

    Archives Law 2024 (the default, Agency.ArchiveDueRule.LAW_2024): within one year counted
    from the *year* the work ended, i.e. by 31 December of the following year — work ended on
    31/12/2025 or on 01/01/2025 is due by 31/12/2026. The 2011 law counted one year from the
    *date* the work ended: 15/03/2025 → 15/03/2026.
    """
    if ended_on is None or not goes_to_archive(retention_years):
        return None
    rule = rule or Agency.load().archive_due_rule
    if rule == Agency.ArchiveDueRule.LAW_2011:
        return add_years(ended_on, 1)
    return datetime.date(ended_on.year + 1, 12, 31)


def max_keep_until(due_on: datetime.date) -> datetime.date:
    """A retention list may keep a dossier at most two years after its due date."""
    return add_years(due_on, MAX_KEEP_YEARS)


def due_state(dossier, today: datetime.date) -> str:
    if dossier.status != Status.CLOSED or dossier.due_on is None:
        return ""
    if dossier.retained_until and dossier.retained_until >= today:
        return "retained"
    if dossier.due_on < today:
        return "overdue"
    if dossier.due_on <= today + datetime.timedelta(days=DUE_NOTICE_DAYS):
        return "soon"
    return ""


# --- who may act ---------------------------------------------------------------------------------


# The user leads `department` or a department above it (recordsportal/access.py).
heads_department = leads


def is_keeper_or_head(user, dossier) -> bool:
    return dossier.officer_id == user.pk or heads_department(user, dossier.department)


def plan_edit_problems(user, plan) -> list[str]:
    """Change a file plan (headings, entries, import): its department's head or the Office."""
    if user.has_role(Role.OFFICE, Role.ADMIN) or heads_department(user, plan.department):
        return []
    return [_("Chỉ trưởng đơn vị hoặc Văn phòng được sửa danh mục hồ sơ.")]


def _manages_batches_of(user, department) -> bool:
    return user.has_role(Role.OFFICE) or heads_department(user, department)


def batch_create_problems(user, department) -> list[str]:
    """Start a submission to the archive for `department`: its head or the Office."""
    if _manages_batches_of(user, department):
        return []
    return [_("Chỉ trưởng đơn vị hoặc Văn phòng được lập hồ sơ nộp lưu của đơn vị.")]


def batch_edit_problems(user, batch) -> list[str]:
    """Add dossiers to, or take them out of, a batch still being prepared."""
    problems = []
    if batch.status != BatchStatus.DRAFT:
        problems.append(_("Lần nộp lưu đã được gửi: không thêm hồ sơ được nữa."))
    return problems + batch_create_problems(user, batch.department)


def batch_receive_problems(user, batch=None) -> list[str]:
    """The archive (its staff work in the Office) receives a submitted batch; without `batch`:
    whether the user receives batches at all."""
    problems = []
    if not user.has_role(Role.OFFICE):
        problems.append(_("Chỉ lưu trữ (Văn phòng) được tiếp nhận hồ sơ nộp lưu."))
    if batch is not None and batch.status != BatchStatus.SUBMITTED:
        problems.append(_("Chỉ tiếp nhận lần nộp lưu đã gửi và chưa được tiếp nhận."))
    return problems


def retention_create_problems(user, department) -> list[str]:
    """A head lists the due dossiers of their department to keep (Decree 30, Art. 31.3.d)."""
    if heads_department(user, department):
        return []
    return [_("Chỉ trưởng đơn vị được lập danh mục hồ sơ giữ lại.")]


def retention_edit_problems(user, retention_list) -> list[str]:
    """Add dossiers to, or take them out of, a retention list still being prepared."""
    problems = []
    if retention_list.status != RetentionStatus.DRAFT:
        problems.append(_("Danh mục đã gửi lãnh đạo: không thêm hồ sơ được nữa."))
    return problems + retention_create_problems(user, retention_list.department)


def retention_submit_problems(user, retention_list) -> list[str]:
    problems = []
    if retention_list.status != RetentionStatus.DRAFT:
        problems.append(_("Danh mục đã được gửi lãnh đạo."))
    if not heads_department(user, retention_list.department):
        problems.append(_("Chỉ trưởng đơn vị được gửi danh mục hồ sơ giữ lại."))
    if not problems and not retention_list.lines.exists():
        problems.append(_("Danh mục chưa có hồ sơ nào."))
    return problems


def retention_decide_problems(user, retention_list=None, agency=None) -> list[str]:
    """Decree 30, Art. 31.3.d: the agency head consents to a retention list. With the head named
    in the agency's settings, only the head decides, and a deputy only when delegated there
    (Agency.retention_delegates); before the head is named, every leader may (as before).
    Without `retention_list`: whether the user decides retention lists at all."""
    problems = []
    if not _decides_retention(user, agency):
        problems.append(_("Chỉ lãnh đạo Ban có thẩm quyền duyệt danh mục hồ sơ giữ lại: Trưởng ban, hoặc Phó "
                          "Trưởng ban được giao ký thay."))
    if retention_list is not None and retention_list.status != RetentionStatus.SUBMITTED:
        problems.append(_("Danh mục chưa được gửi hoặc đã duyệt xong."))
    return problems


def _decides_retention(user, agency=None) -> bool:
    if not user.has_role(Role.LEADERSHIP):
        return False
    agency = agency or Agency.load()
    if agency.agency_head_id is None:
        return True
    return user.pk == agency.agency_head_id or agency.retention_delegates.filter(pk=user.pk).exists()


def retention_signature(decided_by, agency=None) -> dict:
    """How the approver's block of a retention list is printed: "TRƯỞNG BAN" for the head,
    "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN" for a deputy signing on the head's behalf."""
    agency = agency or Agency.load()
    on_behalf = decided_by is not None and agency.agency_head_id is not None and decided_by.pk != agency.agency_head_id
    if on_behalf:
        return {"lines": [_("KT. TRƯỞNG BAN"), _("PHÓ TRƯỞNG BAN")], "name": decided_by.full_name}
    name = decided_by.full_name if decided_by else (agency.agency_head.full_name if agency.agency_head_id else "")
    return {"lines": [_("TRƯỞNG BAN")], "name": name}


# --- why a dossier is paper ----------------------------------------------------------------------


def paper_reasons(dossier, items) -> list[str]:
    """Every reason the dossier is not electronic; empty when it is. An electronic dossier is
    built and kept in the portal and all its items are electronic (DOMAIN §3).

    `items` come from `querysets.dossier_items_for(viewer, dossier)`: a document is named as
    the viewer may read it (`item.shown`), never by its own number."""
    reasons = []
    if not dossier.kept_in_portal:
        reasons.append(_("Hồ sơ được lập và lưu bằng giấy, không quản lý trên hệ thống."))
    for item in items:
        if item.kind == ItemKind.PAPER:
            reasons.append(_("Tài liệu “%(title)s” chỉ có bản giấy.") % {"title": item.title})
        elif item.kind == ItemKind.DOCUMENT and item.shown.form == Form.PAPER:
            reasons.append(_("%(document)s được xử lý bằng giấy.") % {"document": item.shown.label})
    return reasons


# --- preconditions -------------------------------------------------------------------------------


def hand_over_problems(user, department) -> list[str]:
    """May `user` hand over the dossiers of people of `department` (an officer who leaves or
    moves)? Only its head: the dossiers stay in the department that formed them."""
    if department is None or not heads_department(user, department):
        return [_("Chỉ trưởng đơn vị của người bàn giao được bàn giao hồ sơ của họ.")]
    return []


def edit_problems(user, dossier) -> list[str]:
    """Adding, removing or reordering items, and changing the dossier's particulars."""
    problems = []
    if dossier.is_deleted:
        problems.append(_("Hồ sơ đang ở trong thùng rác."))
    if dossier.status == Status.ARCHIVED:
        problems.append(_("Hồ sơ đã nộp lưu vào lưu trữ cơ quan: chỉ được xem."))
    elif dossier.status == Status.SUBMITTED:
        problems.append(_("Hồ sơ đã nộp lưu, đang chờ lưu trữ tiếp nhận: không được sửa."))
    elif dossier.status == Status.CLOSED:
        problems.append(_("Hồ sơ đã kết thúc: mở lại hồ sơ trước khi thêm, bớt tài liệu."))
    if not is_keeper_or_head(user, dossier):
        problems.append(_("Chỉ người lập hồ sơ hoặc trưởng đơn vị được sửa hồ sơ."))
    return problems


def close_access_problems(user, dossier) -> list[str]:
    """Whether the close form is offered at all: an open dossier, to its keeper or head."""
    problems = []
    if dossier.status != Status.OPEN:
        problems.append(_("Chỉ kết thúc được hồ sơ đang lập."))
    if not is_keeper_or_head(user, dossier):
        problems.append(_("Chỉ người lập hồ sơ hoặc trưởng đơn vị được kết thúc hồ sơ."))
    return problems


def standing_close_problems(user, dossier, item_count: int) -> list[str]:
    """What prevents closing whatever the end date typed: shown above the close form."""
    problems = close_access_problems(user, dossier)
    if item_count == 0:
        problems.append(_("Hồ sơ chưa có văn bản, tài liệu nào: không thể kết thúc hồ sơ rỗng."))
    if dossier.retention_years is None:
        problems.append(_("Chưa xác định thời hạn bảo quản của hồ sơ."))
    return problems


def close_problems(user, dossier, *, items, ended_on, sheets, pages, today=None) -> list[str]:
    """`items`: `querysets.dossier_items_for(user, dossier)` (documents named as `user` may read them)."""
    today = today or timezone.localdate()
    problems = standing_close_problems(user, dossier, len(items))
    if ended_on is None:
        problems.append(_("Chưa nhập ngày kết thúc công việc."))
    else:
        if ended_on < dossier.opened_on:
            problems.append(_("Ngày kết thúc không thể trước ngày mở hồ sơ (%(date)s).")
                            % {"date": dossier.opened_on.strftime("%d/%m/%Y")})
        if ended_on > today:
            problems.append(_("Ngày kết thúc không thể sau ngày hôm nay."))
        late = [i for i in items if i.kind == ItemKind.DOCUMENT and i.shown.register_date
                and i.shown.register_date > ended_on]
        for item in late:
            problems.append(_("%(document)s có ngày %(date)s, sau ngày kết thúc.") % {
                "document": item.shown.label, "date": item.shown.register_date.strftime("%d/%m/%Y")})
    paper = bool(paper_reasons(dossier, items))
    if paper and goes_to_archive(dossier.retention_years) and not sheets:
        problems.append(_("Hồ sơ giấy bảo quản từ 5 năm trở lên phải đánh số tờ: nhập số tờ."))
    if pages is not None and sheets is not None and pages and sheets and pages < sheets:
        problems.append(_("Số trang không thể ít hơn số tờ."))
    return problems


def ad_hoc_symbol_problems(*, department, year: int, number_symbol: str) -> list[str]:
    """Why an ad hoc dossier of `department` may not take the number and symbol typed (`07.QH`).

    A dossier's code is the agency identifier, the year and the number/symbol, unique over the
    agency; the symbol after the dot is a major heading of a file plan, so it says whose plan the
    code belongs to. A department may type a symbol of its own: a major heading of its plan of the
    year (or of the plan of a department above it, whose dossiers it also opens) that no other
    department's plan of that year uses, or the department's own abbreviation. Anything else —
    another department's heading, one of its planned dossiers, a code it already used — gets one
    message, the same whether that code exists or not: answering "already used" for the existing
    ones only told anyone which codes another department had, and taking one of its planned codes
    kept it from ever opening that dossier (issue 12).
    """
    from recordsportal.models import Department

    from .models import Dossier, FilePlanEntry, FilePlanHeading

    suffix = number_symbol.split(".", 1)[-1]
    path = department.path
    own_ids = list(Department.objects.filter(path__in=[path[:i + 1] for i, c in enumerate(path) if c == "/" and i])
                   .values_list("pk", flat=True))
    headings = FilePlanHeading.objects.filter(plan__year=year, parent__isnull=True)
    candidates = {*headings.filter(plan__department_id__in=own_ids).values_list("abbreviation", flat=True),
                  department.abbreviation}
    shared = set(headings.exclude(plan__department_id__in=own_ids).filter(abbreviation__in=candidates)
                 .values_list("abbreviation", flat=True))
    own_symbols = sorted(candidates - shared)
    planned = FilePlanEntry.objects.filter(plan__year=year, number_symbol=number_symbol).select_related("plan").first()
    code_holder = (Dossier.all_objects.filter(year=year, number_symbol=number_symbol).select_related("department")
                   .first())
    own = suffix in own_symbols
    if (not own or (planned and planned.plan.department_id not in own_ids)
            or (code_holder and code_holder.department_id not in own_ids
                and not code_holder.department.path.startswith(path))):
        return [_("Số và ký hiệu %(symbol)s không thuộc danh mục hồ sơ năm %(year)s của %(department)s: dùng số "
                  "thứ tự với ký hiệu một đề mục lớn của đơn vị (%(own)s), hoặc bỏ trống để hệ thống tự đánh số.")
                % {"symbol": number_symbol, "year": year, "department": department, "own": ", ".join(own_symbols)}]
    if planned:
        return [_("Hồ sơ %(symbol)s có trong danh mục hồ sơ năm %(year)s của đơn vị: chọn hồ sơ đó trong danh mục "
                  "thay vì mở hồ sơ phát sinh.") % {"symbol": number_symbol, "year": year}]
    if code_holder:
        return [_("Mã hồ sơ %(code)s đã được dùng.") % {"code": code_holder.code}]
    return []


def delete_problems(user, dossier) -> list[str]:
    """Into the trash: the Office any dossier not sent to the archive, the keeper or head an open
    one."""
    if dossier.status in (Status.ARCHIVED, Status.SUBMITTED):
        return [_("Hồ sơ đã nộp lưu không thể xóa.")]
    if not (user.has_role(Role.OFFICE) or (dossier.status == Status.OPEN and is_keeper_or_head(user, dossier))):
        return [_("Bạn không được xóa hồ sơ này.")]
    return []


def reopen_problems(user, dossier) -> list[str]:
    problems = []
    if dossier.status != Status.CLOSED:
        problems.append(_("Chỉ mở lại được hồ sơ đã kết thúc và chưa nộp lưu."))
    if not is_keeper_or_head(user, dossier):
        problems.append(_("Chỉ người lập hồ sơ hoặc trưởng đơn vị được mở lại hồ sơ."))
    return problems


def batch_line_problems(dossier, batch) -> list[str]:
    """Can this dossier go into this submission batch?"""
    label = dossier.code
    problems = []
    if dossier.is_deleted:
        problems.append(_("Hồ sơ %(code)s đang ở trong thùng rác.") % {"code": label})
    if dossier.status == Status.OPEN:
        problems.append(_("Hồ sơ %(code)s chưa kết thúc: không thể nộp lưu hồ sơ đang lập.") % {"code": label})
    elif dossier.status in (Status.SUBMITTED, Status.ARCHIVED):
        problems.append(_("Hồ sơ %(code)s đã nộp lưu.") % {"code": label})
    if not goes_to_archive(dossier.retention_years):
        problems.append(_("Hồ sơ %(code)s bảo quản dưới 5 năm: không nộp lưu, giữ tại đơn vị.") % {"code": label})
    if batch is not None and not dossier.department.path.startswith(batch.department.path):
        problems.append(_("Hồ sơ %(code)s không thuộc đơn vị nộp lưu.") % {"code": label})
    return problems


def batch_submit_problems(user, batch, dossiers) -> list[str]:
    problems = []
    if batch.status not in (BatchStatus.DRAFT,):
        problems.append(_("Lần nộp lưu này đã được gửi."))
    if not _manages_batches_of(user, batch.department):
        problems.append(_("Chỉ trưởng đơn vị nộp lưu hoặc Văn phòng được gửi hồ sơ nộp lưu."))
    if not dossiers:
        problems.append(_("Chưa chọn hồ sơ nào để nộp lưu."))
    for dossier in dossiers:
        problems.extend(batch_line_problems(dossier, batch))
    return problems


def keep_until_problems(dossier, keep_until, today=None) -> list[str]:
    today = today or timezone.localdate()
    problems = []
    if dossier.status != Status.CLOSED or dossier.due_on is None:
        problems.append(_("Hồ sơ %(code)s không thuộc diện phải nộp lưu.") % {"code": dossier.code})
        return problems
    if keep_until is None:
        problems.append(_("Chưa nhập ngày giữ lại đến."))
        return problems
    if keep_until <= dossier.due_on:
        problems.append(_("Ngày giữ lại phải sau hạn nộp lưu (%(date)s).") % {"date": dossier.due_on.strftime("%d/%m/%Y")})
    limit = max_keep_until(dossier.due_on)
    if keep_until > limit:
        problems.append(
            _("Chỉ được giữ lại tối đa 2 năm sau hạn nộp lưu: hồ sơ %(code)s giữ lại đến muộn nhất ngày %(date)s.")
            % {"code": dossier.code, "date": limit.strftime("%d/%m/%Y")}
        )
    return problems
