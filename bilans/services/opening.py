"""Opening the year's bilan: by its prestataire, or by the product (a reminder, staff setting k first)."""

import datetime

from bilans.models import Bilan
from mlhg_app.refusals import Refused
from seances.models import Programme


def due_date(programme) -> datetime.date:
    """The bilan is due at the end of June of the programme year (seed §8: first bilan June 2027)."""
    return datetime.date(programme.annee_debut + 1, 6, 30)


def bilan_opened(programme: Programme) -> Bilan:
    """The programme's bilan, opened as a draft (due `due_date`) if it is not yet. No permission check."""
    bilan, _created = Bilan.objects.get_or_create(programme=programme, defaults={"echeance": due_date(programme)})
    return bilan


def bilan_open(*, programme: Programme, user) -> Bilan:
    """The prestataire opens the year's bilan (once; opening again returns it)."""
    if not user.has_perm("bilans.write_bilan", programme):
        raise Refused("Seul le prestataire du programme ouvre son bilan.")
    return bilan_opened(programme)
