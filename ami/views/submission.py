"""Submission, versions, receipts and withdrawal."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ami.documents.receipts import receipt_filename, receipt_pdf
from ami.selectors import version_of
from ami.services.submission import dossier_submit, dossier_withdraw
from ami.views.objects import DossierObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import day_date, precise_time
from mlhg_app.refusals import ActionView, Refused


class DossierAction(DossierObjectMixin, ActionView):
    """A POST on the candidate's own dossier; back to the dossier's page."""

    permission_required = "ami.change_dossier"

    def redirect_url(self):
        return reverse("ami:dossier", args=[self.dossier.pk])


class DossierSubmitView(DossierAction):
    def act(self, request):
        version = dossier_submit(dossier=self.dossier, user=request.user)
        local = timezone.localtime(version.submitted_at)
        return (
            f"Votre dossier est déposé : version {version.numero}, reçue le "
            f"{day_date(local)} à {precise_time(local)}. "
            "L'accusé de réception vous est envoyé par courriel."
        )


class DossierWithdrawView(DossierAction):
    def act(self, request):
        if request.POST.get("confirmer") != "oui":
            raise Refused("Cochez la case de confirmation pour retirer votre candidature.")
        dossier_withdraw(dossier=self.dossier, user=request.user)
        return "Votre candidature est retirée. Les versions déposées restent archivées."


class ReceiptView(DossierObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_dossier"

    def get(self, request, pk, numero):
        dossier = self.dossier
        version = version_of(dossier, numero)
        if version is None:
            raise Http404("Version introuvable")
        return file_response(receipt_pdf(version), filename=receipt_filename(version), attachment=True)
