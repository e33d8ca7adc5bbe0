from django import forms
from django.contrib import admin

from ami.models import AMI, Critere, Dossier, Jalon, Membre, Prestataire, SectionAMI


class CritereFormSet(forms.BaseInlineFormSet):
    """The weights of an AMI's criteria must sum to 100 to be saved."""

    def clean(self):
        super().clean()
        total = sum(
            form.cleaned_data.get("poids") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if any(form.cleaned_data for form in self.forms) and total != 100:
            raise forms.ValidationError(
                f"La somme des pondérations des critères doit être égale à 100 (actuellement {total})."
            )


class CritereInline(admin.TabularInline):
    model = Critere
    formset = CritereFormSet
    extra = 0


class JalonInline(admin.TabularInline):
    model = Jalon
    extra = 0


class SectionInline(admin.StackedInline):
    model = SectionAMI
    extra = 0


@admin.register(AMI)
class AMIAdmin(admin.ModelAdmin):
    list_display = ["titre", "annee", "status", "date_publication", "date_limite"]
    list_filter = ["status", "annee"]
    search_fields = ["titre", "reference"]
    filter_horizontal = ["evaluateurs"]
    inlines = [CritereInline, JalonInline, SectionInline]

    def get_readonly_fields(self, request, obj=None):
        # The deadline is editable before publication only.
        if obj is not None and obj.status != AMI.Status.BROUILLON:
            return ["date_limite", "reference"]
        return []


class MembreInline(admin.TabularInline):
    model = Membre
    fk_name = "prestataire"
    extra = 0
    fields = ["user", "email_verified_at", "invited_by", "created_at"]
    readonly_fields = ["email_verified_at", "invited_by", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(Prestataire)
class PrestataireAdmin(admin.ModelAdmin):
    list_display = ["raison_sociale", "statut_juridique", "siret", "ville", "created_at"]
    list_filter = ["statut_juridique", "ville"]
    search_fields = ["raison_sociale", "siret", "contact_nom"]
    inlines = [MembreInline]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Existence and status only: the content is read, once opened, in the product's own pages."""

    list_display = ["prestataire", "ami", "status", "updated_at"]
    list_filter = ["ami", "status"]
    search_fields = ["prestataire__raison_sociale", "prestataire__siret"]
    fields = ["ami", "prestataire", "status", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
