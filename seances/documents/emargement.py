"""The attendance sheet (feuille d'émargement) to print and have signed: a PDF."""

from mlhg_app.pdf import render_pdf
from seances import calendar
from seances.selectors import group_members


def attendance_sheet_context(seance) -> dict:
    return {
        "seance": seance,
        "membres": list(group_members(seance)),
        "date": calendar.date_text(seance.date),
        "horaire": f"{calendar.time_text(seance.heure_debut)} – {calendar.time_text(calendar.seance_end(seance).time())}",
        "site": seance.groupe.antenne.nom,
        "adresse": calendar.antenne_address(seance.groupe.antenne),
        "groupe": str(seance.groupe),
        "intervenant": calendar.intervenant_name(seance),
        "prestataire": seance.programme.prestataire,
        "lignes_vides": range(3),
    }


def attendance_sheet_pdf(seance) -> bytes:
    """The sheet to print and sign: the group's members by name, date, time, site, intervenant. No side effect."""
    return render_pdf("pdf/emargement.html", attendance_sheet_context(seance))


def attendance_sheet_filename(seance) -> str:
    return f"emargement-{seance.date:%Y-%m-%d}-{seance.groupe.antenne.code}-{seance.groupe.numero}.pdf"
