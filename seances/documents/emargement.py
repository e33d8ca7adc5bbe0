"""The attendance sheet (feuille d'émargement) to print and have signed: a PDF."""

from mlhg_app.pdf import render_pdf
from seances import calendar
from seances.selectors import group_members

ONE_PAGE_ROWS = 18  # members and blank lines that fit on one A4 page beside the intervenant's signature


def attendance_sheet_context(seance) -> dict:
    membres = list(group_members(seance))
    return {
        "seance": seance,
        "membres": membres,
        "date": calendar.date_text(seance.date),
        "horaire": f"{calendar.time_text(seance.heure_debut)} – {calendar.time_text(calendar.seance_end(seance).time())}",
        "site": seance.groupe.antenne.nom,
        "adresse": calendar.antenne_address(seance.groupe.antenne),
        "groupe": str(seance.groupe),
        "intervenant": calendar.intervenant_name(seance),
        "prestataire": seance.programme.prestataire,
        # up to 3 blank lines for a newcomer, fewer for a big group so that 17 people still fit on one page
        "lignes_vides": range(max(1, min(3, ONE_PAGE_ROWS - len(membres)))),
    }


def attendance_sheet_pdf(seance) -> bytes:
    """The sheet to print and sign: the group's members by name, date, time, site, intervenant. No side effect."""
    return render_pdf("pdf/emargement.html", attendance_sheet_context(seance), about=seance)


def attendance_sheet_filename(seance) -> str:
    return f"emargement-{seance.date:%Y-%m-%d}-{seance.groupe.antenne.code}-{seance.groupe.numero}.pdf"
