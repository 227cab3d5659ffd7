"""The main menu: which entries each role sees. Later apps add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role

@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: tuple[str, ...] | None = None  # None: everyone who is logged in
    # Where the entry leads for a user whose main role is the key (the section stays the same:
    # the entry is marked active anywhere under url_name's URL).
    by_role: tuple[tuple[str, str], ...] = ()


NAV_ITEMS = [
    NavItem(_("Trang chủ"), "home", "house"),
    # An officer's documents are the ones on their desk, not the agency's 50-row register.
    NavItem(_("Văn bản"), "documents:list", "journal-text", by_role=((Role.OFFICER, "documents:to_handle"),)),
    NavItem(_("Hồ sơ"), "dossiers:mine", "folder2-open"),
    NavItem(
        _("Cán bộ"), "people", "people", (Role.DEPARTMENT_HEAD, Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
    ),
    NavItem(_("Tài liệu tồn đọng"), "backlog:index", "box-seam", (Role.DEPARTMENT_HEAD, Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)),
    NavItem(_("Chỉ tiêu"), "reports:dashboard", "graph-up"),
    NavItem(_("Quản trị"), "staff:index", "gear", (Role.ADMIN,)),
]


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.roles is not None and not user.has_role(*item.roles):
            continue
        section = reverse(item.url_name)
        url = reverse(dict(item.by_role).get(user.primary_role, item.url_name))
        active = current_path == section if section == "/" else current_path.startswith(section)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
