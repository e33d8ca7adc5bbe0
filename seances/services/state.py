"""The séance's life: one table of allowed transitions and the one function that changes a status.

proposée → validée → convoquée → réalisée | annulée | reportée (DESIGN.md §3). A convoked séance
that is moved stays convoked and its new slot is sent at once (seances.services.board.seance_move).
Every service, task and demo loader changes a séance's status through `seance_set_state`, so the
history (django-simple-history) records each change with who and why, and the rules below hold
whichever page asked for it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from mlhg_app.french import long_date
from mlhg_app.jobs import enqueue
from mlhg_app.refusals import Refused
from seances.calendar_rules import public_holidays
from seances.models import Emargement, Seance
from seances.planner import SUMMER_MONTHS
from seances.pricing import unit_price

S = Seance.Status

# The only table of allowed séance transitions: {from: {to, ...}}. A status absent as a key is final.
TRANSITIONS: dict[str, set[str]] = {
    S.PROPOSEE: {S.VALIDEE, S.ANNULEE},
    S.VALIDEE: {S.CONVOQUEE, S.PROPOSEE, S.REALISEE, S.ANNULEE, S.REPORTEE},
    S.CONVOQUEE: {S.PROPOSEE, S.REALISEE, S.ANNULEE, S.REPORTEE},
}


def actor_text(user) -> str:
    """Who did it, as the history and the emails say it: « Claire Delmas (administration) »."""
    name = (user.get_full_name() or user.email).strip()
    role = "administration" if user.role == user.Role.STAFF else user.get_role_display().lower()
    return f"{name} ({role})"


def transition_refusal(seance: Seance, status: str) -> str:
    """Why `seance` cannot go from its status to `status` ("" when it can, or when nothing changes)."""
    if seance.status == status:
        return ""
    if status not in TRANSITIONS.get(seance.status, set()):
        return (
            f"Une séance « {seance.get_status_display().lower()} » ne peut pas devenir « {S(status).label.lower()} »."
        )
    if status == S.REALISEE:
        return realisation_refusal(seance)
    return ""


def realisation_refusal(seance: Seance, *, today: datetime.date | None = None) -> str:
    """Why `seance` cannot be recorded as held ("" when it can): a held séance is billed, so its date is
    today or past, a weekday outside July–August and public holidays, and its attendance is recorded."""
    today = today or timezone.localdate()
    day = seance.date
    problems = []
    if day > today:
        problems.append(f"elle est prévue le {long_date(day)}, une date à venir")
    if day.weekday() >= 5:
        problems.append(f"le {long_date(day)} tombe un week-end")
    if day in public_holidays([day.year]):
        problems.append(f"le {long_date(day)} est un jour férié")
    if day.month in SUMMER_MONTHS:
        problems.append("aucune séance n'a lieu en juillet ni en août")
    if not Emargement.objects.filter(seance_id=seance.pk).exists():
        problems.append("son émargement n'est pas saisi")
    if not problems:
        return ""
    return "Cette séance ne peut pas être enregistrée comme réalisée : " + " ; ".join(problems) + "."


def _queue_convocations(seance_id: int):
    from seances.tasks import convoke_seance  # late: seances.tasks → services.convocations → this module

    enqueue(convoke_seance, seance_id=seance_id)


def _queue_cancellation(seance_id: int):
    from seances.tasks import notify_seance_cancel  # late: seances.tasks → services.convocations → this module

    enqueue(notify_seance_cancel, seance_id=seance_id)


def seance_set_state(*, seance: Seance, status: str, by=None, motif: str = "") -> bool:
    """Move `seance` to `status`; the only place a séance's status changes. Returns False (and does
    nothing: no history row, no email) when the status is already `status`.

    Refuses (Refused, in French) a transition absent from `TRANSITIONS`, and « réalisée »
    unless `realisation_refusal` is empty. Side effects: the status saved through the model, so the
    history records `by` and `motif` (or the new status); « validée » records who and when
    (`validated_by`, `validated_at`); « réalisée » fixes the séance's price (`prix_ht`, `en_sous_groupe`);
    after commit, a validated séance's convocations are queued and a convoked séance that is cancelled or
    postponed gets its cancellation (.ics METHOD:CANCEL), with a SEQUENCE one above the last invitation.
    """
    was = seance.status
    if was == status:
        return False
    refusal = transition_refusal(seance, status)
    if refusal:
        raise Refused(refusal)
    seance.status = status
    if was == S.CONVOQUEE and status in (S.ANNULEE, S.REPORTEE):
        seance.sequence += 1  # the cancellation comes after the invitation it cancels (RFC 5546 §3.2.5)
    if status == S.VALIDEE:
        seance.validated_by, seance.validated_at = by, timezone.now()
    if status == S.REALISEE and seance.prix_ht is None:
        # the price is fixed once held: a later split of the site never re-prices it
        seance.en_sous_groupe = seance.groupe.est_sous_groupe
        seance.prix_ht = unit_price(seance.programme, sous_groupe=seance.en_sous_groupe, on=seance.date)
    seance._change_reason = (motif or f"Statut : {S(status).label}")[:100]
    if by is not None:
        seance._history_user = by
    seance.save()
    if status == S.VALIDEE:
        transaction.on_commit(lambda: _queue_convocations(seance.pk))
    elif was == S.CONVOQUEE and status in (S.ANNULEE, S.REPORTEE):
        transaction.on_commit(lambda: _queue_cancellation(seance.pk))
    return True
