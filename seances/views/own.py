"""A conseiller's and an intervenant's own séances, .ics downloads, private iCal feeds. STUB."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView, PublicView


class MySeancesView(PermissionRequiredView, View):
    permission_required = "seances.view_own"

    def get(self, request):
        return HttpResponse("À venir")


class CharteView(PermissionRequiredView, View):
    permission_required = "seances.view_own"

    def get(self, request):
        return HttpResponse("À venir")


class SeanceIcsView(PermissionRequiredView, View):
    permission_required = "seances.view_own"

    def get(self, request, pk):
        return HttpResponse("À venir")


class FeedsView(PermissionRequiredView, View):
    """The user's private feed URLs, with create and revoke."""

    permission_required = "seances.view_own"

    def get(self, request):
        return HttpResponse("À venir")


class FeedView(PublicView, View):
    """The iCal feed itself, authenticated by its secret token (revocable)."""

    def get(self, request, token):
        return HttpResponse("À venir")
