"""RGPD retention of the comptes rendus, and of a finished programme with its retained dossier
(see mlhg_app/retention.py).

A compte rendu exists for the bilan only: once the year's bilan is validated and
`RETENTION_COMPTE_RENDU_GRACE_DAYS` have passed, the programme's comptes rendus
(themes, method, free text) are deleted. The bilan keeps what it needs: each
remitted version froze its figures.

The retained dossier and its convention are kept `RETENTION_DOSSIER_RETENU_YEARS`
after the programme ends (its last window). Then the whole programme goes: its
bilan, séances, attendance, statements, groups, the convention and the retained
dossier (files included; the AMI's decision stays, without its link to the
dossier). This purger lives here because only the last app may reach every part.
A programme holding the last statement issued waits: that statement carries the
gapless numbering forward. Registered in `BilansConfig.ready`.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from ami.models import Decision
from ami.retention import delete_convention, delete_dossiers
from bilans.models import Bilan
from bilans.selectors import bilan_exports
from mlhg_app import retention
from seances.models import CompteRendu, Emargement, Programme, Releve, Seance


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


def programmes_expired(now: datetime.datetime):
    cutoff = retention.years_before(now, settings.RETENTION_DOSSIER_RETENU_YEARS).date()
    last = Releve.objects.order_by("-sequence").values_list("programme_id", flat=True).first()
    ended = Programme.objects.annotate(fin=Max("fenetres__fin")).filter(fin__lt=cutoff).exclude(pk=last)
    return Programme.objects.filter(pk__in=list(ended.values_list("pk", flat=True))).select_related("convention")


def purge_programmes(now: datetime.datetime) -> dict[str, int]:
    counts = {"programmes": 0, "seances": 0, "releves": 0, "conventions": 0, "dossiers": 0, "fichiers": 0}
    with transaction.atomic():
        for programme in programmes_expired(now).select_for_update(of=("self",)):
            files = []
            bilan = Bilan.objects.filter(programme=programme).first()
            if bilan is not None:
                exports = bilan_exports(bilan)
                files += [bilan.reunion_compte_rendu.name] + list(exports.values_list("fichier", flat=True))
                exports.delete()
                retention.delete_history(Bilan, [bilan.pk])
                bilan.delete()  # versions, comments cascade
            releves = Releve.objects.filter(programme=programme)
            files += list(releves.values_list("fichier", flat=True))
            releve_ids = list(releves.values_list("pk", flat=True))
            releves.delete()  # lines cascade
            seances = Seance.objects.filter(programme=programme)
            seance_ids = list(seances.values_list("pk", flat=True))
            files += list(Emargement.objects.filter(seance_id__in=seance_ids).values_list("feuille_signee", flat=True))
            seances.delete()  # attendance, comptes rendus, cancellations cascade
            convention = getattr(programme, "convention", None)
            programme.delete()  # windows, intervenants, sites, groups cascade
            retention.delete_history(Releve, releve_ids)
            retention.delete_history(Seance, seance_ids)
            retention.delete_history(Programme, [programme.pk])
            counts["programmes"] += 1
            counts["seances"] += len(seance_ids)
            counts["releves"] += len(releve_ids)
            # a renewed convention (seances.Reconduction) goes with its last programme year
            if convention is not None and not Programme.objects.filter(convention=convention).exists():
                dossier_id = convention.dossier_id
                files += delete_convention(convention)
                Decision.objects.filter(dossier_id=dossier_id).update(dossier=None)
                counts["conventions"] += 1
                deleted = delete_dossiers([dossier_id])
                counts["dossiers"] += deleted["dossiers"]
                counts["fichiers"] += deleted["fichiers"]
            files = [name for name in files if name]
            counts["fichiers"] += len(files)
            retention.delete_files_on_commit(files)
    return counts


def reason_programmes(now: datetime.datetime) -> str:
    years = settings.RETENTION_DOSSIER_RETENU_YEARS
    return f"programmes achevés depuis plus de {years} ans, avec le dossier retenu et sa convention"


def register() -> None:
    retention.register("bilans.comptes_rendus", purge_comptes_rendus, reason=reason_comptes_rendus)
    retention.register("bilans.programmes_acheves", purge_programmes, reason=reason_programmes)
