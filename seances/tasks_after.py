"""Jobs after the séance: the compte rendu reminder. Thin, keyword ids, safe to run twice."""

from celery import shared_task

from seances.services import after


@shared_task
def remind_comptes_rendus() -> int:
    """Daily: fan out one reminder per séance held 2 days ago or more with no compte rendu."""
    queued = 0
    for seance_id in after.seances_compte_rendu_due():
        remind_compte_rendu.delay(seance_id=seance_id)
        queued += 1
    return queued


@shared_task
def remind_compte_rendu(*, seance_id: int) -> int:
    """The reminder of one séance: sent once (fixed occurrence in the outgoing-message log)."""
    return int(after.compte_rendu_remind(seance_id=seance_id))
