"""Submission, versions, receipts and withdrawal. STUB (lead)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class DossierSubmitView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"
    http_method_names = ["post"]

    def post(self, request, pk):
        return HttpResponse("À venir")


class DossierWithdrawView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"
    http_method_names = ["post"]

    def post(self, request, pk):
        return HttpResponse("À venir")


class ReceiptView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, pk, numero):
        return HttpResponse("À venir")
