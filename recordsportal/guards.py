"""View guards built on `access`: role checks for pages, 404 for objects out of scope."""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


def get_visible_or_404(queryset: QuerySet, **lookup):
    """One row of an already scoped queryset (`X.objects.visible_to(user)`), or 404 whether it
    is missing or out of scope: nobody learns what exists by probing ids."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Không tìm thấy.")) from exc


def role_required(*roles: str):
    """View decorator: log in first, then 403 unless the user holds one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*roles):
                raise PermissionDenied(_("Chức năng này không dành cho vai trò của bạn."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based twin of `role_required`: set `required_roles`."""

    required_roles: tuple[str, ...] = ()
    permission_denied_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_role(*self.required_roles):
            raise PermissionDenied(_("Chức năng này không dành cho vai trò của bạn."))
        return super().dispatch(request, *args, **kwargs)
