"""The séances' part of a person's data export (registered in `SeancesConfig.ready`).

A conseiller: their groups, their convocations and whether they were marked present
(their own line of the attendance, never the other members'), the charters accepted.
An intervenant: their intervenant records, unavailable days and the séances they lead.
A responsable: the programmes they follow. Never what was said in a séance.
"""

from mlhg_app import personal_data
from mlhg_app.personal_data import iso
from seances.models import CharteAcceptation, Emargement, Groupe, IntervenantProgramme, Programme, Seance


def convocations_of(user):
    groupes = list(Groupe.objects.filter(membres=user).select_related("programme", "antenne"))
    if not groupes:
        return None
    seances = Seance.objects.filter(groupe__in=groupes).select_related("groupe__antenne").order_by("date")
    present = set(
        Emargement.objects.filter(seance__groupe__in=groupes, presents=user).values_list("seance_id", flat=True)
    )
    recorded = set(Emargement.objects.filter(seance__groupe__in=groupes).values_list("seance_id", flat=True))
    chartes = CharteAcceptation.objects.filter(user=user).select_related("programme")
    return {
        "groupes": [{"programme": str(g.programme), "groupe": str(g)} for g in groupes],
        "seances": [
            {
                "date": s.date.isoformat(),
                "heure": s.heure_debut.strftime("%H:%M"),
                "groupe": str(s.groupe),
                "statut": s.status,
                "presence": (s.pk in present) if s.pk in recorded else None,
            }
            for s in seances
        ],
        "chartes_acceptees": [{"programme": str(c.programme), "acceptee_le": iso(c.accepted_at)} for c in chartes],
    }


def interventions_of(user):
    records = list(
        IntervenantProgramme.objects.filter(user=user)
        .select_related("programme")
        .prefetch_related("antennes", "indisponibilites")
    )
    if not records:
        return None
    seances = Seance.objects.filter(intervenant__in=records).select_related("groupe__antenne").order_by("date")
    return {
        "programmes": [
            {
                "programme": str(r.programme),
                "prenom": r.prenom,
                "nom": r.nom,
                "adresse_electronique": r.email,
                "sites": [a.nom for a in r.antennes.all()],
                "indisponibilites": [i.date.isoformat() for i in r.indisponibilites.all()],
            }
            for r in records
        ],
        "seances_animees": [
            {
                "date": s.date.isoformat(),
                "heure": s.heure_debut.strftime("%H:%M"),
                "groupe": str(s.groupe),
                "statut": s.status,
            }
            for s in seances
        ],
    }


def programmes_followed_by(user):
    programmes = Programme.objects.filter(responsable=user)
    if not programmes:
        return None
    return [str(p) for p in programmes]


def register() -> None:
    personal_data.register("convocations", convocations_of)
    personal_data.register("interventions", interventions_of)
    personal_data.register("programmes_suivis", programmes_followed_by)
