"""The AMI in the console: read-only, for superusers (mlhg_app/admin_site.py)."""

from django.contrib import admin

from ami.models import AMI, Avenant, Critere, DepotCourriel, Dossier, Jalon, Membre, Prestataire, SectionAMI
from mlhg_app.admin_site import ConsoleAdmin, ConsoleInline, ReadOnly


class CritereInline(ConsoleInline):
    model = Critere


class JalonInline(ConsoleInline):
    model = Jalon


class SectionInline(ReadOnly, admin.StackedInline):
    model = SectionAMI
    extra = 0


@admin.register(AMI)
class AMIAdmin(ConsoleAdmin):
    list_display = ["titre", "annee", "status", "date_publication", "date_limite"]
    list_filter = ["status", "annee"]
    search_fields = ["titre", "reference"]
    filter_horizontal = ["evaluateurs"]
    inlines = [CritereInline, JalonInline, SectionInline]


class MembreInline(ConsoleInline):
    model = Membre
    fk_name = "prestataire"
    fields = ["user", "email_verified_at", "invited_by", "created_at"]
    readonly_fields = ["email_verified_at", "invited_by", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(Prestataire)
class PrestataireAdmin(ConsoleAdmin):
    list_display = ["raison_sociale", "statut_juridique", "siret", "ville", "created_at"]
    list_filter = ["statut_juridique", "ville"]
    search_fields = ["raison_sociale", "siret", "contact_nom"]
    inlines = [MembreInline]


@admin.register(Dossier)
class DossierAdmin(ConsoleAdmin):
    """Existence and status only: the content is read, once opened, in the product's own pages."""

    list_display = ["prestataire", "ami", "status", "updated_at"]
    list_filter = ["ami", "status"]
    search_fields = ["prestataire__raison_sociale", "prestataire__siret"]
    fields = ["ami", "prestataire", "status", "created_at", "updated_at"]
    readonly_fields = fields


@admin.register(DepotCourriel)
class DepotCourrielAdmin(ConsoleAdmin):
    """A dossier received by email: its reception record (the message itself is read in the product's page)."""

    list_display = ["expediteur_email", "ami", "recu_le", "dossier", "enregistre_par"]
    list_filter = ["ami"]
    fields = ["ami", "dossier", "expediteur_email", "date_entete", "date_received", "recu_le", "correction_motif"]
    readonly_fields = fields


@admin.register(Avenant)
class AvenantAdmin(ConsoleAdmin):
    list_display = ["__str__", "date_effet", "sent_at", "signed_at"]
    fields = ["convention", "numero", "date_effet", "prix_seance_groupe", "prix_seance_sous_groupe", "seances_par_site"]
    readonly_fields = fields
