"""The bilan's PDF exports: request, status, download."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from bilans.services.export import export_request
from bilans.views.objects import BilanObject, ExportObject
from mlhg_app import jobs
from mlhg_app.access import PermissionRequiredView
from mlhg_app.exports import status_payload
from mlhg_app.models import StoredExport


class ExportCreateView(BilanObject, PermissionRequiredView, View):
    permission_required = "bilans.view_bilan"

    def post(self, request, pk):
        bilan = self.bilan
        export_request(bilan=bilan, user=request.user)
        if not jobs.delayed_in_request():  # otherwise the page says the job will run later
            messages.info(
                request, "L'export PDF est lancé : son état s'affiche ci-dessous, le lien apparaît quand il est prêt."
            )
        return redirect(reverse("bilans:detail", kwargs={"pk": bilan.pk}) + "#exports")


class ExportStatusView(ExportObject, PermissionRequiredView, View):
    permission_required = "bilans.view_export"

    def get(self, request, pk):
        export = self.export
        url = reverse("bilans:export_download", kwargs={"pk": export.pk})
        return JsonResponse(status_payload(export, url))


class ExportDownloadView(ExportObject, PermissionRequiredView, View):
    permission_required = "bilans.view_export"

    def get(self, request, pk):
        export = self.export
        if export.status != StoredExport.Status.PRET or not export.fichier:
            raise Http404("Le PDF n'est pas encore prêt")
        return FileResponse(
            export.fichier.open("rb"),
            content_type="application/pdf",
            filename=export.filename,
        )
