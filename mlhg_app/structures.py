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
  `structure_paths()` the models and their path to the structure (read by the RLS policies, mlhg_app/rls.py).

The database setting is made lazily, by one execute wrapper on every PostgreSQL connection
(`_apply_setting`): before the first statement of each transaction, and again when the scope changes
inside one, it runs `set_config('mlhg.structure', value, true)` on the raw connection (not logged, so
query counts do not change). A statement outside any transaction (autocommit) that reads or writes
rows, in a scope, runs in a transaction of its own with the setting. So every transaction of a request,
a task or a command carries the setting of its scope, whatever its shape, and nothing outlives it
(PgBouncer in transaction mode may give the next transaction to another client).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import FullResultSet
from django.db import models, transaction
from django.db.backends.signals import connection_created
from django.db.models import Expression, F
from django.dispatch import receiver
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


# The value the current scope wants in the database: a structure's id, EVERY_STRUCTURE, or None (no scope:
# the policies then show no row).
_wanted: ContextVar[str | None] = ContextVar("mlhg_structure_setting", default=None)
# A statement outside a transaction that touches rows, run in a transaction of its own with the setting.
_ROW_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "MERGE")
_UNKNOWN = object()  # the setting's value in the open transaction, after a rollback to a savepoint


def database_value() -> str | None:
    """What the current scope sets `mlhg.structure` to: a structure's id, "*" or None."""
    return _wanted.get()


def _set_on(raw_connection, value: str) -> None:
    with raw_connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [DATABASE_SETTING, value])


def _apply_setting(execute, sql, params, many, context):
    """The execute wrapper of every PostgreSQL connection: the scope's setting in the statement's transaction."""
    connection = context["connection"]
    wanted = _wanted.get() or ""
    if connection.get_autocommit():
        if not wanted or not sql.lstrip().upper().startswith(_ROW_STATEMENTS):
            return execute(sql, params, many, context)
        with transaction.atomic(using=connection.alias):
            _set_on(connection.connection, wanted)
            connection.mlhg_setting = wanted
            return execute(sql, params, many, context)
    # In a transaction: none is set at its start (IDLE: the statement opens it), else what we set last.
    idle = connection.connection.info.transaction_status == 0  # psycopg's TransactionStatus.IDLE
    applied = "" if idle else getattr(connection, "mlhg_setting", "")
    if applied != wanted:
        _set_on(connection.connection, wanted)
    connection.mlhg_setting = wanted
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith("ROLLBACK TO SAVEPOINT"):
        connection.mlhg_setting = _UNKNOWN  # a set_config made since that savepoint is undone too
    return result


@receiver(connection_created, dispatch_uid="mlhg_structure_setting")
def _install_setting(sender, connection, **kwargs):
    """Every new PostgreSQL connection applies the scope's setting (a no-op elsewhere, e.g. SQLite)."""
    if connection.vendor == "postgresql" and _apply_setting not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _apply_setting)


def set_database_value(value: str | None):
    """Sets what the next transactions carry (a token for `reset_database_value`); `structure_scope` and
    `every_structure` are the ways to use it, this is for the signals of `migrate` (mlhg_app/rls.py)."""
    return _wanted.set(value)


def reset_database_value(token) -> None:
    _wanted.reset(token)


@contextmanager
def _database_setting(value: str | None):
    token = _wanted.set(value)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def structure_scope(structure: Structure):
    with scope(structure=structure), _database_setting(str(structure.pk)):
        yield structure


@contextmanager
def every_structure():
    with scopes_disabled(), _database_setting(EVERY_STRUCTURE):
        yield


def across_structures(function):
    """`function` run inside `every_structure()` (a management command's `handle`, until each names its
    structure)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with every_structure():
            return function(*args, **kwargs)

    return wrapper


def response_in_structure(request, get_response, structure: Structure):
    """The response to a request of `structure` (for the routing middleware): made inside its scope and one
    transaction, so that the setting is made once for the whole request (outside a transaction each statement
    would open its own: about 0.25 ms more a query). A server error (5xx) rolls the request's writes back, and
    the jobs it queued on commit are not sent. The response is then complete: no rows are read after it."""
    with structure_scope(structure), transaction.atomic():
        response = get_response(request)
        if response.status_code >= 500:
            transaction.set_rollback(True)
    return response


def scope_header() -> str | None:
    """The scope a task queued now carries (mlhg_app/celery.py): the structure's slug, "*", or None."""
    if _wanted.get() == EVERY_STRUCTURE:
        return EVERY_STRUCTURE
    structure = current_structure()
    return structure.slug if structure is not None else None


@contextmanager
def scope_named(value: str):
    """The scope a task carried: `every_structure()` for "*" (yields "*"), else the structure of that slug
    (yields None when there is none, outside any scope)."""
    if value == EVERY_STRUCTURE:
        with every_structure():
            yield EVERY_STRUCTURE
        return
    # late: mlhg_app.models builds its managers with this module (scoped_manager)
    from mlhg_app.models import Structure

    structure = Structure.objects.filter(slug=value).first()
    if structure is None:
        yield None
        return
    with structure_scope(structure):
        yield structure
