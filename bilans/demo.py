"""Demo: the 2026-2027 bilan, a first version (a « bilan d'étape » after window 1) written and remitted by
the prestataire three days ago, for the responsable to read and comment; the final version is due in June.

Called by `load_demo` after the séances' demo, through the services (`bilan_open`, `bilan_write`,
`bilan_remettre`). Idempotent. The texts pass the anonymity filter (checked here, so a change of the demo's
names cannot break it).
"""

import datetime
from zoneinfo import ZoneInfo

from bilans.models import Bilan
from bilans.services.opening import bilan_open
from bilans.services.writing import bilan_remettre, bilan_write
from mlhg_app.demo import at
from mlhg_app.models import User
from seances.models import Programme

TEXTS = {
    "thematiques": (
        "Sur la première période de l'année, les séances ont surtout porté sur la charge émotionnelle des "
        "conseillers face à des situations de plus en plus lourdes, sur la santé mentale des jeunes accompagnés "
        "et sur les partenariats à mobiliser quand aucune solution n'est disponible rapidement. Les questions de "
        "posture professionnelle reviennent dans presque tous les groupes, souvent à partir d'un cas concret "
        "apporté par un participant."
    ),
    "attention": (
        "Plusieurs groupes expriment un sentiment d'impuissance face aux délais des structures de soins. Nous "
        "recommandons qu'un temps d'échange soit prévu en équipe après un incident à l'accueil, et que les "
        "ressources d'urgence en santé mentale soient rappelées à tous les conseillers."
    ),
    "preconisations": (
        "Bilan d'étape, à compléter en fin d'année : maintenir la régularité d'une séance par période et par "
        "groupe, prévoir une séance supplémentaire dans les antennes où la charge émotionnelle est la plus "
        "forte, et associer les équipes au choix des thèmes de la deuxième période."
    ),
}
REMITTED_DAYS_AGO = 3


def load(*, today) -> list:
    programme = Programme.objects.filter(annee_debut=2026).first()
    if programme is None or Bilan.objects.filter(programme=programme).exists():
        return []
    claire = User.objects.get(email="contact@horizons-supervision.demo")
    remitted = today - datetime.timedelta(days=REMITTED_DAYS_AGO)
    with at(datetime.datetime.combine(remitted, datetime.time(17, 30), tzinfo=ZoneInfo("Europe/Paris"))):
        bilan = bilan_open(programme=programme, user=claire)
        refusals = bilan_write(bilan=bilan, user=claire, texts=TEXTS)
        if refusals:
            raise ValueError(f"Le bilan de démonstration contient des éléments identifiants : {refusals}")
        bilan_remettre(bilan=bilan, user=claire)
    return []
