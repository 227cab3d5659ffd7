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


NAV_ITEMS = [
    NavItem(_("Trang chủ"), "home", "house"),
    NavItem(_("Văn bản"), "documents:list", "journal-text"),
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
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
