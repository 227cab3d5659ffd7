"""What documents put on each home page (recordsportal/desk.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from recordsportal.desk import Panel, Tile
from recordsportal.roles import Role

from . import inbox
from .choices import Direction, Status


def _list(**params) -> str:
    return f"{reverse('documents:list')}?{urlencode(params)}"


def desk(user, role) -> list:
    today = timezone.localdate()
    entries = []
    if role == Role.LEADERSHIP:
        waiting = inbox.awaiting_direction(user)
        entries.append(Tile(_("Văn bản chờ ý kiến chỉ đạo"), waiting.count(), reverse("documents:leadership_inbox"),
                            "desk-awaiting-direction"))
        entries.append(Panel(_("Văn bản chờ ý kiến chỉ đạo"), "documents/desk/_awaiting_direction.html",
                             {"documents": list(waiting.select_related("submitted_to")[:8]), "today": today},
                             "desk-direction-list"))
    if role == Role.OFFICE:
        counts = inbox.office_counts(today)
        entries += [
            Tile(_("Văn bản đến chờ trình lãnh đạo"), counts["to_submit"],
                 _list(direction=Direction.INCOMING, status=Status.REGISTERED), "desk-to-submit"),
            Tile(_("Văn bản bị trả lại Văn phòng"), counts["returned"], "#returned", "desk-returned", tone="danger"),
            Tile(_("Đã trình, chờ lãnh đạo chỉ đạo"), counts["submitted"],
                 _list(direction=Direction.INCOMING, status=Status.SUBMITTED), "desk-submitted"),
            Tile(_("Văn bản quá hạn xử lý"), counts["overdue"], reverse("documents:deadlines"), "desk-overdue-agency",
                 tone="danger"),
        ]
        returned = list(inbox.returned_to_office()[:10]) if counts["returned"] else []
        if returned:
            entries.append(Panel(_("Văn bản bị trả lại Văn phòng"), "documents/desk/_returned.html",
                                 {"documents": returned}, "returned"))
    if role == Role.DEPARTMENT_HEAD:
        counts = inbox.head_counts(user, today)
        entries += [
            Tile(_("Văn bản chờ giao việc"), counts["awaiting_dispatch"] + counts["receipts_awaiting"],
                 reverse("documents:department_inbox"), "desk-awaiting-dispatch"),
            Tile(_("Văn bản quá hạn của đơn vị"), counts["overdue"], _list(overdue="on"), "desk-department-overdue",
                 tone="danger"),
        ]
        entries.append(Panel(_("Việc của cán bộ trong đơn vị"), "documents/desk/_work_per_officer.html",
                             {"people": inbox.work_per_officer(user, today), "list_url": reverse("documents:list")},
                             "desk-work-per-officer"))
    if role in (Role.OFFICER, Role.DEPARTMENT_HEAD):
        counts = inbox.officer_counts(user, today)
        entries += [
            Tile(_("Văn bản tôi cần xử lý"), counts["documents"] + counts["receipts"], reverse("documents:to_handle"),
                 "desk-to-handle"),
            Tile(_("Văn bản tôi xử lý đã quá hạn"), counts["overdue"], reverse("documents:to_handle"),
                 "desk-my-overdue", tone="danger"),
        ]
        if role == Role.OFFICER:
            documents = list(inbox.to_handle(user).select_related("department")[:10])
            receipts = inbox.with_shown_documents(user, inbox.receipts_to_handle(user).select_related(
                "document", "department"), limit=10)
            entries.append(Panel(_("Văn bản cần xử lý"), "documents/desk/_to_handle.html",
                                 {"documents": documents, "receipts": receipts, "today": today}, "desk-to-handle-list"))
    return entries
