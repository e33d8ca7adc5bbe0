"""Reminders to candidates with an unsubmitted draft (7 days and 1 day before the deadline)."""

from django.db import models, transaction

from ami.models import AMI, Dossier, Evaluation
from ami.selectors import prestataire_recipients
from mlhg_app.french import counted, deadline_text
from mlhg_app.messaging import messages_send
from mlhg_app.models import User


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
        return messages_send(
            users=prestataire_recipients(dossier.prestataire),
            kind="dossier.reminder",
            subject=f"Rappel : votre candidature à « {dossier.ami.titre} » n'est pas déposée",
            template="dossier_reminder",
            context={
                "dossier": dossier,
                "ami": dossier.ami,
                "occurrence": occurrence,
                "deadline": deadline_text(dossier.ami.date_limite),
            },
            obj=dossier,
            occurrence=occurrence,
        )


def grids_pending(ami, user):
    """Recevable dossiers of the AMI this evaluator has not yet submitted (conflicts excluded)."""
    done = Evaluation.objects.filter(evaluateur=user, dossier__ami=ami).filter(
        models.Q(submitted_at__isnull=False) | models.Q(conflit=True)
    )
    return ami.dossiers.filter(status=Dossier.Status.RECEVABLE).exclude(pk__in=done.values("dossier_id"))


def evaluator_remind(*, ami_id: int, user_id: int, occurrence: str) -> int:
    """Remind an evaluator of the grids still to submit; once per occurrence, nothing when done."""
    ami = AMI.objects.filter(pk=ami_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if ami is None or user is None or not ami.evaluateurs.filter(pk=user.pk).exists():
        return 0
    pending = list(grids_pending(ami, user).select_related("prestataire"))
    if not pending:
        return 0
    grids = counted(len(pending), "grille d'évaluation", "grilles d'évaluation")
    return messages_send(
        users=[user],
        kind="evaluation.reminder",
        subject=f"Rappel : {grids} à soumettre – {ami.titre}",
        template="evaluation_reminder",
        context={"ami": ami, "pending": pending},
        obj=ami,
        occurrence=occurrence,
    )
