"""Jobs of the séances: convocations, reminders and the compte rendu reminder. Thin, keyword ids, safe to run twice."""

from celery import shared_task

from seances.models import Seance
from seances.services import compte_rendu, convocations
from seances.services.feedback import invite_feedback  # noqa: F401  registered for Celery (defined beside its service)


def _seance(seance_id: int):
    return Seance.objects.filter(pk=seance_id).first()


@shared_task
def convoke_seance(*, seance_id: int) -> int:
    """Queued on commit by the validation: the invitations of one séance (status → convoquée)."""
    seance = _seance(seance_id)
    if seance is None:
        return 0
    return convocations.seance_convoke(seance=seance)


@shared_task
def notify_seance_change(*, seance_id: int, ancienne_date: str = "", ancienne_heure: str = "", par: str = "") -> int:
    """Queued on commit after a convoked séance moved: « Séance déplacée » with the higher SEQUENCE."""
    seance = _seance(seance_id)
    if seance is None:
        return 0
    return convocations.seance_notify_change(
        seance=seance, ancienne_date=ancienne_date, ancienne_heure=ancienne_heure, par=par
    )


@shared_task
def notify_seance_cancel(*, seance_id: int) -> int:
    """Queued on commit after a convoked séance was cancelled: METHOD:CANCEL to everyone."""
    seance = _seance(seance_id)
    if seance is None:
        return 0
    return convocations.seance_notify_cancel(seance=seance)


@shared_task
def remind_seances() -> int:
    """Daily: fan out one reminder per convoked séance 7 days (J-7) and 1 day (J-1) ahead."""
    queued = 0
    for seance_id, occurrence in convocations.seances_to_remind():
        remind_seance.delay(seance_id=seance_id, occurrence=occurrence)
        queued += 1
    return queued


@shared_task
def remind_seance(*, seance_id: int, occurrence: str) -> int:
    return convocations.seance_remind(seance_id=seance_id, occurrence=occurrence)


@shared_task
def notify_member_moved(*, groupe_id: int, user_id: int, joined: bool) -> int:
    """Queued on commit when a conseiller joins or leaves a group: invitations or withdrawals, once each."""
    return convocations.member_moved(groupe_id=groupe_id, user_id=user_id, joined=joined)


@shared_task
def remind_comptes_rendus() -> int:
    """Daily: fan out one reminder per séance held 2 days ago or more with no compte rendu."""
    queued = 0
    for seance_id in compte_rendu.seances_compte_rendu_due():
        remind_compte_rendu.delay(seance_id=seance_id)
        queued += 1
    return queued


@shared_task
def remind_compte_rendu(*, seance_id: int) -> int:
    """The reminder of one séance: sent once (fixed occurrence in the outgoing-message log)."""
    return int(compte_rendu.compte_rendu_remind(seance_id=seance_id))
