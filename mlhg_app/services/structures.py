"""A structure (Mission Locale) loaded from its file (`load_structure`, mlhg_app/structure_file.py), and
deleted with all its rows (`delete_structure`); its export is mlhg_app/structure_archive.py."""

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from mlhg_app.app_modules import app_modules
from mlhg_app.models import Structure
from mlhg_app.refusals import Refused
from mlhg_app.structure_archive import file_names, structure_models
from mlhg_app.structure_file import StructureFile
from mlhg_app.structures import structure_scope


def sync_fields(obj, values: dict) -> bool:
    """Set the values that differ; return True when something changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _logo_sync(structure: Structure, source: StructureFile) -> bool:
    if source.logo is None:
        return False
    content = source.logo.read_bytes()
    if structure.logo:
        with structure.logo.open("rb") as current:
            if current.read() == content:
                return False
    structure.logo.save(source.logo.name, ContentFile(content), save=True)
    return True


@transaction.atomic
def structure_load(*, source: StructureFile) -> tuple[Structure, list[str]]:
    """Create or correct the structure of `source` (found by its slug), then, in its scope, every app's
    reference data (`<app>.reference.load(structure=…, source=…)`: the sites, the reference AMI, the themes).

    Idempotent: a second load changes nothing and says so. Returns the structure and the French lines of
    what changed. Side effects: the Structure row (and its logo file), the rows the reference modules write."""
    changes = []
    structure = Structure.objects.filter(slug=source.identity["slug"]).first()
    if structure is None:
        structure = Structure.objects.create(**source.identity)
        changes.append(f"structure créée : {structure.nom}")
    elif sync_fields(structure, source.identity):
        changes.append(f"structure corrigée : {structure.nom}")
    if _logo_sync(structure, source):
        changes.append(f"logo enregistré : {source.logo.name}")
    with structure_scope(structure):
        for module in app_modules("reference"):
            changes.extend(module.load(structure=structure, source=source))
    return structure, changes


# What keeps a structure from being deleted without --force: a call in progress, a programme year running.
OPEN_AMI = ("publie", "clos", "en_analyse")


def structure_deletion_blockers(*, structure: Structure, today=None) -> list[str]:
    """Why `structure` should not be deleted now (French lines): an open AMI, a programme year running
    (1 September … 31 August). Empty when nothing stands in the way."""
    today = today or timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    ami_model = apps.get_model("ami", "AMI")  # by name: mlhg_app reads no later app at load time
    programme_model = apps.get_model("seances", "Programme")
    blockers = []
    with structure_scope(structure):
        for ami in ami_model.objects.filter(status__in=OPEN_AMI).order_by("pk"):
            blockers.append(f"l'AMI « {ami.titre} » est en cours ({ami.get_status_display().lower()})")
        for programme in programme_model.objects.filter(annee_debut=school_year):
            blockers.append(f"le {programme} est en cours")
    return blockers


def _delete_rows(querysets) -> int:
    """Delete the rows of `querysets`, the ones nothing protects first, until none is left; returns how many."""
    deleted, pending = 0, list(querysets)
    while pending:
        refused = []
        for queryset in pending:
            try:
                with transaction.atomic():
                    deleted += queryset.delete()[0]
            except (ProtectedError, RestrictedError):
                refused.append(queryset)
        if len(refused) == len(pending):
            labels = ", ".join(sorted(q.model._meta.label_lower for q in refused))
            raise Refused(f"Suppression impossible : des lignes protégées restent ({labels}).")
        pending = refused
    return deleted


@transaction.atomic
def structure_delete(*, structure: Structure, force: bool = False, today=None) -> dict:
    """Delete `structure` and every row of it (its scoped rows and their histories, its staff-side accounts,
    the structure) and, once committed, the files those rows pointed to.

    Refused while it has an open AMI or a running programme, unless `force`. Returns the number of rows
    and of files deleted. Prestataire organisations, shared, are kept."""
    blockers = structure_deletion_blockers(structure=structure, today=today)
    if blockers and not force:
        raise Refused(
            f"La structure {structure.nom} n'est pas supprimée : {' ; '.join(blockers)}. "
            "Attendez la fin de l'AMI ou du programme, ou passez --force."
        )
    with structure_scope(structure):
        rows, histories, files = [], {}, set()
        for model, path in structure_models():
            found = list(model._base_manager.filter(**{path: structure}))
            files.update((field.storage, name) for field, name in file_names(found))
            original = getattr(model, "instance_type", None)  # a django-simple-history table
            if original is None:
                rows.append(model._base_manager.filter(pk__in=[row.pk for row in found]))
            else:
                histories.setdefault(model, set()).update(row.id for row in found)
        for model, ids in histories.items():  # the deletions below add a « - » row to each history
            ids.update(row.pk for queryset in rows if queryset.model is model.instance_type for row in queryset)
        deleted = _delete_rows(rows)
        for model, ids in histories.items():
            deleted += model._base_manager.filter(id__in=ids).delete()[0]
        deleted += Structure.objects.filter(pk=structure.pk).delete()[0]

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return {"lignes": deleted, "fichiers": len(files)}
