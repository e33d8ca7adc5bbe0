"""The provider's review as a PDF: the figures beside the assessment per criterion, the prestataire's answer."""

from mlhg_app.pdf import render_pdf
from seances.models import RevuePrestation
from seances.selectors import revue_chiffres


def revue_context(revue: RevuePrestation) -> dict:
    return {
        "revue": revue,
        "programme": revue.programme,
        "prestataire": revue.programme.prestataire,
        "criteres": list(revue.criteres.all()),
        "chiffres": revue_chiffres(revue),
    }


def revue_pdf(revue: RevuePrestation) -> bytes:
    return render_pdf("pdf/revue_prestation.html", revue_context(revue), about=revue)
