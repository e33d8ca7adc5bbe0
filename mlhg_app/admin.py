"""The console's screens, for technical superusers only (mlhg_app/admin_site.py): the sites and the technical
logs read only; the people screen kept for technical support.

Staff never come here: they edit people in the directory (`/personnes/`) and sites on the sites page
(`/sites/`). A superuser's edits of a person go through the same services (mlhg_app/services/users.py:
`user_invite`, `user_update`): the hierarchy rule, no role `staff` given or taken, no email address or
password changed for another person (a reset link is sent instead), and the support actions (invitation,
reset link, lost phone) are the services' too."""

import tempfile

from django import forms
from django.contrib import admin, messages
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from mlhg_app.admin_site import ConsoleAdmin, NoHiddenLookups
from mlhg_app.models import Antenne, OutgoingMessage, PendingJob, Structure, User
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antennes_with_headcount
from mlhg_app.services.users import (
    user_invite,
    user_password_reset_send,
    user_update,
    user_update_check,
    users_invitation_send,
)
from mlhg_app.structure_archive import export_filename, structure_export
from mlhg_app.twofactor import twofactor_reset


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    """The structures (Mission Locales) of the deployment, for superusers only: their identity (what their
    e-mails, PDFs and .ics carry), host name, retention, k and SSO settings. The slug, their path prefix
    and the id their tasks carry, is fixed once created. No deletion here (`delete_structure`, with its
    confirmation and refusals); the export action downloads the structure's archive."""

    list_display = ["nom", "nom_court", "slug", "siret", "ville", "domaine"]
    search_fields = ["nom", "nom_court", "slug", "siret"]
    actions = ["export"]

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []

    @admin.action(description=_("Exporter la structure (archive ZIP de ses données et fichiers)"))
    def export(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choisissez une seule structure à exporter."), messages.WARNING)
            return None
        structure = queryset.get()
        handle = tempfile.TemporaryFile()  # noqa: SIM115 # FileResponse closes it once sent
        structure_export(structure=structure, handle=handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=export_filename(structure))


@admin.register(Antenne)
class AntenneAdmin(ConsoleAdmin):
    """The sites, read only: staff edit them on the sites page (`/sites/<id>/modifier/`, `antenne_update`)."""

    list_display = ["nom", "kind", "ville", "effectif", "ordre"]
    list_filter = ["kind", "ville"]
    search_fields = ["nom", "adresse", "ville", "code_postal"]
    ordering = ["ordre"]

    def get_queryset(self, request):
        return antennes_with_headcount()

    @admin.display(description=_("conseillers (annuaire)"), ordering="effectif_conseillers")
    def effectif(self, obj):
        return obj.effectif_conseillers


class UserForm(forms.ModelForm):
    """A person as the people screen edits them: no password, the email address fixed once created."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "antenne", "is_manager", "is_active"]

    def __init__(self, *args, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by

    def clean(self):
        cleaned = super().clean()
        if "role" in cleaned and "antenne" in cleaned:
            try:
                user_update_check(
                    user=self.instance,
                    by=self.by,
                    role=cleaned["role"],
                    antenne=cleaned["antenne"],
                    is_manager=cleaned.get("is_manager", False),
                )
            except Refused as refusal:
                self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)
        return cleaned


@admin.register(User)
class UserAdmin(NoHiddenLookups, admin.ModelAdmin):
    form = UserForm
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "last_name", "first_name", "role", "antenne", "is_manager", "is_active"]
    list_filter = ["role", "antenne", "is_manager", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Rôle"), {"fields": ("role", "antenne", "is_manager")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "first_name", "last_name", "role", "antenne", "is_manager")}),)
    actions = ["send_invitation", "send_password_reset", "reset_two_factor"]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["email", "is_staff", "is_superuser", "last_login", "date_joined"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class BoundUserForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, by=request.user, **kw)

        return BoundUserForm

    def has_delete_permission(self, request, obj=None):
        return False  # an account is deactivated, never deleted (its history stays)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in ("first_name", "last_name", "role", "antenne", "is_manager")}
        if change:
            saved = user_update(user=obj, by=request.user, is_active=data["is_active"], **fields)
        else:
            saved = user_invite(email=data["email"], **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # nothing else to save: the person's groups are edited in the programme's pages

    @admin.action(description=_("Envoyer l'invitation (lien pour choisir un mot de passe)"))
    def send_invitation(self, request, queryset):
        count = users_invitation_send(users=queryset)
        self.message_user(request, _("%(n)d invitation(s) mise(s) en file d'envoi.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Envoyer un lien de réinitialisation du mot de passe"))
    def send_password_reset(self, request, queryset):
        sent = sum(1 for user in queryset.filter(is_active=True) if user_password_reset_send(user=user))
        self.message_user(
            request,
            _("%(n)d lien de réinitialisation envoyé.") % {"n": sent}
            if sent == 1
            else _("%(n)d liens de réinitialisation envoyés.") % {"n": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Réinitialiser la double authentification (téléphone perdu)"))
    def reset_two_factor(self, request, queryset):
        count = twofactor_reset(users=queryset)
        self.message_user(
            request, _("Double authentification réinitialisée pour %(n)d compte(s).") % {"n": count}, messages.SUCCESS
        )


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ConsoleAdmin):
    list_display = ["sent_at", "kind", "recipient", "subject", "object_type", "object_id", "occurrence"]
    list_filter = ["kind", "object_type"]
    search_fields = ["recipient", "subject", "object_id"]
    date_hierarchy = "sent_at"


@admin.register(PendingJob)
class PendingJobAdmin(ConsoleAdmin):
    """Jobs waiting for Redis (mlhg_app/jobs.py): read only; `requeue_pending_jobs` empties the list."""

    list_display = ["created_at", "task", "kwargs", "attempts", "last_error"]
    list_filter = ["task"]
