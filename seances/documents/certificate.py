"""The yearly « attestation de participation » of a conseiller (PDF/UA-1, `templates/pdf/attestation.html`):
the séances attended (date, duration; from the attendance records), the hours, the provider's name. Nothing of
what was said: no theme, no compte rendu, no other participant."""

import zipfile

from django.utils.text import slugify

from mlhg_app.pdf import render_pdf
from seances import calendar
from seances.models import Programme
from seances.selectors import seances_present

TEMPLATE = "pdf/attestation.html"


def hours_text(minutes: int) -> str:
    """« 6 h », « 7 h 30 »."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def certificate_context(person, programme: Programme) -> dict:
    seances = list(seances_present(person, programme))
    minutes = programme.duree_minutes
    return {
        "personne": person,
        "programme": programme,
        "prestataire": programme.prestataire,
        "seances": [
            {
                "date": seance.date,
                "horaire": f"{calendar.time_text(seance.heure_debut)} – {calendar.time_text(calendar.seance_end(seance).time())}",
                "duree": hours_text(minutes),
            }
            for seance in seances
        ],
        "nombre": len(seances),
        "heures": hours_text(minutes * len(seances)),
    }


def certificate_filename(person, programme: Programme) -> str:
    name = slugify(f"{person.last_name} {person.first_name}") or f"personne-{person.pk}"
    return f"attestation-{programme.annee_debut}-{programme.annee_debut + 1}-{name}.pdf"


def certificate_pdf(person, programme: Programme) -> bytes:
    return render_pdf(TEMPLATE, certificate_context(person, programme), about=programme)


def certificates_zip(people, programme: Programme, handle) -> int:
    """One attestation PDF per person into the ZIP `handle`; returns how many."""
    count = 0
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for person in people:
            archive.writestr(certificate_filename(person, programme), certificate_pdf(person, programme))
            count += 1
    return count
