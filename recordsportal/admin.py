from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Department, User


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "identifier_code", "target_electronic_exchange", "target_electronic_dossiers"]

    def has_add_permission(self, request):
        return not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "kind", "parent", "head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "abbreviation"]
    autocomplete_fields = ["parent", "head"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "department", "position", "is_active"]
    list_filter = ["groups", "department", "is_active"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["department"]
    ordering = ["full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Thông tin cán bộ"), {"fields": ["full_name", "email", "department", "position"]}),
        (_("Vai trò"), {"fields": ["is_active", "groups", "is_staff", "is_superuser"]}),
        (_("Thời gian"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "department", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    def save_related(self, request, form, formsets, change):
        # Roles are groups: a grant made here leaves the same RoleGrant trace as the services'.
        from .roles import Role
        from .services import role_grants_record

        user = form.instance
        before = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        role_grants_record(acting_user=request.user, user=user, before=before, after=after)
        user.__dict__.pop("roles", None)
