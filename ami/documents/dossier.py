"""A submitted version of a dossier rendered as one PDF (all six sections)."""

from django.utils import timezone
from django.utils.text import slugify

from ami.models import DossierVersion
from mlhg_app.pdf import render_pdf


def dossier_pdf_filename(version: DossierVersion) -> str:
    return f"dossier-{slugify(version.dossier.prestataire.raison_sociale)}-v{version.numero}.pdf"


def dossier_pdf(version: DossierVersion) -> bytes:
    return render_pdf(
        "pdf/dossier.html",
        {
            "version": version,
            "contenu": version.contenu,
            "dossier": version.dossier,
            "submitted_local": timezone.localtime(version.submitted_at),
        },
        about=version.dossier,
    )
