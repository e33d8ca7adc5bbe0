from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class MLHGAdminSite(admin.AdminSite):
    """The Django admin, in French, for MLHG staff only (role `staff`)."""

    site_header = _("Administration de la plateforme APP – MLHG")
    site_title = _("Administration MLHG APP")
    index_title = _("Gestion")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) == "staff")
