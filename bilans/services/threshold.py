"""The anonymity threshold k of a bilan, set by MLHG staff (before the bilan is opened, or until it is validated)."""

from bilans.models import K_MINIMUM, Bilan
from bilans.services.opening import bilan_opened
from mlhg_app.refusals import Refused
from seances.models import Programme


def k_set(*, bilan: Bilan, user, k: int) -> Bilan:
    """Staff set the anonymity threshold; it applies to the figures and to the next remitted version."""
    if not user.has_perm("bilans.set_threshold", bilan):
        raise Refused("Seule l'administration de la MLHG fixe le seuil d'anonymat.")
    if k < K_MINIMUM:
        raise Refused(f"Le seuil k vaut au moins {K_MINIMUM} : en dessous, un thème pourrait désigner un groupe.")
    if bilan.status == Bilan.Status.VALIDE:
        raise Refused("Le bilan est validé : son seuil ne change plus.")
    bilan.seuil_k = k
    bilan.save(update_fields=["seuil_k", "updated_at"])
    return bilan


def k_default_set(*, programme: Programme, user, k: int):
    """Staff set k before the bilan is opened: it is opened (as a draft) with it."""
    if not user.has_perm("bilans.set_threshold", programme):
        raise Refused("Seule l'administration de la MLHG fixe le seuil d'anonymat.")
    return k_set(bilan=bilan_opened(programme), user=user, k=k)
