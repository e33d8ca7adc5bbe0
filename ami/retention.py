"""RGPD retention of the AMI's data (registered in `AmiConfig.ready`; see mlhg_app/retention.py).

Dossiers of candidates not retained are deleted `RETENTION_DOSSIER_NON_RETENU_YEARS`
after the AMI's notification letters were sent (`Decision.letters_sent_at`), with
everything that belongs to them: parts, files (from storage too), submitted versions,
evaluations and notes, notification letters (PDF), their email log entries and their
django-simple-history records. The retained dossier (the decision's, or any with a
convention) is never deleted here. The organisation and its accounts are kept.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from ami.models import Avenant, Convention, DepotCourriel, Dossier, DossierVersion, Evaluation, Fichier, Lettre, Note
from mlhg_app import retention
from mlhg_app.models import OutgoingMessage


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return retention.years_before(now, settings.RETENTION_DOSSIER_NON_RETENU_YEARS)


def dossiers_non_retenus_expired(now: datetime.datetime):
    """Dossiers not retained whose AMI notified its decision before the retention cutoff."""
    return (
        Dossier.objects.filter(ami__decision__letters_sent_at__lt=_cutoff(now))
        .exclude(ami__decision__dossier=F("pk"))
        .filter(convention__isnull=True)
    )


def purge_dossiers_non_retenus(now: datetime.datetime) -> dict[str, int]:
    """Delete the expired dossiers of non-retained candidates (see the module's docstring)."""
    with transaction.atomic():
        ids = list(dossiers_non_retenus_expired(now).select_for_update(of=("self",)).values_list("pk", flat=True))
        if not ids:
            return {"dossiers": 0, "fichiers": 0, "versions": 0, "evaluations": 0, "lettres": 0}
        counts = delete_dossiers(ids)
    return counts


def delete_dossiers(ids: list[int]) -> dict[str, int]:
    """Delete these dossiers with their parts, files (after commit), versions, evaluations, notes,
    letters, their email log entries and history. Call inside a transaction; returns the counts."""
    fichiers = Fichier.objects.filter(dossier_id__in=ids)
    lettres = Lettre.objects.filter(dossier_id__in=ids)
    versions = DossierVersion.objects.filter(dossier_id__in=ids)
    evaluations = Evaluation.objects.filter(dossier_id__in=ids)
    depots = DepotCourriel.objects.filter(dossier_id__in=ids)
    files = list(fichiers.values_list("fichier", flat=True))
    files += [name for name in lettres.values_list("fichier", flat=True) if name]
    files += [name for name in depots.values_list("eml", flat=True) if name]
    depot_ids = list(depots.values_list("pk", flat=True))
    lettre_ids = list(lettres.values_list("pk", flat=True))
    version_ids = list(versions.values_list("pk", flat=True))
    evaluation_ids = list(evaluations.values_list("pk", flat=True))
    note_ids = list(Note.objects.filter(evaluation_id__in=evaluation_ids).values_list("pk", flat=True))
    counts = {
        "dossiers": len(ids),
        "fichiers": fichiers.count(),
        "versions": len(version_ids),
        "evaluations": len(evaluation_ids),
        "lettres": len(lettre_ids),
    }
    OutgoingMessage.objects.filter(
        Q(object_type="ami.dossier", object_id__in=[str(i) for i in ids])
        | Q(object_type="ami.lettre", object_id__in=[str(i) for i in lettre_ids])
        | Q(object_type="ami.dossierversion", object_id__in=[str(i) for i in version_ids])
    ).delete()
    depots.delete()  # the message received by email (.eml) goes with its dossier
    lettres.delete()
    Note.objects.filter(pk__in=note_ids).delete()
    evaluations.delete()
    versions.delete()  # the link to its files goes with it
    fichiers.delete()
    Dossier.objects.filter(pk__in=ids).delete()  # parts (intervenants, références, étapes) cascade
    for model, model_ids in (
        (Dossier, ids),
        (Lettre, lettre_ids),
        (Evaluation, evaluation_ids),
        (Note, note_ids),
        (DepotCourriel, depot_ids),
    ):
        retention.delete_history(model, model_ids)
    retention.delete_files_on_commit(files)
    return counts


def reason_non_retenus(now: datetime.datetime) -> str:
    years = settings.RETENTION_DOSSIER_NON_RETENU_YEARS
    return (
        f"dossiers non retenus dont la notification date d'avant le {_cutoff(now):%d/%m/%Y}, "
        f"conservés {years} ans après la notification"
    )


def register() -> None:
    retention.register("ami.dossiers_non_retenus", purge_dossiers_non_retenus, reason=reason_non_retenus)


def delete_convention(convention: Convention) -> list[str]:
    """Delete a convention with its avenants and their history; returns the stored files to delete after
    commit (the PDFs and the signed copies). Call inside a transaction."""
    avenants = Avenant.objects.filter(convention=convention)
    files = [convention.fichier.name, convention.fichier_signe.name]
    for avenant in avenants:
        files += [avenant.fichier.name, avenant.fichier_signe.name]
    avenant_ids = list(avenants.values_list("pk", flat=True))
    avenants.delete()
    retention.delete_history(Avenant, avenant_ids)
    retention.delete_history(Convention, [convention.pk])
    convention.delete()
    return [name for name in files if name]
