"""The planning board, the programme's setup and the groups. STUB (lead)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class ProgrammeListView(PermissionRequiredView, View):
    permission_required = "seances.view_board"

    def get(self, request):
        return HttpResponse("À venir")


class BoardView(PermissionRequiredView, View):
    permission_required = "seances.view_board"

    def get(self, request, pk):
        return HttpResponse("À venir")
