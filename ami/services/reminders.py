"""Reminders to candidates with an unsubmitted draft (7 days and 1 day before the deadline)."""

from django.db import transaction

from ami.models import Dossier
from mlhg_app.messaging import message_send


def dossier_remind(*, dossier_id: int, occurrence: str) -> int:
    """Email each active account of the organisation, once per occurrence.

    Selects the dossier only if it is still an unsubmitted draft, under a row
    lock; the outgoing-message log makes a second run send nothing.
    Side effects: emails; returns how many left now.
    """
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("ami", "prestataire")
            .filter(pk=dossier_id, status=Dossier.Status.BROUILLON)
            .first()
        )
        if dossier is None or not dossier.ami.is_open():
            return 0
        from ami.services.submission import deadline_text

        sent = 0
        for membre in dossier.prestataire.membres.select_related("user").filter(user__is_active=True):
            sent += message_send(
                kind="dossier.reminder",
                recipient=membre.user.email,
                subject=f"Rappel : votre candidature à « {dossier.ami.titre} » n'est pas déposée",
                template="dossier_reminder",
                context={
                    "dossier": dossier,
                    "ami": dossier.ami,
                    "user": membre.user,
                    "occurrence": occurrence,
                    "deadline": deadline_text(dossier.ami),
                },
                obj=dossier,
                occurrence=occurrence,
            )
    return sent
