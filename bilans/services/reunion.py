"""The réunion de bilan: its date and place (both sides invited, .ics), and its minutes (a PDF)."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bilans import tasks
from bilans.models import Bilan
from bilans.selectors import can_meet
from mlhg_app.jobs import enqueue
from mlhg_app.refusals import Refused


def reunion_set(*, bilan: Bilan, user, when: datetime.datetime, lieu: str) -> Bilan:
    """Set (or move) the réunion de bilan; both sides get the invitation (.ics, a higher SEQUENCE on a move)."""
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().select_related("programme").get(pk=bilan.pk)
        if not can_meet(user, bilan):
            raise Refused("La réunion de bilan se fixe entre le prestataire et le responsable de secteur.")
        if bilan.status == Bilan.Status.BROUILLON:
            raise Refused("La réunion de bilan se tient à la remise du bilan : remettez-le d'abord.")
        if when <= timezone.now():
            raise Refused("Choisissez une date à venir pour la réunion de bilan.")
        if bilan.reunion_le is not None:
            bilan.reunion_sequence += 1
        bilan.reunion_le = when
        bilan.reunion_lieu = lieu.strip()
        bilan.save(update_fields=["reunion_le", "reunion_lieu", "reunion_sequence", "updated_at"])
        sequence = bilan.reunion_sequence
        transaction.on_commit(lambda: enqueue(tasks.notify_reunion, bilan_id=bilan.pk, sequence=sequence))
    return bilan


def reunion_minutes_attach(*, bilan: Bilan, user, data: bytes) -> Bilan:
    """Attach the réunion's minutes (a PDF already checked by `bilans.forms.reunion.check_minutes`), replacing any."""
    if not can_meet(user, bilan):
        raise Refused("Le compte rendu de la réunion est joint par le prestataire ou le responsable de secteur.")
    if bilan.reunion_le is None:
        raise Refused("Fixez d'abord la date de la réunion de bilan.")
    if bilan.reunion_compte_rendu:
        bilan.reunion_compte_rendu.delete(save=False)
    bilan.reunion_compte_rendu.save(f"reunion-bilan-{bilan.programme.annee_debut}.pdf", ContentFile(data), save=False)
    bilan.save(update_fields=["reunion_compte_rendu", "updated_at"])
    return bilan
