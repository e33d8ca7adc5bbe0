"""Public pages of the AMIs. STUB: to be implemented (helper A)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PublicView


class AMIListView(PublicView, View):
    def get(self, request):
        return HttpResponse("À venir")


class AMIDetailView(PublicView, View):
    def get(self, request, reference):
        return HttpResponse("À venir")
