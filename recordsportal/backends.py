from .roles import Role


class AdministratorRoleBackend:
    """Holders of the administrator role have every model permission (the Django admin asks
    for them); nobody else gains anything here. It authenticates no one."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and user_obj.has_role(Role.ADMIN)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and user_obj.has_role(Role.ADMIN)
