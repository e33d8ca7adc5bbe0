"""The séances in the admin. Comptes rendus are never registered here: they are the prestataire's alone."""

from django.contrib import admin

from seances.models import Fenetre, Groupe, IntervenantProgramme, Programme, ProgrammeSite, Releve, Seance, Theme


class FenetreInline(admin.TabularInline):
    model = Fenetre
    extra = 0


class SiteInline(admin.TabularInline):
    model = ProgrammeSite
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "prestataire", "responsable", "methode", "prix_seance_groupe", "prix_seance_sous_groupe"]
    inlines = [FenetreInline, SiteInline]


@admin.register(IntervenantProgramme)
class IntervenantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "email"]
    list_filter = ["programme"]
    search_fields = ["nom", "prenom", "email"]
    filter_horizontal = ["antennes"]


@admin.register(Groupe)
class GroupeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme"]
    list_filter = ["programme", "antenne"]
    filter_horizontal = ["membres"]


@admin.register(Seance)
class SeanceAdmin(admin.ModelAdmin):
    list_display = ["groupe", "date", "heure_debut", "intervenant", "status"]
    list_filter = ["programme", "status", "fenetre__numero", "groupe__antenne"]
    date_hierarchy = "date"
    readonly_fields = ["uid", "sequence"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["libelle", "actif", "ordre"]
    list_editable = ["actif", "ordre"]


@admin.register(Releve)
class ReleveAdmin(admin.ModelAdmin):
    list_display = ["numero", "programme", "periode_debut", "periode_fin", "total_ttc", "paye_le"]
    readonly_fields = ["numero", "sequence", "total_ht", "total_tva", "total_ttc", "emis_par", "emis_le"]
