"""Submission, versions, receipts and withdrawal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View

from ami.documents.receipts import receipt_filename, receipt_pdf
from ami.selectors import version_of
from ami.services.submission import dossier_submit, dossier_withdraw
from ami.views.objects import DossierObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import day_date, precise_time
from mlhg_app.refusals import refusal_as_message


class DossierSubmitView(DossierObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_dossier"
    http_method_names = ["post"]

    def post(self, request, pk):
        dossier = self.dossier
        with refusal_as_message(request):
            version = dossier_submit(dossier=dossier, user=request.user)
            local = timezone.localtime(version.submitted_at)
            messages.success(
                request,
                f"Votre dossier est déposé : version {version.numero}, reçue le "
                f"{day_date(local)} à {precise_time(local)}. "
                "L'accusé de réception vous est envoyé par courriel.",
            )
        return redirect("ami:dossier", pk=dossier.pk)


class DossierWithdrawView(DossierObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_dossier"
    http_method_names = ["post"]

    def post(self, request, pk):
        dossier = self.dossier
        if request.POST.get("confirmer") != "oui":
            messages.error(request, "Cochez la case de confirmation pour retirer votre candidature.")
            return redirect("ami:dossier", pk=dossier.pk)
        with refusal_as_message(request):
            dossier_withdraw(dossier=dossier, user=request.user)
            messages.success(request, "Votre candidature est retirée. Les versions déposées restent archivées.")
        return redirect("ami:dossier", pk=dossier.pk)


class ReceiptView(DossierObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_dossier"

    def get(self, request, pk, numero):
        dossier = self.dossier
        version = version_of(dossier, numero)
        if version is None:
            raise Http404("Version introuvable")
        return file_response(receipt_pdf(version), filename=receipt_filename(version), attachment=True)
