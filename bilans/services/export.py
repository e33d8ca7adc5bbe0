"""The bilan's PDF export, made by a job into a stored file; the bilan's page polls its status."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bilans import tasks
from bilans.documents.bilan import bilan_pdf, bilan_pdf_filename
from bilans.models import Bilan, ExportPdf
from bilans.selectors import bilan_shown, shown_live, version_shown
from mlhg_app.jobs import enqueue, pause_for_tests


def export_request(*, bilan: Bilan, user) -> ExportPdf:
    """Queue a PDF export of what the user reads (see `bilan_shown`); the page polls its status."""
    shown = bilan_shown(bilan, user)
    export = ExportPdf.objects.create(bilan=bilan, version=shown["version"], demande_par=user)
    transaction.on_commit(lambda: enqueue(tasks.export_pdf, export_id=export.pk))
    return export


def export_run(*, export_id: int) -> str:
    """Render and store one export. Safe to run twice: a ready export is left as it is."""
    export = ExportPdf.objects.select_related("bilan__programme__prestataire", "version").filter(pk=export_id).first()
    if export is None:
        return "absent"
    if export.status == ExportPdf.Status.PRET and export.fichier:
        return export.status
    ExportPdf.objects.filter(pk=export.pk).update(status=ExportPdf.Status.EN_COURS)
    bilan = export.bilan
    shown = version_shown(export.version) if export.version else shown_live(bilan)
    try:
        data = bilan_pdf(bilan, shown)
    except Exception as exc:  # the job's status tells the user; the task logs and may retry
        ExportPdf.objects.filter(pk=export.pk).update(
            status=ExportPdf.Status.ECHEC, erreur=f"La mise en page du PDF a échoué ({type(exc).__name__}).",
            termine_le=timezone.now(),
        )  # fmt: skip
        raise
    pause_for_tests(f"export {export.pk}")
    export.fichier.save(bilan_pdf_filename(bilan, export.version), ContentFile(data), save=False)
    export.status = ExportPdf.Status.PRET
    export.termine_le = timezone.now()
    export.erreur = ""
    export.save(update_fields=["fichier", "status", "termine_le", "erreur"])
    return export.status
