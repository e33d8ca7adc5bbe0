from django.contrib import admin

from ami.models import AMI, Critere, Jalon


class CritereInline(admin.TabularInline):
    model = Critere
    extra = 0


class JalonInline(admin.TabularInline):
    model = Jalon
    extra = 0


@admin.register(AMI)
class AMIAdmin(admin.ModelAdmin):
    list_display = ["titre", "annee", "status", "date_publication", "date_limite"]
    list_filter = ["status", "annee"]
    search_fields = ["titre", "reference"]
    inlines = [CritereInline, JalonInline]
