"""The rules a line of an inventory must meet, in one place: the browser form, the Excel import
and the API (through the services) all ask `line_problems`, so a figure refused in one is refused
in the others with the same words."""

from decimal import Decimal

from django.utils.translation import gettext as _

from recordsportal.roles import Role

from .models import MAX_BOXES, MAX_DOSSIERS, MAX_SHELF_METRES, MIN_YEAR, Campaign, Inventory, InventoryLine

LINE_FIELDS = [
    "description",
    "from_year",
    "to_year",
    "shelf_metres",
    "boxes",
    "estimated_dossiers",
    "condition",
    "location",
    "notes",
]


def _number(value: Decimal | int) -> str:
    return f"{value:,}".replace(",", ".")


def line_problems(values: dict, campaign) -> dict[str, str]:
    """{field: Vietnamese message} for a line whose values are already of the right type
    (int years and counts, Decimal metres). Empty when the line is acceptable."""
    problems: dict[str, str] = {}
    if not values.get("description"):
        problems["description"] = _("chưa nhập tên nhóm tài liệu")
    scope = campaign.scope_until_year
    from_year, to_year = values.get("from_year"), values.get("to_year")
    for name, year in (("from_year", from_year), ("to_year", to_year)):
        if year is None:
            problems[name] = _("chưa nhập năm")
        elif year < MIN_YEAR:
            problems[name] = _("năm %(year)s không hợp lệ (từ năm %(min)s trở đi)") % {"year": year, "min": MIN_YEAR}
        elif year > scope:
            problems[name] = _(
                "năm %(year)s ngoài phạm vi đợt kiểm kê (tài liệu hình thành đến năm %(scope)s)"
            ) % {"year": year, "scope": scope}
    if "from_year" not in problems and "to_year" not in problems and from_year > to_year:
        problems["to_year"] = _("đến năm (%(to)s) phải bằng hoặc sau từ năm (%(from)s)") % {"to": to_year, "from": from_year}

    limits = (
        ("shelf_metres", MAX_SHELF_METRES, _("mét giá")),
        ("boxes", MAX_BOXES, _("hộp/cặp")),
        ("estimated_dossiers", MAX_DOSSIERS, _("hồ sơ")),
    )
    for name, limit, unit in limits:
        value = values.get(name)
        if value is None:
            problems[name] = _("chưa nhập số liệu")
        elif value < 0:
            problems[name] = _("phải là số không âm") if name == "shelf_metres" else _("phải là số nguyên không âm")
        elif value > limit:
            problems[name] = _("số liệu bất thường (quá %(limit)s %(unit)s cho một dòng); kiểm tra lại") % {
                "limit": _number(limit),
                "unit": unit,
            }
    if values.get("condition") not in InventoryLine.Condition.values:
        problems["condition"] = _("chọn một trong: %(choices)s") % {
            "choices": ", ".join(str(label) for label in InventoryLine.Condition.labels)
        }
    return problems


def deadline_problem(deadline, *, today=None, current=None) -> str | None:
    """A campaign's deadline, as someone sets it (the page and the API): not already past — a
    campaign opened with a past deadline is at once "Không nộp" for everyone. Keeping the
    deadline a campaign already has is always allowed (`current`)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if deadline is None or deadline == current or deadline >= today:
        return None
    return _("Hạn nộp %(date)s đã qua; chọn một ngày từ hôm nay (%(today)s) trở đi.") % {
        "date": deadline.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}


# --- who may do what with a campaign or an inventory: each `<action>_problems` lists every reason
# the action is refused now (empty: it may happen). The pages offer the actions with none and the
# services (backlog/services.py) refuse with the same words. -------------------------------------


def office_problems(user) -> list[str]:
    """Open, correct, close campaigns, remind, return and accept inventories: the Office (and the
    administrator standing in for it)."""
    if user is not None and user.has_role(Role.OFFICE, Role.ADMIN):
        return []
    return [_("Chỉ Văn phòng (văn thư, lưu trữ) được thực hiện thao tác này.")]


campaign_open_problems = office_problems


def campaign_update_problems(user, campaign: Campaign) -> list[str]:
    problems = office_problems(user)
    if not campaign.is_open:
        problems.append(_("Đợt kiểm kê đã đóng; không sửa được."))
    return problems


def campaign_close_problems(user, campaign: Campaign) -> list[str]:
    problems = office_problems(user)
    if not campaign.is_open:
        problems.append(_("Đợt kiểm kê đã được đóng trước đó."))
    return problems


def campaign_remind_problems(user, campaign: Campaign) -> list[str]:
    problems = office_problems(user)
    if not campaign.is_open:
        problems.append(_("Đợt kiểm kê đã đóng."))
    return problems


def inventory_create_problems(user, campaign: Campaign) -> list[str]:
    """Start a department's inventory in a campaign (the department's own inventory is unique:
    the service says so, with the field)."""
    problems = office_problems(user)
    if not campaign.is_open:
        problems.append(_("Đợt kiểm kê đã đóng."))
    return problems


# Who fills and submits an inventory is its write scope, not a rule here: the head of its
# department or of one above it (`Inventory.objects.editable_by`, `inventory_get_for_user(write=True)`:
# anyone else gets a 404, as for a row out of scope). What the inventory's state allows is below.


def inventory_edit_problems(inventory: Inventory) -> list[str]:
    problems = []
    if not inventory.campaign.is_open:
        problems.append(_("Đợt kiểm kê đã đóng."))
    if inventory.status == Inventory.Status.SUBMITTED:
        problems.append(_("Bản kiểm kê đã nộp, đang chờ Văn phòng xem xét; không sửa được."))
    elif inventory.status == Inventory.Status.ACCEPTED:
        problems.append(_("Bản kiểm kê đã được chấp nhận; không sửa được."))
    return problems


def inventory_submit_problems(inventory: Inventory) -> list[str]:
    problems = inventory_edit_problems(inventory)
    if not problems and not inventory.declared_none and not inventory.lines.exists():
        problems.append(
            _("Bản kiểm kê chưa có dòng nào. Nhập số liệu, hoặc xác nhận phòng, đơn vị không có tài liệu tồn đọng.")
        )
    return problems


def inventory_review_problems(user, inventory: Inventory) -> list[str]:
    """Return or accept: the Office, a submitted inventory."""
    problems = office_problems(user)
    if inventory.status != Inventory.Status.SUBMITTED:
        problems.append(_("Chỉ xem xét được bản kiểm kê đã nộp (hiện: %(status)s).") % {
            "status": inventory.get_status_display()})
    return problems
