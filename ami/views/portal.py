"""The prestataire's dossier, section by section. STUB (helper B)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class DossierStartView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, reference):
        return HttpResponse("À venir")


class DossierOverviewView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, pk):
        return HttpResponse("À venir")


class DossierSectionView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, pk, section):
        return HttpResponse("À venir")


class FichierDownloadView(PermissionRequiredView, View):
    permission_required = "ami.download_fichier"

    def get(self, request, pk, fichier_pk):
        return HttpResponse("À venir")


class FichierRemoveView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"
    http_method_names = ["post"]

    def post(self, request, pk, fichier_pk):
        return HttpResponse("À venir")
