"""RGPD retention of attendance sheets and billing statements (see mlhg_app/retention.py).

Registered in `SeancesConfig.ready`. Attendance (émargement: who was present, the
signed sheet's scan) is billing proof: it is kept as long as the statement that bills
it, `RETENTION_EMARGEMENT_YEARS` after the statement's period ends (or after the séance,
when it was never billed). Statements (relevés, their PDF) are deleted
`RETENTION_EMARGEMENT_YEARS` after their period ends, except the last one issued,
which carries the gapless numbering forward (`seances/services/billing.py`).
Their django-simple-history records go with them. The séances themselves are kept.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from mlhg_app import retention
from seances.models import Emargement, Releve


def _cutoff(now: datetime.datetime) -> datetime.date:
    return retention.years_before(now, settings.RETENTION_EMARGEMENT_YEARS).date()


def emargements_expired(now: datetime.datetime):
    cutoff = _cutoff(now)
    return Emargement.objects.filter(seance__date__lt=cutoff).filter(
        Q(seance__ligne_releve__isnull=True) | Q(seance__ligne_releve__releve__periode_fin__lt=cutoff)
    )


def releves_expired(now: datetime.datetime):
    last = Releve.objects.order_by("-sequence").values_list("pk", flat=True).first()
    return Releve.objects.filter(periode_fin__lt=_cutoff(now)).exclude(pk=last)


def purge_emargements(now: datetime.datetime) -> dict[str, int]:
    """Delete expired attendance records and statements, their files and history."""
    with transaction.atomic():
        emargements = list(emargements_expired(now).select_for_update(of=("self",)).values_list("pk", "feuille_signee"))
        releves = list(releves_expired(now).select_for_update(of=("self",)).values_list("pk", "fichier"))
        emargement_ids = [pk for pk, _name in emargements]
        releve_ids = [pk for pk, _name in releves]
        Emargement.objects.filter(pk__in=emargement_ids).delete()  # the list of who was present goes with it
        Releve.objects.filter(pk__in=releve_ids).delete()  # its lines cascade
        retention.delete_history(Emargement, emargement_ids)
        retention.delete_history(Releve, releve_ids)
        files = [name for _pk, name in emargements + releves if name]
        retention.delete_files_on_commit(files)
    return {"emargements": len(emargement_ids), "releves": len(releve_ids), "fichiers": len(files)}


def reason_emargements(now: datetime.datetime) -> str:
    return (
        f"émargements et relevés de prestations dont la période s'est achevée avant le {_cutoff(now):%d/%m/%Y}, "
        f"conservés {settings.RETENTION_EMARGEMENT_YEARS} ans (pièces justificatives de facturation)"
    )


def register() -> None:
    retention.register("seances.emargements", purge_emargements, reason=reason_emargements)
