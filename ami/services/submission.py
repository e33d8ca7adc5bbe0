"""Submission of a dossier: the deadline to the second, immutable versions, receipts."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from ami.completeness import dossier_completeness
from ami.documents.receipts import receipt_channel, receipt_filename, receipt_pdf
from ami.models import Dossier, DossierVersion
from ami.selectors import dossier_recipients
from ami.serialisation import content_hash, dossier_content, dossier_queryset_for_content, draft_files
from ami.services.states import dossier_set_state
from mlhg_app.french import deadline_text
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused

logger = logging.getLogger(__name__)


def dossier_submit(*, dossier: Dossier, user, now=None) -> DossierVersion:
    """Deposit the current draft as a new immutable version.

    The server's clock decides: accepted at or before the AMI's deadline, to
    the second; refused one second later whatever the page's age. A refused
    submission changes nothing: the draft keeps everything.
    Side effects: a `DossierVersion` (content, files, SHA-256), the dossier's
    status set to déposé; after commit, the receipt emailed to the
    organisation's accounts. Two simultaneous submissions of the same content
    make one version (the second returns the first).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier = dossier_queryset_for_content().get(pk=locked.pk)
        ami = dossier.ami
        if ami.is_past_deadline(now):
            raise Refused(
                f"La date limite de dépôt ({deadline_text(ami.date_limite)}, heure de Paris) est dépassée : "
                "votre dossier n'a pas été déposé. Votre brouillon est conservé tel quel."
            )
        if ami.status != ami.Status.PUBLIE:
            raise Refused("Cet appel à manifestation d'intérêt n'est pas ouvert aux dépôts.")
        missing = [s for s in dossier_completeness(dossier) if not s.complete]
        if missing:
            raise Refused(
                "Le dossier est incomplet : complétez d'abord " + ", ".join(f"« {s.titre} »" for s in missing) + "."
            )
        contenu = dossier_content(dossier)
        sha256 = content_hash(contenu)
        last = dossier.versions.order_by("-numero").first()
        if last is not None and last.sha256 == sha256 and dossier.status == Dossier.Status.DEPOSE:
            return last
        version = DossierVersion.objects.create(
            dossier=dossier,
            numero=(last.numero + 1) if last else 1,
            submitted_at=now,
            submitted_by=user,
            contenu=contenu,
            sha256=sha256,
        )
        version.fichiers.set(draft_files(dossier))
        motif = f"Dépôt de la version {version.numero}"
        if not dossier_set_state(dossier=locked, status=Dossier.Status.DEPOSE, by=user, motif=motif):
            locked._change_reason, locked._history_user = motif, user
            locked.save(update_fields=["updated_at"])
        transaction.on_commit(lambda: _queue_receipt(version.pk))
    logger.info("dossier %s submitted: version %s, sha256 %s", dossier.pk, version.numero, sha256)
    return version


def _queue_receipt(version_id: int):
    enqueue(send_receipt, version_id=version_id)


def dossier_withdraw(*, dossier: Dossier, user, now=None) -> Dossier:
    """Withdraw a submitted dossier before the deadline; its versions are kept.

    Side effects: status set to retiré. Re-submitting before the deadline
    makes it déposé again with a new version.
    """
    now = now or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("ami").get(pk=dossier.pk)
        if dossier.status == Dossier.Status.RETIRE:
            return dossier
        if dossier.ami.is_past_deadline(now):
            raise Refused(
                f"La date limite ({deadline_text(dossier.ami.date_limite)}) est passée : le dossier ne peut plus être retiré."
            )
        if dossier.status != Dossier.Status.DEPOSE:
            raise Refused("Seul un dossier déposé peut être retiré.")
        dossier_set_state(dossier=dossier, status=Dossier.Status.RETIRE, by=user, motif="Retrait du dossier")
    logger.info("dossier %s withdrawn by %s", dossier.pk, user.pk)
    return dossier


def receipt_send(*, version: DossierVersion) -> int:
    """Email the receipt (PDF attached) to each active account of the organisation, once each; for a dossier
    received by email, to the message's sender too (`ami.DepotCourriel`)."""
    pdf = receipt_pdf(version)
    dossier = version.dossier
    channel = receipt_channel(version)
    sent = 0
    for email, salutation, user in dossier_recipients(dossier):
        sent += message_send(
            kind="dossier.receipt",
            recipient=email,
            subject=f"Accusé de réception – {dossier.ami.titre} (version {version.numero})",
            template="dossier_receipt",
            context={
                "version": version,
                "dossier": dossier,
                "ami": dossier.ami,
                "user": user,
                "salutation": salutation,
                **channel,
            },
            obj=version,
            attachments=[(receipt_filename(version), pdf, "application/pdf")],
        )
    return sent


# Beside the service it calls, so that the service queues it without importing ami.tasks; named as it was
# in ami/tasks.py: kept jobs (mlhg_app.PendingJob) and queued messages find a task by its name.
@shared_task(name="ami.tasks.send_receipt")
def send_receipt(*, version_id: int) -> int:
    version = (
        DossierVersion.objects.select_related("dossier__ami", "dossier__prestataire").filter(pk=version_id).first()
    )
    if version is None:
        return 0
    return receipt_send(version=version)
