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

import functools
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import FullResultSet
from django.db import connection, models
from django.db.models import Expression, F
from django_scopes import ScopeError, get_scope, scope, scopes_disabled

if TYPE_CHECKING:
    from mlhg_app.models import Structure

# The PostgreSQL setting the row-level security policies compare with each row's structure id.
DATABASE_SETTING = "mlhg.structure"
EVERY_STRUCTURE = "*"


class ScopeStructure(Expression):
    """The id of the active scope's structure, read when the query is compiled (not when the queryset is
    built), so that a queryset made outside any scope — a form field's choices built at import, a
    module-level queryset — is filtered by the scope it is evaluated in.

    django-scopes' state decides: inside `scopes_disabled()` / `every_structure()` the condition is left
    out (FullResultSet); inside `structure_scope(s)`, `column = s.id`; outside any scope, or in
    a scope without a structure, ScopeError (fail closed, as django-scopes' own managers).
    """

    def __init__(self, column):
        super().__init__(output_field=models.BigIntegerField())
        self.column = column

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        current = get_scope()
        if not current.get("_enabled", True):
            raise FullResultSet  # scopes disabled: the condition is left out of the query

        structure = current.get("structure")
        if structure is None:
            raise ScopeError("A scope on dimension(s) structure needs to be active for this query.")
        return "%s", [getattr(structure, "pk", structure)]


def scoped_manager(path: str, manager_class: type[models.Manager] = models.Manager) -> models.Manager:
    """The manager of a scoped model: every query filtered on `path` (e.g. "dossier__ami__structure") by the
    active scope (`ScopeStructure`), which it remembers (`structure_path`, read by `structure_paths()`).

    Like django-scopes' ScopedManager (its scopes, `scopes_disabled()` and ScopeError), except that the
    scope is checked when the query runs: a queryset may be built at import time (a ModelChoiceField's)
    and evaluated inside a request's scope. `manager_class` keeps a custom manager or queryset working.
    """

    class StructureScopedManager(manager_class):
        structure_path = path

        def get_queryset(self):
            return in_scope(super().get_queryset(), path)

    return StructureScopedManager()


def in_scope(queryset: models.QuerySet, path: str) -> models.QuerySet:
    """`queryset` filtered on `path` by the active scope, as a scoped manager does (for the querysets that
    do not come from one: an object's history, `Model.history`)."""
    return queryset.filter(**{path: ScopeStructure(F(path))})


def structure_paths() -> dict[type[models.Model], str]:
    """Every concrete scoped model and its path to the structure, from its default manager."""
    return {
        model: model._default_manager.structure_path
        for model in apps.get_models()
        if getattr(model._default_manager, "structure_path", None)
    }


def current_structure() -> Structure | None:
    # late: mlhg_app.models builds its managers with this module (scoped_manager)
    from mlhg_app.models import Structure

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


def across_structures(function):
    """`function` run inside `every_structure()` (a management command's `handle`, until each names its
    structure)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with every_structure():
            return function(*args, **kwargs)

    return wrapper
