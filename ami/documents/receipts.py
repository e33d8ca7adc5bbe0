"""The accusé de réception of a submitted version, as a PDF."""

from django.utils import timezone

from ami.models import Dossier, DossierVersion
from mlhg_app.pdf import render_pdf


def receipt_filename(version: DossierVersion) -> str:
    return f"accuse-reception-{version.dossier.ami.reference}-v{version.numero}.pdf"


def receipt_channel(version: DossierVersion) -> dict:
    """For a dossier received by email: its reception record and whether it came after the deadline."""
    dossier = version.dossier
    depot = getattr(dossier, "depot_courriel", None) if dossier.canal == Dossier.Canal.COURRIEL else None
    return {"depot": depot, "hors_delai": depot is not None and version.submitted_at > dossier.ami.date_limite}


def receipt_pdf(version: DossierVersion) -> bytes:
    dossier = version.dossier
    return render_pdf(
        "pdf/accuse_reception.html",
        {
            "version": version,
            "dossier": dossier,
            "ami": dossier.ami,
            "prestataire": dossier.prestataire,
            "submitted_local": timezone.localtime(version.submitted_at),
            "fichiers": version.contenu.get("fichiers", []),
            **receipt_channel(version),
        },
        about=dossier,
    )
