from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Department, User


class KeyOnlyAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, redrawing a refused form, looks the posted value up by key
    (`id__in=[value]`); a value that is no key at all (" ", "abc") made that lookup raise
    ValueError, a 500 instead of the form with its error. Such a value is drawn as nothing
    selected; the field has already refused it with its own message."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        keys = []
        for item in value:
            try:
                target.get_prep_value(target.to_python(item))
            except (ValidationError, ValueError, TypeError):
                continue
            keys.append(item)
        return super().optgroups(name, keys, attr)


class KeyOnlyAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KeyOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "identifier_code", "target_electronic_exchange", "target_electronic_dossiers"]

    def has_add_permission(self, request):
        return not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(KeyOnlyAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "kind", "parent", "head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "abbreviation"]
    autocomplete_fields = ["parent", "head"]
    ordering = ["path"]


@admin.register(User)
class UserAdmin(KeyOnlyAutocompleteMixin, SimpleHistoryAdmin, DjangoUserAdmin):
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


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.action(description=axes_admin.AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes reads "the time of the attempt" from the request, which only its login
        # handling sets: run from the admin, its own action raised AttributeError (a 500). None
        # makes it count the cool-off from now.
        request.axes_attempt_time = None
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
