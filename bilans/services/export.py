"""The bilan's PDF export: a `mlhg_app.StoredExport` made by the job of mlhg_app/exports.py; the bilan's
page polls its status and links the file. Two kinds, registered in `BilansConfig.ready`: a remitted
version's (`EXPORT_VERSION`) and the draft's (`EXPORT_DRAFT`)."""

from bilans.documents.bilan import bilan_pdf, bilan_pdf_filename
from bilans.models import EXPORT_DRAFT, EXPORT_VERSION, Bilan, BilanVersion
from bilans.selectors import bilan_shown, bilans_base, shown_live, version_shown
from mlhg_app import exports
from mlhg_app.models import StoredExport

PDF = "application/pdf"


def export_request(*, bilan: Bilan, user) -> StoredExport:
    """Queue a PDF export of what the user reads (see `bilan_shown`): the remitted version they read, or
    the draft for its prestataire while it is being written. Side effect: the job queued after commit."""
    version = bilan_shown(bilan, user)["version"]
    if version is not None:
        return exports.export_request(kind=EXPORT_VERSION, object_id=version.pk, user=user)
    return exports.export_request(kind=EXPORT_DRAFT, object_id=bilan.pk, user=user)


def render_version(version_id: int, user):
    """A remitted version's PDF, as it was frozen."""
    version = BilanVersion.objects.select_related("bilan__programme__prestataire").get(pk=version_id)
    return bilan_pdf(version.bilan, version_shown(version)), bilan_pdf_filename(version.bilan, version), PDF


def render_draft(bilan_id: int, user):
    """The draft's PDF: its live texts and the figures of the day the job runs."""
    bilan = bilans_base().get(pk=bilan_id)
    return bilan_pdf(bilan, shown_live(bilan)), bilan_pdf_filename(bilan, None), PDF


def register() -> None:
    exports.register(EXPORT_VERSION, render_version, label="Bilan annuel, version remise (PDF)")
    exports.register(EXPORT_DRAFT, render_draft, label="Bilan annuel, brouillon (PDF)")
