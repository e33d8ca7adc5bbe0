"""Writes of the candidate's draft: start it, save its sections, attach and remove files."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from ami.models import AMI, Dossier, Fichier
from ami.uploads import fichier_store


class DossierRefused(Exception):
    pass


def dossier_start(*, ami: AMI, prestataire) -> tuple[Dossier, bool]:
    """The organisation's dossier for this AMI, created if needed (one per organisation and AMI).

    Refused once the AMI is closed. Two simultaneous starts make one dossier.
    """
    existing = Dossier.objects.filter(ami=ami, prestataire=prestataire).first()
    if existing is not None:
        return existing, False
    if not ami.is_open():
        raise DossierRefused("Cet appel n'est plus ouvert : la date limite de dépôt est passée.")
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                ami=ami, prestataire=prestataire, statut_juridique=prestataire.statut_juridique
            )
    except IntegrityError:
        return Dossier.objects.get(ami=ami, prestataire=prestataire), False
    return dossier, True


def section_save(*, dossier: Dossier, forms: list) -> Dossier:
    """Save a section's valid forms and formsets together, as a draft (any time, any order)."""
    with transaction.atomic():
        for form in forms:
            if hasattr(form, "forms"):  # a formset
                instances = form.save(commit=False)
                for obj in form.deleted_objects:
                    obj.delete()
                for index, obj in enumerate(instances):
                    if hasattr(obj, "ordre") and not obj.ordre:
                        obj.ordre = index
                    obj.save()
                form.save_m2m()
            else:
                form.save()
        Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())
    return dossier


def ordered_etapes_save(*, formset) -> None:
    """Keep the déroulé's steps in the order shown."""
    position = 0
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE") or form.instance.pk is None:
            continue
        position += 1
        if form.instance.ordre != position:
            form.instance.ordre = position
            form.instance.save(update_fields=["ordre"])


def cv_attach(*, dossier: Dossier, intervenant, uploaded) -> Fichier:
    """Attach an intervenant's CV; the previous one leaves the draft (kept if a version holds it)."""
    with transaction.atomic():
        fichier = fichier_store(dossier=dossier, kind_piece=Fichier.Kind.CV, uploaded=uploaded, intervenant=intervenant)
        for old in dossier.fichiers.filter(
            kind=Fichier.Kind.CV, intervenant=intervenant, detache_at__isnull=True
        ).exclude(pk=fichier.pk):
            fichier_remove(fichier=old)
    return fichier


def letter_attach(*, dossier: Dossier, uploaded) -> Fichier:
    return fichier_store(dossier=dossier, kind_piece=Fichier.Kind.RECOMMANDATION, uploaded=uploaded)


def fichier_remove(*, fichier: Fichier) -> None:
    """Remove a file from the draft: detached if a submitted version holds it, else deleted."""
    if fichier.versions.exists():
        fichier.detache_at = timezone.now()
        fichier.save(update_fields=["detache_at"])
        return
    storage, name = fichier.fichier.storage, fichier.fichier.name
    fichier.delete()
    transaction.on_commit(lambda: storage.delete(name))
