"""The MLHG's sites as staff edit them on the sites page (`/sites/<id>/modifier/`).

The code and the kind (siège or antenne) of a site are the reference data's (`load_mlhg`): not changed
here. Its headcount is never typed: it is counted from the directory (`selectors.antenne_headcount`).
Every change is recorded in the site's history (django-simple-history on `Antenne`, with who made it).
"""

import re

from django.db import transaction

from mlhg_app.models import Antenne, User
from mlhg_app.refusals import Refused

CODE_POSTAL = re.compile(r"\d{5}")


@transaction.atomic
def antenne_update(
    *,
    antenne: Antenne,
    by: User,
    nom: str,
    adresse: str,
    code_postal: str,
    ville: str,
    ordre: int,
    jours_indisponibles: list[int],
) -> Antenne:
    """Change a site's name, address, display order and the weekdays it cannot host a séance.

    Refused: an empty name, address or town, a name already another site's, a code postal that is not
    five digits, a day outside lundi (0) … vendredi (4), a negative order. Side effects: the site
    saved, one history row by `by`."""
    nom, adresse, ville, code_postal = nom.strip(), adresse.strip(), ville.strip(), code_postal.strip()
    for field, value, label in (
        ("nom", nom, "le nom"),
        ("adresse", adresse, "l'adresse"),
        ("ville", ville, "la ville"),
    ):
        if not value:
            raise Refused(f"Indiquez {label} du site.", field=field)
    if not CODE_POSTAL.fullmatch(code_postal):
        raise Refused("Le code postal s'écrit avec cinq chiffres (par exemple 31000).", field="code_postal")
    # Compared in Python: the databases fold the case of ASCII letters only (« SIÈGE » and « Siège »).
    if any(
        other.casefold() == nom.casefold()
        for other in Antenne.objects.exclude(pk=antenne.pk).values_list("nom", flat=True)
    ):
        raise Refused(f"Un autre site s'appelle déjà « {nom} ».", field="nom")
    if any(not isinstance(day, int) or isinstance(day, bool) or day not in range(5) for day in jours_indisponibles):
        raise Refused("Les jours indisponibles vont du lundi au vendredi.", field="jours_indisponibles")
    if not isinstance(ordre, int) or ordre < 0:
        raise Refused("L'ordre d'affichage est un nombre positif ou nul.", field="ordre")
    antenne = Antenne.objects.select_for_update().get(pk=antenne.pk)
    antenne.nom, antenne.adresse, antenne.code_postal, antenne.ville = nom, adresse, code_postal, ville
    antenne.ordre = ordre
    antenne.jours_indisponibles = sorted(set(jours_indisponibles))
    antenne._history_user = by
    antenne.save()
    return antenne


def antenne_days_set(*, antenne: Antenne, by: User, jours_indisponibles: list[int]) -> Antenne:
    """Only the weekdays the site cannot host a séance change; its other fields are kept (`antenne_update`'s
    rules and history)."""
    kept = {name: getattr(antenne, name) for name in ("nom", "adresse", "code_postal", "ville", "ordre")}
    return antenne_update(antenne=antenne, by=by, jours_indisponibles=jours_indisponibles, **kept)
