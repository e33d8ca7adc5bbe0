"""A structure's whole data as one ZIP archive (`export_structure`, the console's action), for a Mission
Locale that leaves, or that moves to another deployment.

The archive holds:
- `structure.json`: the format and its version, when it was made, the structure's identity and, per model,
  how many rows and files the archive holds;
- `donnees/<app>.<model>.json`: the structure's rows of each model, in Django's JSON serialisation
  (`python manage.py loaddata` reads it), read inside the structure's scope and filtered on its path to
  the structure (`structure_path_of`): the structure itself, every scoped model and its history, the
  accounts of its staff side (`User.structure`), without their password hash;
- `fichiers/<name>`: every file those rows point to (uploads, PDFs, the logo), under its storage name.

Nothing of another structure is read: the scoped managers filter on the structure and the accounts are
selected by their structure. Prestataire organisations are shared by every structure and not exported.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator

from django.apps import apps
from django.core import serializers
from django.db import models
from django.utils import timezone

from mlhg_app.identity import structure_path_of
from mlhg_app.models import Structure
from mlhg_app.structures import structure_scope

FORMAT = "mlhg-app-structure"
VERSION = 1
SECRET_FIELDS = {"password"}  # never leaves the database, not even hashed


def file_names(rows: list[models.Model]) -> Iterator[tuple[models.FileField, str]]:
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, models.FileField):
                name = getattr(row, field.attname)
                if name:
                    yield field, str(name)


def structure_models() -> list[tuple[type[models.Model], str]]:
    """Every model that has rows of a structure and its path to it (`structure_path_of`), by label: the
    scoped models, their histories and the staff-side accounts; not the shared ones."""
    found = [(model, structure_path_of(model)) for model in apps.get_models()]
    return sorted(((m, path) for m, path in found if path), key=lambda pair: pair[0]._meta.label_lower)


def structure_querysets(structure: Structure) -> list[models.QuerySet]:
    """The querysets of every row of `structure`, the structure first."""
    querysets = [Structure.objects.filter(pk=structure.pk)]
    for model, path in structure_models():
        querysets.append(model._base_manager.filter(**{path: structure}).order_by("pk"))
    return querysets


def _rows_json(rows: list[models.Model]) -> bytes:
    data = json.loads(serializers.serialize("json", rows))
    for row in data:
        for name in SECRET_FIELDS & set(row["fields"]):
            del row["fields"][name]
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def structure_export(*, structure: Structure, handle) -> dict:
    """Write `structure`'s archive into the binary file `handle`; returns the manifest (structure.json).
    No side effect on the database."""
    counts: dict[str, dict[str, int]] = {}
    written: set[str] = set()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive, structure_scope(structure):
        for queryset in structure_querysets(structure):
            rows = list(queryset)
            if not rows:
                continue
            label = rows[0]._meta.label_lower
            archive.writestr(f"donnees/{label}.json", _rows_json(rows))
            files = 0
            for field, name in file_names(rows):
                if name in written or not field.storage.exists(name):
                    continue
                with field.storage.open(name, "rb") as stored:
                    archive.writestr(f"fichiers/{name}", stored.read())
                written.add(name)
                files += 1
            counts[label] = {"lignes": len(rows), "fichiers": files}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "exporte_le": timezone.localtime().isoformat(),
            "structure": {"slug": structure.slug, "nom": structure.nom, "siret": structure.siret},
            "contenu": counts,
        }
        archive.writestr("structure.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def export_filename(structure: Structure) -> str:
    return f"structure-{structure.slug}-{timezone.localdate():%Y-%m-%d}.zip"
