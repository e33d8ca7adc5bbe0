from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mlhg_app.jobs import enqueue
from mlhg_app.models import WEEKDAYS, Antenne, OutgoingMessage, PendingJob, User


class AntenneForm(forms.ModelForm):
    jours_indisponibles = forms.TypedMultipleChoiceField(
        label=_("Jours où le site ne peut pas accueillir de séance"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Antenne
        fields = [
            "code",
            "nom",
            "kind",
            "adresse",
            "code_postal",
            "ville",
            "effectif_conseillers",
            "jours_indisponibles",
            "ordre",
        ]


# Roles carry the permissions: Django's groups are not used.
admin.site.unregister(Group)


@admin.register(Antenne)
class AntenneAdmin(admin.ModelAdmin):
    form = AntenneForm
    list_display = ["nom", "kind", "ville", "effectif_conseillers", "ordre"]
    list_filter = ["kind", "ville"]
    search_fields = ["nom", "adresse", "ville", "code_postal"]
    ordering = ["ordre"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "last_name", "first_name", "role", "antenne", "is_manager", "is_active"]
    list_filter = ["role", "antenne", "is_manager", "is_active", "is_staff"]
    filter_horizontal: tuple = ()
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Rôle"), {"fields": ("role", "antenne", "is_manager")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "antenne",
                    "is_manager",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["send_invitation"]

    @admin.action(description=_("Envoyer l'invitation (lien pour choisir un mot de passe)"))
    def send_invitation(self, request, queryset):
        from mlhg_app.tasks import send_welcome

        ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue(send_welcome, user_id=pk))
        self.message_user(
            request, _("%(n)d invitation(s) mise(s) en file d'envoi.") % {"n": len(ids)}, messages.SUCCESS
        )


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "recipient", "subject", "object_type", "object_id", "occurrence"]
    list_filter = ["kind", "object_type"]
    search_fields = ["recipient", "subject", "object_id"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingJob)
class PendingJobAdmin(admin.ModelAdmin):
    """Jobs waiting for Redis (mlhg_app/jobs.py): read only; `requeue_pending_jobs` empties the list."""

    list_display = ["created_at", "task", "kwargs", "attempts", "last_error"]
    list_filter = ["task"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
