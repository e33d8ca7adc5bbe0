"""The stored exports (spreadsheets, archives): request, status, download."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from mlhg_app import exports
from mlhg_app.access import PermissionRequiredView
from mlhg_app.models import StoredExport


class ExportView(PermissionRequiredView, View):
    """One's export made by a job: its status (polled by static/js/export-status.js), then its file."""

    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        return render(request, "mlhg_app/export.html", {"export": export, "label": exports.label(export.kind)})


class ExportStatusView(PermissionRequiredView, View):
    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        return JsonResponse(exports.status_payload(export, reverse("export_download", kwargs={"pk": export.pk})))


class ExportDownloadView(PermissionRequiredView, View):
    permission_required = "mlhg_app.view_exports"

    def get(self, request, pk):
        export = exports.export_get(request.user, pk)
        if export.status != StoredExport.Status.PRET or not export.fichier:
            raise Http404("Le fichier n'est pas encore prêt")
        return FileResponse(
            export.fichier.open("rb"),
            content_type=export.content_type,
            filename=export.filename,
            as_attachment=export.content_type != "application/pdf",
        )
