from django.apps import apps
from django.contrib.auth.backends import BaseBackend

DEFAULT_ACTIONS = ("add", "change", "delete", "view")


class StaffRoleBackend(BaseBackend):
    """MLHG staff (role `staff`, admin access) hold Django's model permissions.

    Only the default model permissions (`app.add_model`, `app.change_model`, …)
    of models that exist: the product's own rules (`ami.submit_dossier`, …) are
    decided by django-rules, never here. What the admin shows at all is decided
    by what is registered in it (comptes rendus never are).
    """

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None:  # a permission on an object is the product's rule (django-rules), never granted here
            return False
        if not (user_obj.is_active and user_obj.is_staff and getattr(user_obj, "role", None) == "staff"):
            return False
        app_label, _, codename = perm.partition(".")
        action, _, model_name = codename.partition("_")
        if action not in DEFAULT_ACTIONS or not model_name:
            return False
        try:
            apps.get_model(app_label, model_name)
        except LookupError:
            return False
        return True

    def has_module_perms(self, user_obj, app_label):
        return bool(user_obj.is_active and user_obj.is_staff and getattr(user_obj, "role", None) == "staff")
