"""The bilan's PDF: a version as remitted (or the draft as written), its figures, charts and annex."""

from bilans import charts
from bilans.selectors import reunion_text
from mlhg_app.pdf import render_pdf


def pdf_context(bilan, shown: dict) -> dict:
    synthese = shown["synthese"]
    return {
        "bilan": bilan,
        "version": shown["version"],
        "texts": shown["texts"],
        "synthese": synthese,
        "chart_themes": charts.themes_svg(synthese),
        "chart_sites": charts.sites_svg(synthese),
        "k": synthese["k"],
        "reunion": reunion_text(bilan),
    }


def bilan_pdf(bilan, shown: dict) -> bytes:
    """The PDF of what `shown` holds (`bilans.selectors.bilan_shown`: a version, or the live draft)."""
    return render_pdf("pdf/bilan.html", pdf_context(bilan, shown), about=bilan)


def bilan_pdf_filename(bilan, version) -> str:
    """« bilan-app-2026-v2.pdf » for a remitted version, « bilan-app-2026-brouillon.pdf » for the draft."""
    suffix = f"-v{version.numero}" if version else "-brouillon"
    return f"bilan-app-{bilan.programme.annee_debut}{suffix}.pdf"
