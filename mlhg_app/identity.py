"""Whose name a document carries: the structure (Mission Locale) of an object or of a request (issue 19).

`structure_of(thing)` is the one answer, used by every e-mail (its From and signature), PDF (letterhead,
author, signatory, buyer), .ics (organiser, PRODID) and page (header, footer):
- a Structure is itself;
- a model instance: its path to the structure (`structure_path_of`: its manager's, its own `structure`
  field, else its first chain of foreign keys to one), read through the instance's relations;
- a request: the structure it was routed to (`request.structure`, else the active scope);
- otherwise, or when the path ends on nothing (a prestataire's account, shared by every structure): the
  structure of the active scope, else the only structure of the deployment.
None when it cannot be told (several structures and nothing to choose one): the platform's own words are
then used (`sender`, the templates' `platform_name`).

A database without any structure yet (before `load_mlhg`) takes the identity of MLHG's file (the
embedded default, `default_structure`), never saved.
"""

from __future__ import annotations

from email.utils import formataddr
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, models
from django.http import HttpRequest

from mlhg_app.models import Structure
from mlhg_app.structures import current_structure

PLATFORM_NAME = "Plateforme APP"


@cache
def default_structure() -> Structure:
    """MLHG's identity as its file gives it, unsaved: what a deployment without structure rows shows."""
    from mlhg_app.structure_file import MLHG_FILE, read_structure_file  # late: the file reader reads every app

    return Structure(**read_structure_file(MLHG_FILE).identity)


def _only_structure() -> Structure | None:
    try:
        structures = list(Structure.objects.order_by("pk")[:2])
    except DatabaseError:  # a page served while the database does not answer (the login's, the 503's)
        return default_structure()
    if not structures:
        return default_structure()
    return structures[0] if len(structures) == 1 else None


def _root_fields(model) -> list:
    """`model`'s forward relations that may lead to a structure (not through an account: users are shared)."""
    user = get_user_model()
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one | field.one_to_one and field.related_model not in (user, model)
    ]


@cache
def structure_path_of(model) -> str | None:
    """The path from `model` to its structure: its manager's (`scoped_manager(path)`), its own `structure`,
    else the first chain of foreign keys to a model that has one (« dossier__ami__structure »); None for
    a shared model (a prestataire's organisation) and for the structure itself."""
    path = getattr(model._default_manager, "structure_path", None)
    if path or model is Structure:
        return path
    frontier, seen = [(model, "")], {model}
    for _depth in range(5):
        following = []
        for current, prefix in frontier:
            for field in current._meta.concrete_fields:
                if field.name == "structure" and field.related_model is Structure:
                    return f"{prefix}structure"
            for field in _root_fields(current):
                if field.related_model not in seen:
                    seen.add(field.related_model)
                    following.append((field.related_model, f"{prefix}{field.name}__"))
        frontier = following
    return None


def _along(obj: models.Model, path: str) -> Structure | None:
    """The structure at the end of `path`; its last step is the active scope's structure when the ids agree
    (no query per object: a feed's séances, a letter's dossiers)."""
    *parents, last = path.split("__")
    for name in parents:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    scoped = current_structure()
    if scoped is not None and getattr(obj, f"{last}_id", None) == scoped.pk:
        return scoped
    structure = getattr(obj, last, None)
    return structure if isinstance(structure, Structure) else None


def structure_of(thing=None) -> Structure | None:
    """The structure of `thing` (an object, a request, a Structure or None); see the module's docstring."""
    if isinstance(thing, Structure):
        return thing
    found = None
    if isinstance(thing, HttpRequest):
        found = getattr(thing, "structure", None)
    elif isinstance(thing, models.Model):
        path = structure_path_of(type(thing))
        if path:
            found = _along(thing, path)
    return found or current_structure() or _only_structure()


def sender(structure: Structure | None) -> str:
    """The From of the structure's e-mails (« MLHG APP <ne-pas-repondre@ml31.org> »), else the platform's."""
    if structure is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((f"{structure.nom_court} APP", structure.courriel_expediteur))


def app_name(thing=None) -> str:
    """« MLHG APP », the product as the structure of `thing` names it in subjects; else « Plateforme APP »."""
    structure = structure_of(thing)
    return f"{structure.nom_court} APP" if structure else PLATFORM_NAME


def platform_words(thing=None, *, short: bool = False) -> str:
    """« plateforme APP de la Mission Locale Haute-Garonne » (« … de la MLHG » when `short`), the structure
    of `thing`; else « plateforme APP »."""
    structure = structure_of(thing)
    if structure is None:
        return "plateforme APP"
    return f"plateforme APP de la {structure.nom_court if short else structure.nom}"
