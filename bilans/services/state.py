"""The bilan's life: one table of allowed transitions and the one function that changes its status.

brouillon → remis (a version frozen) → commenté (the responsable's comments; the prestataire revises
and remits a new version: → remis) → validé (final). The services (`bilan_remettre`, `comment_add`,
`bilan_validate`) change the status only through `bilan_set_state`, so the history records each
change with who, and the rules below hold whichever page asked for it.
"""

from django.db import transaction
from django.utils import timezone

from bilans import tasks
from bilans.models import Bilan
from mlhg_app.jobs import enqueue
from mlhg_app.refusals import Refused

B = Bilan.Status

# The only table of allowed bilan transitions: {from: {to, ...}}. « validé » is final.
TRANSITIONS: dict[str, set[str]] = {
    B.BROUILLON: {B.REMIS},
    B.REMIS: {B.COMMENTE, B.VALIDE},
    B.COMMENTE: {B.REMIS, B.VALIDE},
}


def transition_refusal(bilan: Bilan, status: str) -> str:
    """Why `bilan` cannot go from its status to `status` ("" when it can, or when nothing changes)."""
    if bilan.status == status:
        return ""
    if status not in TRANSITIONS.get(bilan.status, set()):
        return f"Le bilan est {bilan.get_status_display()} : il ne peut pas devenir {B(status).label}."
    latest = bilan.versions.order_by("-numero").first()
    if latest is None:
        return "Le bilan n'a aucune version remise."
    commented = latest.commentaires.exists()
    if status == B.REMIS and commented:
        return "Remettre le bilan, c'est en remettre une nouvelle version : la dernière est déjà commentée."
    if status == B.COMMENTE and not commented:
        return "La dernière version remise n'a aucun commentaire."
    return ""


def bilan_set_state(*, bilan: Bilan, status: str, by=None) -> bool:
    """Move `bilan` to `status`; the only place a bilan's status changes. Returns False (and does
    nothing: no history row, no email) when the status is already `status`.

    Refuses (Refused, in French) a transition absent from `TRANSITIONS`, « remis » unless the
    latest version is new (no comment yet), « commenté » unless it has a comment. Side effects: the
    status saved through the model, so the history records `by`; « validé » records who and when
    (`valide_par`, `valide_le`); after commit, a remise emails the responsable (the version's
    number) and a validation the prestataire.
    """
    if bilan.status == status:
        return False
    refusal = transition_refusal(bilan, status)
    if refusal:
        raise Refused(refusal)
    bilan.status = status
    fields = ["status", "updated_at"]
    if status == B.VALIDE:
        bilan.valide_le, bilan.valide_par = timezone.now(), by
        fields += ["valide_le", "valide_par"]
    bilan._change_reason = f"Statut : {B(status).label}"
    if by is not None:
        bilan._history_user = by
    bilan.save(update_fields=fields)
    if status == B.REMIS:
        numero = bilan.versions.order_by("-numero").values_list("numero", flat=True).first()
        transaction.on_commit(lambda: enqueue(tasks.notify_remise, bilan_id=bilan.pk, numero=numero))
    elif status == B.VALIDE:
        transaction.on_commit(lambda: enqueue(tasks.notify_validation, bilan_id=bilan.pk))
    return True
