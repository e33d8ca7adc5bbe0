"""Participation certificates: a conseiller downloads its yearly attestation; staff issue a programme's
attestations in bulk (an export job: the export's page follows it and links the ZIP)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.refusals import ActionView, Refused
from seances.services import certificates
from seances.views.permission_objects import ProgrammeObject


class MyCertificateView(ProgrammeObject, PermissionRequiredView, View):
    """The conseiller's own attestation of a programme year (PDF); without any séance attended, a message."""

    permission_required = "seances.view_own_certificate"

    def get(self, request, pk):
        try:
            pdf, filename = certificates.certificate_get(
                person=request.user, programme=self.programme, user=request.user
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return redirect("seances:my_seances")
        return file_response(pdf, filename=filename)


class CertificatesIssueView(ProgrammeObject, ActionView):
    """Staff ask for every attestation of the programme year, in one ZIP of PDFs (HR training records)."""

    permission_required = "seances.issue_certificates"

    def act(self, request):
        self.export = certificates.certificates_request(programme=self.programme, user=request.user)

    def redirect_url(self):
        return reverse("export", args=[self.export.pk])

    def refused_url(self):
        return reverse("seances:board", args=[self.programme.pk])
