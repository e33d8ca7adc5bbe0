"""The themes of the problématiques, as a starting list staff can edit (issue: after the séance)."""

from mlhg_app.reference import mlhg_structure
from seances.models import Theme

THEMES = [
    "Santé mentale des jeunes",
    "Violences et incidents",
    "Charge émotionnelle",
    "Limites de l'accompagnement",
    "Situations sans solution",
    "Partenariats",
    "Posture professionnelle",
    "Cohésion d'équipe",
]


def load(structure=None) -> list[str]:
    changes = []
    structure = structure or mlhg_structure()
    for ordre, libelle in enumerate(THEMES):
        _, created = Theme.objects.get_or_create(structure=structure, libelle=libelle, defaults={"ordre": ordre})
        if created:
            changes.append(f"thème créé : {libelle}")
    return changes
