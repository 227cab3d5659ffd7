from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from ..access import managed_department_paths
from ..desk import desk_for
from ..models import Department, User
from ..roles import Role

HOME_TEMPLATES = {
    Role.ADMIN: "home/admin.html",
    Role.LEADERSHIP: "home/leadership.html",
    Role.OFFICE: "home/office.html",
    Role.DEPARTMENT_HEAD: "home/department_head.html",
    Role.OFFICER: "home/officer.html",
}


def _departments_with_counts():
    return Department.objects.active().annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).select_related("head", "parent")


@login_required
def home(request):
    """Each role lands on a page made for it; a user with no role yet sees who to ask."""
    user = request.user
    role = user.primary_role
    tiles, panels = desk_for(user, role) if role else ([], [])
    # The day's work first (each app's desk.py), then what the role oversees.
    context = {"role": role, "tiles": tiles, "panels": panels}
    if role in (Role.ADMIN, Role.LEADERSHIP, Role.OFFICE):
        context["departments"] = _departments_with_counts().order_by("path")
        context["user_count"] = User.objects.filter(is_active=True).count()
    elif role == Role.DEPARTMENT_HEAD:
        # Only the names are shown: the led departments and their units, chosen by the database
        # (not all 200 departments with their member counts, head and parent, filtered here).
        paths = managed_department_paths(user)
        under = Q(pk__in=[])
        for path in paths:
            under |= Q(path__startswith=path)
        context["managed_departments"] = list(Department.objects.active().filter(under).order_by("path"))
    template = HOME_TEMPLATES.get(role, "home/no_role.html")
    return render(request, template, context)
