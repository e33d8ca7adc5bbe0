"""The Django admin: a console for technical superusers, read-only on the domain.

Who enters: an active superuser (`is_staff` and `is_superuser`) only, with their second factor verified
when two-factor authentication is required (mlhg_app/twofactor.py: our TOTP code, or the organisation's
through single sign-on). MLHG staff do not enter: they work in the product (the people directory
`/personnes/`, the sites page `/sites/`) and are sent to the admin's login like anyone else. Superusers
read every registered model through `ConsoleAdmin`, which adds, changes and deletes nothing (delete
pages, whose confirmation lists related rows, answer 403); the one exception is the people screen, whose
saves and support actions go through the services (mlhg_app/admin.py). Some models are never registered at all (`NEVER_SHOWN`):
comptes rendus and their themes, attendance, TOTP secrets, Django's groups.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from mlhg_app import twofactor

NEVER_SHOWN = frozenset(
    {
        "seances.compterendu",  # what was said in a séance, and its themes: the prestataire's alone
        "seances.emargement",  # who attended: billing proof, restricted access
        "otp_totp.totpdevice",  # its pages show the key and its QR code
        "auth.group",  # roles carry the permissions: Django's groups are not used
    }
)


class MLHGAdminSite(admin.AdminSite):
    site_header = _("Console technique de la plateforme APP – MLHG")
    site_title = _("Console technique MLHG APP")
    index_title = _("Gestion")

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff and user.is_superuser):
            return False
        return not (twofactor.required_for(user) and not twofactor.second_factor_done(request))

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        shown = [m for m in models if m._meta.label_lower not in NEVER_SHOWN]
        if shown:
            super().register(shown, admin_class, **options)


def reaches_hidden_model(model, lookup: str) -> bool:
    """Whether a changelist filter of the URL (`?comptes_rendus=3` on themes) goes through a model that
    is never shown: filtering by it would tell what that model holds."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation:
            return False
        model = field.related_model
        if model._meta.label_lower in NEVER_SHOWN:
            return True
    return False


class NoHiddenLookups:
    """Refuses (400) the changelist filters of the URL that go through a model never shown."""

    def lookup_allowed(self, lookup, value, request=None):
        return not reaches_hidden_model(self.model, lookup) and super().lookup_allowed(lookup, value, request)


class ReadOnly:
    """Nothing is added, changed or deleted here; superusers only may look."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsoleAdmin(NoHiddenLookups, ReadOnly, admin.ModelAdmin):
    """A domain model in the console: read-only, for superusers."""

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class ConsoleInline(ReadOnly, admin.TabularInline):
    extra = 0
