"""Staff and evaluators: the dossiers that arrived, sealed until the deadline. STUB (lead)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class DossierListView(PermissionRequiredView, View):
    permission_required = "ami.read_dossiers"

    def get(self, request, reference):
        return HttpResponse("À venir")


class DossierReadView(PermissionRequiredView, View):
    permission_required = "ami.read_dossiers"

    def get(self, request, pk):
        return HttpResponse("À venir")


class DossierPdfView(PermissionRequiredView, View):
    permission_required = "ami.read_dossiers"

    def get(self, request, pk):
        return HttpResponse("À venir")


class DossierZipView(PermissionRequiredView, View):
    permission_required = "ami.read_dossiers"

    def get(self, request, pk):
        return HttpResponse("À venir")
