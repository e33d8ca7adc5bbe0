"""The only place the status of an AMI or of a dossier changes (pretalx `set_submission_state`).

Each model has one table of allowed transitions. A state function returns
False when nothing changes, raises `Refused` (French message) for a
transition the table does not allow, and otherwise saves through the model so
that django-simple-history records who, when and why.
"""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ami.models import AMI, Dossier
from ami.selectors import results_cache_key
from mlhg_app.french import deadline_text
from mlhg_app.refusals import Refused

A = AMI.Status
AMI_TRANSITIONS: dict[str, set[str]] = {
    A.BROUILLON: {A.PUBLIE},
    A.PUBLIE: {A.CLOS},
    A.CLOS: {A.EN_ANALYSE, A.SANS_SUITE},
    A.EN_ANALYSE: {A.ATTRIBUE, A.SANS_SUITE},
    A.ATTRIBUE: set(),
    A.SANS_SUITE: set(),
}

D = Dossier.Status
DOSSIER_TRANSITIONS: dict[str, set[str]] = {
    D.BROUILLON: {D.DEPOSE},
    # Withdrawn before the deadline, submitted again; eligibility after the deadline.
    D.DEPOSE: {D.RETIRE, D.RECEVABLE, D.IRRECEVABLE},
    D.RETIRE: {D.DEPOSE},
    # Eligibility may be revised until the AMI is decided.
    D.RECEVABLE: {D.IRRECEVABLE},
    D.IRRECEVABLE: {D.RECEVABLE},
}


def _refuse(kind: str, current_label, target: str, labels) -> Refused:
    return Refused(f"{kind} ne peut pas passer de « {current_label} » à « {labels(target).label} ».")


def ami_set_state(*, ami: AMI, status: str, by=None, now=None) -> bool:
    """Move the AMI to `status`; True when it changed, False when it already was there.

    Refused: a transition outside `AMI_TRANSITIONS` (never back to brouillon,
    never from one decision to another), publishing with a deadline already
    passed, closing before the deadline. Side effects: the status saved, one
    history entry by `by`; the AMI's cached results (`ami_results`) cleared.
    """
    now = now or timezone.now()
    if ami.status == status:
        return False
    if status not in AMI_TRANSITIONS.get(ami.status, set()):
        raise _refuse("L'AMI", ami.get_status_display(), status, AMI.Status)
    if status == A.PUBLIE and ami.is_past_deadline(now):
        raise Refused(
            f"La date limite ({deadline_text(ami.date_limite)}) est déjà passée : l'AMI ne peut pas être publié avec cette date."
        )
    if status == A.CLOS and not ami.is_past_deadline(now):
        raise Refused(f"L'AMI reste ouvert aux dépôts jusqu'à sa date limite ({deadline_text(ami.date_limite)}).")
    ami.status = status
    ami._change_reason = f"Statut : {ami.get_status_display()}"
    ami._history_user = by
    ami.save(update_fields=["status"])
    _forget_results(ami.pk)
    return True


def _forget_results(ami_id: int) -> None:
    """The cached results of a decided AMI are cleared now and once the change is committed (a request that
    read the old figures meanwhile cannot leave them in the cache)."""
    cache.delete(results_cache_key(ami_id))
    transaction.on_commit(lambda: cache.delete(results_cache_key(ami_id)))


def dossier_set_state(*, dossier: Dossier, status: str, by=None, motif: str = "") -> bool:
    """Move the dossier to `status`; True when it changed, False when it already was there.

    Refused: a transition outside `DOSSIER_TRANSITIONS`. Other fields set on
    `dossier` by the caller are saved with the status. Side effects: the
    dossier saved, one history entry by `by` with `motif` as its reason; the AMI's cached results cleared.
    """
    if dossier.status == status:
        return False
    if status not in DOSSIER_TRANSITIONS.get(dossier.status, set()):
        raise _refuse("Le dossier", dossier.get_status_display(), status, Dossier.Status)
    dossier.status = status
    dossier._change_reason = motif or f"Statut : {dossier.get_status_display()}"
    dossier._history_user = by
    dossier.save()
    _forget_results(dossier.ami_id)
    return True
