"""After the séance: attendance sheets, anonymous comptes rendus. STUB (helper F)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class AttendancePdfView(PermissionRequiredView, View):
    permission_required = "seances.view_attendance"

    def get(self, request, pk):
        return HttpResponse("À venir")


class AttendanceView(PermissionRequiredView, View):
    permission_required = "seances.record"

    def get(self, request, pk):
        return HttpResponse("À venir")


class CompteRenduView(PermissionRequiredView, View):
    permission_required = "seances.record"

    def get(self, request, pk):
        return HttpResponse("À venir")
