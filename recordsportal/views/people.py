from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from ..guards import role_required
from ..models import Department, User
from ..params import parse_id
from ..roles import Role
from ..text import normalize_text
from ..names import by_name


@role_required(Role.DEPARTMENT_HEAD, Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)
def people(request):
    """The people whose work the viewer oversees: their department for a head, all for the Office."""
    users = User.objects.visible_to(request.user).select_related("department").prefetch_related("groups")
    query = normalize_text(request.GET.get("q"))
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(username__icontains=query) | Q(position__icontains=query))
    department_id = parse_id(request.GET.get("department"), name="department")
    if department_id:
        users = users.filter(department_id=department_id)
    departments = Department.objects.active().filter(pk__in=User.objects.visible_to(request.user).values("department"))
    page = Paginator(users.order_by("department__path", by_name()), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/list.html",
        {"page": page, "query": query, "departments": departments, "department_id": str(department_id or "")},
    )
