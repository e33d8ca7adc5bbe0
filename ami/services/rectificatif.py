"""A published AMI's deadline moves later only, by a dated rectificatif that every candidate is told of."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from ami.models import AMI, Membre, Rectificatif
from mlhg_app.french import deadline_long_text, deadline_text
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused


def ami_deadline_postpone(*, ami: AMI, new_deadline, motif: str, by, now=None) -> Rectificatif:
    """Move a published, still open AMI's deadline later, with a dated rectificatif.

    Refused: an AMI not published or already past its deadline, a new
    deadline not later than the current one, an empty motif. Side effects, in
    one transaction: the rectificatif, the AMI's new deadline (one history
    entry by `by`); after commit, one email per account of every candidate
    organisation (a dossier on this AMI, draft or submitted), once each.
    """
    now = now or timezone.now()
    motif = (motif or "").strip()
    with transaction.atomic():
        ami = AMI.objects.select_for_update().get(pk=ami.pk)
        if ami.status != AMI.Status.PUBLIE:
            raise Refused(
                f"L'AMI est « {ami.get_status_display()} » : seule la date limite d'un AMI publié peut être reportée."
            )
        if ami.is_past_deadline(now):
            raise Refused(
                f"La date limite ({deadline_text(ami.date_limite)}) est passée : les dépôts sont clos, elle ne peut plus être "
                "reportée."
            )
        if new_deadline <= ami.date_limite:
            raise Refused(
                f"La nouvelle date limite doit être postérieure à la date actuelle ({deadline_text(ami.date_limite)}) : "
                "une date limite publiée ne peut qu'être reportée, jamais avancée.",
                field="nouvelle_date_limite",
            )
        if not motif:
            raise Refused("Indiquez le motif du rectificatif : il est communiqué aux candidats.", "motif")
        rectificatif = Rectificatif.objects.create(
            ami=ami,
            publie_le=now,
            ancienne_date_limite=ami.date_limite,
            nouvelle_date_limite=new_deadline,
            motif=motif,
            par=by,
        )
        ami.date_limite = new_deadline
        ami._change_reason = f"Rectificatif : date limite reportée au {deadline_text(ami.date_limite)}"
        ami._history_user = by
        ami.save(update_fields=["date_limite"])
        transaction.on_commit(lambda: _queue_notification(rectificatif.pk))
    return rectificatif


def _queue_notification(rectificatif_id: int):
    enqueue(notify_rectificatif, rectificatif_id=rectificatif_id)


def rectificatif_notify(*, rectificatif: Rectificatif) -> int:
    """Email the rectificatif to every active account of every candidate organisation, once each."""
    ami = rectificatif.ami
    membres = (
        Membre.objects.filter(prestataire__dossiers__ami=ami, user__is_active=True)
        .select_related("user", "prestataire")
        .distinct()
        .order_by("pk")
    )
    context = {
        "ami": ami,
        "rectificatif": rectificatif,
        "ancienne": deadline_long_text(rectificatif.ancienne_date_limite),
        "nouvelle": deadline_long_text(rectificatif.nouvelle_date_limite),
        "publie_le": deadline_long_text(rectificatif.publie_le),
    }
    sent = 0
    for membre in membres:
        sent += message_send(
            kind="ami.rectificatif",
            recipient=membre.user.email,
            subject=f"Rectificatif : date limite reportée – {ami.titre}",
            template="ami_rectificatif",
            context={**context, "user": membre.user, "prestataire": membre.prestataire},
            obj=rectificatif,
        )
    return sent


# Beside the service it calls, so that the service queues it without importing ami.tasks; named as it was
# in ami/tasks.py: kept jobs (mlhg_app.PendingJob) and queued messages find a task by its name.
@shared_task(name="ami.tasks.notify_rectificatif")
def notify_rectificatif(*, rectificatif_id: int) -> int:
    rectificatif = Rectificatif.objects.select_related("ami").filter(pk=rectificatif_id).first()
    if rectificatif is None:
        return 0
    return rectificatif_notify(rectificatif=rectificatif)
