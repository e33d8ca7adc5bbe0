"""The AMI 2026 as published by the MLHG (seed §5.2, §7.2, §7.3, §8)."""

import datetime
from zoneinfo import ZoneInfo

from ami.models import AMI, Critere, Jalon

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = "ami-app-2026"

CRITERES = [
    ("methodologie", "Qualité et pertinence de la proposition méthodologique", 40, Critere.Mode.NOTE),
    ("experience", "Expérience et qualifications des intervenants", 30, Critere.Mode.NOTE),
    ("couverture", "Capacité à couvrir l'ensemble des sites", 15, Critere.Mode.NOTE),
    ("prix", "Proposition financière", 15, Critere.Mode.CALCULE),
]

JALONS = [
    ("Publication de l'AMI", "27 avril 2026", datetime.date(2026, 4, 27)),
    ("Date limite de réception des candidatures", "29 mai 2026", datetime.date(2026, 5, 29)),
    ("Analyse des candidatures et sélection", "Début juin 2026", None),
    ("Notification aux candidats", "Fin juin 2026", None),
    ("Démarrage de la prestation", "Septembre 2026", None),
    ("Première séance sur chaque site", "Septembre / octobre 2026", None),
    ("Bilan de la 1ère année de prestation", "Juin 2027", None),
]


def load() -> list[str]:
    """Create the AMI 2026 with its criteria and calendar if missing; never overwrite edits."""
    changes = []
    ami = AMI.objects.filter(reference=REFERENCE).first()
    if ami is None:
        ami = AMI.objects.create(
            reference=REFERENCE,
            titre="Organisation de réunions d'Analyse de Pratiques Professionnelles – 2026",
            annee=2026,
            status=AMI.Status.BROUILLON,
            date_publication=datetime.date(2026, 4, 27),
            date_limite=datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS),
            nb_sites=7,
            seances_par_site=3,
            duree_seance_heures=2,
            taille_max_groupe=17,
            sous_groupes_autorises=True,
            contact_nom="Murielle AVRIL",
            contact_telephone="06 80 12 20 07",
            contact_email="mlhg@ml31.org",
        )
        changes.append(f"AMI créé : {ami.titre}")
    for ordre, (code, libelle, poids, mode) in enumerate(CRITERES):
        _, created = Critere.objects.get_or_create(
            ami=ami, code=code, defaults={"libelle": libelle, "poids": poids, "mode": mode, "ordre": ordre}
        )
        if created:
            changes.append(f"critère créé : {libelle} ({poids} %)")
    if not ami.jalons.exists():
        for ordre, (libelle, quand, date) in enumerate(JALONS):
            Jalon.objects.create(ami=ami, ordre=ordre, libelle=libelle, quand=quand, date=date)
        changes.append(f"calendrier créé : {len(JALONS)} étapes")
    return changes
