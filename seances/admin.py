"""The séances in the console: read-only, for superusers (mlhg_app/admin_site.py). Comptes rendus, their
themes and attendance are never registered: they are the prestataire's alone."""

from django.contrib import admin

from mlhg_app.admin_site import ConsoleAdmin, ConsoleInline
from seances.models import Fenetre, Groupe, IntervenantProgramme, Programme, ProgrammeSite, Releve, Seance, Theme


class FenetreInline(ConsoleInline):
    model = Fenetre


class SiteInline(ConsoleInline):
    model = ProgrammeSite


@admin.register(Programme)
class ProgrammeAdmin(ConsoleAdmin):
    list_display = ["__str__", "prestataire", "responsable", "methode", "prix_seance_groupe", "prix_seance_sous_groupe"]
    inlines = [FenetreInline, SiteInline]


@admin.register(IntervenantProgramme)
class IntervenantAdmin(ConsoleAdmin):
    list_display = ["__str__", "programme", "email"]
    list_filter = ["programme"]
    search_fields = ["nom", "prenom", "email"]
    filter_horizontal = ["antennes"]


@admin.register(Groupe)
class GroupeAdmin(ConsoleAdmin):
    list_display = ["__str__", "programme"]
    list_filter = ["programme", "antenne"]
    filter_horizontal = ["membres"]


@admin.register(Seance)
class SeanceAdmin(ConsoleAdmin):
    list_display = ["groupe", "date", "heure_debut", "intervenant", "status"]
    list_filter = ["programme", "status", "fenetre__numero", "groupe__antenne"]
    date_hierarchy = "date"
    readonly_fields = ["uid", "sequence"]


@admin.register(Theme)
class ThemeAdmin(ConsoleAdmin):
    list_display = ["libelle", "actif", "ordre"]


@admin.register(Releve)
class ReleveAdmin(ConsoleAdmin):
    list_display = ["numero", "programme", "periode_debut", "periode_fin", "total_ttc", "paye_le"]
    readonly_fields = ["numero", "sequence", "total_ht", "total_tva", "total_ttc", "emis_par", "emis_le"]
