"""Demo: the 2026-2027 bilan as a draft, built from the comptes rendus of window 1.

Called by `load_demo` after the séances' demo. Idempotent. The texts pass the
anonymity filter (checked here, so a change of the demo's names cannot break it).
"""

from bilans.models import Bilan
from bilans.services.opening import due_date
from bilans.services.writing import section_refusals
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
    "preconisations": "",
}


def load(*, today) -> list:
    programme = Programme.objects.filter(annee_debut=2026).first()
    if programme is None or Bilan.objects.filter(programme=programme).exists():
        return []
    bilan = Bilan.objects.create(programme=programme, echeance=due_date(programme), **TEXTS)
    refusals = section_refusals(bilan)
    if refusals:
        raise ValueError(f"Le bilan de démonstration contient des éléments identifiants : {refusals}")
    return []
