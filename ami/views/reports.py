"""Staff reports of the selection: rapport d'analyse, price simulation, audit journal, archive. STUB."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class RapportView(PermissionRequiredView, View):
    permission_required = "ami.manage_selection"

    def get(self, request, reference):
        return HttpResponse("À venir")


class PriceSimulationView(PermissionRequiredView, View):
    permission_required = "ami.manage_selection"

    def get(self, request, reference):
        return HttpResponse("À venir")


class AuditView(PermissionRequiredView, View):
    permission_required = "ami.manage_selection"

    def get(self, request, reference):
        return HttpResponse("À venir")


class ArchiveView(PermissionRequiredView, View):
    permission_required = "ami.manage_selection"

    def get(self, request, reference):
        return HttpResponse("À venir")
