"""What the attendance and compte rendu pages share: the séance's facts and the way back."""

from django.urls import reverse

from seances import calendar


def seance_back_link(user, seance) -> dict:
    """The breadcrumb: the programme's board for who reads it, otherwise one's own séances."""
    if user.has_perm("seances.view_programme", seance.programme):
        return {
            "back_url": reverse("seances:board", kwargs={"pk": seance.programme_id}),
            "back_label": seance.programme,
        }
    return {"back_url": reverse("seances:my_seances"), "back_label": "Mes séances"}


def seance_facts(seance) -> dict:
    return {
        "seance": seance,
        "date": calendar.date_text(seance.date),
        "horaire": calendar.time_text(seance.heure_debut),
        "intervenant": calendar.intervenant_name(seance),
    }
