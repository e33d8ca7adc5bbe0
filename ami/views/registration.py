"""Registration of a prestataire, email verification, colleagues. STUB (helper A)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView, PublicView


class RegisterView(PublicView, View):
    def get(self, request):
        return HttpResponse("À venir")


class RegisterDoneView(PublicView, View):
    def get(self, request):
        return HttpResponse("À venir")


class VerifyEmailView(PublicView, View):
    def get(self, request, token):
        return HttpResponse("À venir")


class OrganisationView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request):
        return HttpResponse("À venir")


class AcceptInvitationView(PublicView, View):
    def get(self, request, token):
        return HttpResponse("À venir")
