"""Writes of the prestataire's dossier: start it, save its sections as drafts, add and remove files.

Drafts can be saved at any time and in any order; completeness is only
required at submission (`ami.completeness`). A file that belongs to a
submitted version is never changed nor deleted: removing it from the draft
only detaches it.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ami.models import AMI, Dossier, EtapeDeroule, Fichier, Intervenant, Prestataire, Reference
from mlhg_app import retention
from mlhg_app.uploads import upload_check

# A dossier's draft can be edited until the MLHG has ruled on it.
EDITABLE_STATUSES = {Dossier.Status.BROUILLON, Dossier.Status.DEPOSE, Dossier.Status.RETIRE}


def dossier_is_editable(dossier: Dossier) -> bool:
    return dossier.status in EDITABLE_STATUSES


def dossier_start(*, ami: AMI, prestataire: Prestataire) -> tuple[Dossier, bool]:
    """The organisation's dossier for this AMI, created if needed: ``(dossier, created)``.

    Side effects: creates a `Dossier` (legal status prefilled from the
    prestataire). One per (organisation, AMI): two concurrent calls make one
    (the unique constraint decides, the loser reads the winner's row).
    Raises `ValidationError` when the AMI is not open for submissions.
    """
    existing = Dossier.objects.filter(ami=ami, prestataire=prestataire).first()
    if existing is not None:
        return existing, False
    if not ami.is_open():
        raise ValidationError(_("Cet appel n'est pas ouvert aux candidatures : la date limite est passée."))
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                ami=ami, prestataire=prestataire, statut_juridique=prestataire.statut_juridique
            )
    except IntegrityError:
        return Dossier.objects.get(ami=ami, prestataire=prestataire), False
    return dossier, True


def _require_editable(dossier: Dossier):
    if not dossier_is_editable(dossier):
        raise ValidationError(_("Ce dossier a été examiné : il ne peut plus être modifié."))


def _lock(dossier: Dossier) -> Dossier:
    """Lock the dossier row for the transaction (serialises saves and the 50 Mo total)."""
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


@transaction.atomic
def dossier_fields_save(*, dossier: Dossier, values: dict, antennes=None, disponibilites: bool = False) -> Dossier:
    """Save some of the dossier's own fields (a section's draft).

    Side effects: updates the given fields; sets the dossier's covered antennes
    when ``antennes`` is given; stamps ``disponibilites_saisies_at`` when
    ``disponibilites`` is true.
    """
    _require_editable(dossier)
    _lock(dossier)
    for name, value in values.items():
        setattr(dossier, name, value)
    update_fields = [*values, "updated_at"]
    if disponibilites:
        dossier.disponibilites_saisies_at = timezone.now()
        update_fields.append("disponibilites_saisies_at")
    dossier.save(update_fields=update_fields)
    if antennes is not None:
        dossier.antennes_couvertes.set(antennes)
    return dossier


@transaction.atomic
def dossier_etapes_save(*, dossier: Dossier, values: dict, etapes: list[tuple[str, int]]) -> Dossier:
    """Save the méthodologie section: its fields and the déroulé type (replaced, in the given order).

    The caller has checked that the steps total 120 minutes (or that there are none).
    Side effects: updates the dossier; deletes and recreates its `EtapeDeroule` rows.
    """
    dossier_fields_save(dossier=dossier, values=values)
    dossier.etapes.all().delete()
    EtapeDeroule.objects.bulk_create(
        [
            EtapeDeroule(dossier=dossier, ordre=ordre, libelle=libelle, duree_minutes=duree)
            for ordre, (libelle, duree) in enumerate(etapes, start=1)
        ]
    )
    return dossier


@transaction.atomic
def dossier_intervenants_save(*, dossier: Dossier, rows: list[dict], deleted: list[Intervenant]) -> None:
    """Save the équipe section.

    ``rows``: in display order, ``{"intervenant": Intervenant (values set, maybe unsaved),
    "antennes": [Antenne], "cv": Fichier | None}`` where ``cv`` is a file already stored
    for this dossier (see `fichier_add`) that becomes the intervenant's CV.
    Side effects: creates/updates/deletes `Intervenant` rows; a new CV replaces the
    previous one (`fichier_remove`); a deleted intervenant's CVs are removed too.
    """
    _require_editable(dossier)
    _lock(dossier)
    for intervenant in deleted:
        for fichier in intervenant.fichiers.filter(detache_at__isnull=True):
            fichier_remove(fichier=fichier)
        intervenant.delete()
    for ordre, row in enumerate(rows):
        intervenant = row["intervenant"]
        intervenant.dossier = dossier
        intervenant.ordre = ordre
        intervenant.save()
        intervenant.antennes.set(row["antennes"])
        cv = row.get("cv")
        if cv is not None and cv.intervenant_id != intervenant.pk:
            for previous in intervenant.fichiers.filter(kind=Fichier.Kind.CV, detache_at__isnull=True):
                fichier_remove(fichier=previous)
            cv.intervenant = intervenant
            cv.save(update_fields=["intervenant"])
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())


@transaction.atomic
def dossier_references_save(*, dossier: Dossier, references: list[Reference], deleted: list[Reference]) -> None:
    """Save the références section's engagements.

    Side effects: creates/updates the given `Reference` rows, deletes ``deleted``.
    """
    _require_editable(dossier)
    _lock(dossier)
    for reference in deleted:
        reference.delete()
    for reference in references:
        reference.dossier = dossier
        reference.save()
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())


def dossier_files_size(dossier: Dossier) -> int:
    """Bytes of the draft's current files (detached ones no longer count)."""
    return dossier.fichiers.filter(detache_at__isnull=True).aggregate(total=Sum("taille"))["total"] or 0


@transaction.atomic
def fichier_add(*, dossier: Dossier, upload, kind: str, intervenant: Intervenant | None = None) -> Fichier:
    """Check and store an uploaded file in the dossier's draft.

    Raises `ValidationError` with a French message (type seen, size, 50 Mo total).
    Side effects: writes the file under MEDIA_ROOT and creates its `Fichier` row
    (sha256, size, type read from the content, sanitised name).
    """
    _require_editable(dossier)
    _lock(dossier)
    check = upload_check(upload, dossier_total=dossier_files_size(dossier))
    # The checked upload's name, size, hash and type are the row's fields of the same names.
    fichier = Fichier(dossier=dossier, kind=kind, intervenant=intervenant, **dataclasses.asdict(check))
    upload.seek(0)
    fichier.fichier.save(check.nom, upload, save=False)
    try:
        fichier.save()
    except Exception:
        fichier.fichier.delete(save=False)
        raise
    return fichier


@transaction.atomic
def fichier_remove(*, fichier: Fichier) -> bool:
    """Remove a file from the dossier's draft; returns True when it was deleted.

    A file that belongs to a submitted version stays with that version: it is only
    detached (``detache_at``). Otherwise the row is deleted and the stored file too,
    once the transaction commits.
    """
    if fichier.versions.exists():
        if fichier.detache_at is None:
            fichier.detache_at = timezone.now()
            fichier.save(update_fields=["detache_at"])
        return False
    name = fichier.fichier.name
    fichier.delete()
    retention.delete_files_on_commit([name])  # a storage that fails is logged, the removal stands
    return True
