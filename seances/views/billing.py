"""Cancellations, billing statements and the follow-up dashboard. STUB (helper G)."""

from django.http import HttpResponse
from django.views import View

from mlhg_app.access import PermissionRequiredView


class CancelView(PermissionRequiredView, View):
    permission_required = "seances.cancel"

    def get(self, request, pk):
        return HttpResponse("À venir")


class BillableView(PermissionRequiredView, View):
    permission_required = "seances.manage_billing"
    http_method_names = ["post"]

    def post(self, request, pk):
        return HttpResponse("À venir")


class StatementsView(PermissionRequiredView, View):
    permission_required = "seances.view_statements"

    def get(self, request, pk):
        return HttpResponse("À venir")


class StatementPdfView(PermissionRequiredView, View):
    permission_required = "seances.view_statements"

    def get(self, request, pk):
        return HttpResponse("À venir")


class StatementPaidView(PermissionRequiredView, View):
    permission_required = "seances.manage_billing"
    http_method_names = ["post"]

    def post(self, request, pk):
        return HttpResponse("À venir")


class DashboardView(PermissionRequiredView, View):
    permission_required = "seances.view_dashboard"

    def get(self, request, pk):
        return HttpResponse("À venir")
