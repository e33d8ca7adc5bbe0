from django.contrib.auth.backends import BaseBackend

# The Django model permissions staff hold: the people and sites screens of the admin, nothing else
# (no delete: an account is deactivated, a site is kept for the history). Until the back-office
# issue gives staff their own pages; the product's rules are decided by django-rules, never here.
STAFF_ADMIN_PERMISSIONS = frozenset(
    f"mlhg_app.{action}_{model}" for model in ("user", "antenne") for action in ("view", "change", "add")
)


def is_staff_member(user) -> bool:
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) == "staff")


class StaffRoleBackend(BaseBackend):
    """MLHG staff (role `staff`, admin access) hold exactly `STAFF_ADMIN_PERMISSIONS`."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not is_staff_member(user_obj):
            return set()
        return set(STAFF_ADMIN_PERMISSIONS)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
