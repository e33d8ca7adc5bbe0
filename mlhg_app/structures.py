"""The structure (Mission Locale) that a request, a task or a command works for (issue 19).

The one seam of the multi-structure isolation; every part codes against it:
- `structure_scope(structure)` enters django-scopes' scope of one structure (every query on a
  scoped model is filtered on it; outside any scope such a query raises `ScopeError`, fail closed)
  and sets the PostgreSQL setting that the row-level security policies read
  (`set_config('mlhg.structure', id, true)`, i.e. `SET LOCAL`: inside the current transaction only,
  safe behind PgBouncer in transaction mode);
- `every_structure()` is the explicit, named way to read across structures (the public portal's
  list of open calls, beat's fan-out, the superuser's console); the database setting is then `*`;
- `current_structure()` is the structure of the active scope, or None;
- `scoped_manager(path)` is the manager of every scoped model (`objects = scoped_manager("ami__structure")`),
  `structure_paths()` the models and their path to the structure (read by the RLS migration).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled

from mlhg_app.models import Structure

# The PostgreSQL setting the row-level security policies compare with each row's structure id.
DATABASE_SETTING = "mlhg.structure"
EVERY_STRUCTURE = "*"


def scoped_manager(path: str, manager_class: type[models.Manager] = models.Manager) -> models.Manager:
    """A django-scopes manager filtering on `path` (e.g. "dossier__ami__structure"), which it remembers."""
    manager = ScopedManager(_manager_class=manager_class, structure=path)
    manager.structure_path = path
    return manager


def structure_paths() -> dict[type[models.Model], str]:
    """Every concrete scoped model and its path to the structure, from its default manager."""
    return {
        model: model._default_manager.structure_path
        for model in apps.get_models()
        if getattr(model._default_manager, "structure_path", None)
    }


def current_structure() -> Structure | None:
    structure = get_scope().get("structure")
    return structure if isinstance(structure, Structure) else None


def _set_database_setting(value: str) -> None:
    """`SET LOCAL mlhg.structure = value` on PostgreSQL (a no-op elsewhere, e.g. SQLite)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [DATABASE_SETTING, value])


@contextmanager
def structure_scope(structure: Structure):
    with scope(structure=structure):
        _set_database_setting(str(structure.pk))
        yield structure


@contextmanager
def every_structure():
    with scopes_disabled():
        _set_database_setting(EVERY_STRUCTURE)
        yield
