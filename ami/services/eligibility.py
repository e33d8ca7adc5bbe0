"""Eligibility of the submitted dossiers (staff), after the deadline."""

from django.db import transaction
from django.utils import timezone

from ami.models import AMI, Dossier
from ami.services.states import ami_set_state, dossier_set_state
from mlhg_app.refusals import Refused


def amis_close_past_deadline(now=None) -> int:
    """Close every published AMI whose deadline has passed (the scheduled job)."""
    now = now or timezone.now()
    count = 0
    for ami in AMI.objects.filter(status=AMI.Status.PUBLIE, date_limite__lt=now):
        count += ami_set_state(ami=ami, status=AMI.Status.CLOS, now=now)
    return count


def dossier_set_eligibility(
    *, dossier: Dossier, recevable: bool, motif: str = "", detail: str = "", user, now=None
) -> Dossier:
    """Mark a submitted dossier recevable or irrecevable (with a reason).

    Only after the deadline, only for a submitted dossier, and not once the
    AMI is decided. Side effects: the dossier's status and reason (history
    records who, when, before and after); the AMI moves to « en analyse ».
    """
    now = now or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("ami").get(pk=dossier.pk)
        ami = dossier.ami
        if not ami.is_past_deadline(now):
            raise Refused("La recevabilité s'examine après la date limite de dépôt.")
        if ami.status in {AMI.Status.ATTRIBUE, AMI.Status.SANS_SUITE}:
            raise Refused("L'AMI est déjà décidé : la recevabilité ne peut plus changer.")
        if dossier.status not in {Dossier.Status.DEPOSE, Dossier.Status.RECEVABLE, Dossier.Status.IRRECEVABLE}:
            raise Refused("Seul un dossier déposé peut être déclaré recevable ou irrecevable.")
        if not recevable and motif not in Dossier.Motif.values:
            raise Refused("Indiquez le motif d'irrecevabilité.")
        if not recevable and motif == Dossier.Motif.AUTRE and not detail.strip():
            raise Refused("Précisez le motif d'irrecevabilité.")
        new_status = Dossier.Status.RECEVABLE if recevable else Dossier.Status.IRRECEVABLE
        new_motif = "" if recevable else motif
        if (dossier.status, dossier.motif_irrecevabilite, dossier.motif_detail) == (new_status, new_motif, detail):
            return dossier
        dossier.motif_irrecevabilite = new_motif
        dossier.motif_detail = detail
        dossier.recevabilite_par = user
        dossier.recevabilite_le = now
        reason = f"Recevabilité : {Dossier.Status(new_status).label}"
        if not dossier_set_state(dossier=dossier, status=new_status, by=user, motif=reason):
            dossier._change_reason, dossier._history_user = reason, user
            dossier.save()
        if ami.status == AMI.Status.PUBLIE:
            ami_set_state(ami=ami, status=AMI.Status.CLOS, by=user, now=now)
        if ami.status == AMI.Status.CLOS:
            ami_set_state(ami=ami, status=AMI.Status.EN_ANALYSE, by=user, now=now)
    return dossier
