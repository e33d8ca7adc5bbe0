"""RGPD retention of the comptes rendus (see mlhg_app/retention.py).

A compte rendu exists for the bilan only: once the year's bilan is validated and
`RETENTION_COMPTE_RENDU_GRACE_DAYS` have passed, the programme's comptes rendus
(themes, method, free text) are deleted. The bilan keeps what it needs: each
remitted version froze its figures. Registered in `BilansConfig.ready`.
"""

import datetime

from django.conf import settings
from django.db import transaction

from bilans.models import Bilan
from mlhg_app import retention
from seances.models import CompteRendu


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.RETENTION_COMPTE_RENDU_GRACE_DAYS)


def comptes_rendus_expired(now: datetime.datetime):
    programmes = Bilan.objects.filter(status=Bilan.Status.VALIDE, valide_le__lt=_cutoff(now)).values("programme_id")
    return CompteRendu.objects.filter(seance__programme_id__in=programmes)


def purge_comptes_rendus(now: datetime.datetime) -> dict[str, int]:
    with transaction.atomic():
        ids = list(comptes_rendus_expired(now).select_for_update(of=("self",)).values_list("pk", flat=True))
        CompteRendu.objects.filter(pk__in=ids).delete()  # its themes (the M2M rows) go with it
        retention.delete_history(CompteRendu, ids)
    return {"comptes_rendus": len(ids)}


def reason_comptes_rendus(now: datetime.datetime) -> str:
    days = settings.RETENTION_COMPTE_RENDU_GRACE_DAYS
    return f"comptes rendus des programmes dont le bilan annuel est validé depuis plus de {days} jours"


def register() -> None:
    retention.register("bilans.comptes_rendus", purge_comptes_rendus, reason=reason_comptes_rendus)
