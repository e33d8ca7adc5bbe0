"""PostgreSQL row-level security on every scoped table, built from `structure_paths()` (issue 19).

The second wall after django-scopes: a query that forgets its scope, raw SQL, a manager that is not
scoped, all read through the policies. One policy, `mlhg_structure`, on each scoped table, ENABLE-d and
FORCE-d (the tables' owner obeys it too, unless it is a superuser or has BYPASSRLS), for every command
(USING, and the same expression as WITH CHECK: a row of another structure can be neither read nor written):

- a root table (path "structure") shows a row whose `structure_id` is the setting `mlhg.structure`;
- a child table (path "ami__structure", "dossier__ami__structure"…) shows a row whose parent row is
  visible (`EXISTS (SELECT 1 FROM parent WHERE parent.id = child.parent_id)`, filtered by the parent's own
  policy); the auto-created many-to-many tables of a scoped model and its history table (simple-history)
  follow the same rule;
- the setting `*` (`every_structure()`) shows every row; no setting (or an empty one) shows none.

The policies are kept in step with the models by `sync_policies`, run after every `migrate` (the
`post_migrate` signal, mlhg_app/apps.py): it compares each table's policy with the one the models ask for
(a hash in the policy's comment) and rewrites only what differs. `manage.py check --database default`
fails (mlhg_app.E003) when a scoped table has no up-to-date policy and no migration is pending.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import connections, models

from mlhg_app import structures
from mlhg_app.structures import DATABASE_SETTING, EVERY_STRUCTURE, structure_paths

POLICY = "mlhg_structure"
SETTING = f"current_setting('{DATABASE_SETTING}', true)"


@dataclass(frozen=True)
class TablePolicy:
    """The policy of one table: a root compares `column` with the setting; a child requires its parent row
    (`parent_table`.`parent_column` = `column`) to be visible."""

    table: str
    column: str
    parent_table: str = ""
    parent_column: str = ""

    def expression(self, quote) -> str:
        column = f"{quote(self.table)}.{quote(self.column)}"
        if not self.parent_table:
            # CASE, not OR: the cast of "*" to bigint must never be evaluated.
            return f"(CASE WHEN {SETTING} = '{EVERY_STRUCTURE}' THEN true ELSE {column} = NULLIF({SETTING}, '')::bigint END)"
        parent, key = quote(self.parent_table), quote(self.parent_column)
        exists = f"EXISTS (SELECT 1 FROM {parent} WHERE {parent}.{key} = {column})"  # nosec B608 # models' names, quoted
        return f"({SETTING} = '{EVERY_STRUCTURE}' OR {exists})"

    def digest(self, quote) -> str:
        return "mlhg:" + hashlib.sha256(self.expression(quote).encode()).hexdigest()[:16]

    def statements(self, quote) -> list[str]:
        table, expression = quote(self.table), self.expression(quote)
        return [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {POLICY} ON {table}",
            f"CREATE POLICY {POLICY} ON {table} USING {expression} WITH CHECK {expression}",
            f"COMMENT ON POLICY {POLICY} ON {table} IS '{self.digest(quote)}'",
        ]


class PathError(ValueError):
    """A scoped model whose path cannot be made into a policy (its first step is not a foreign key to a
    scoped model whose own path is the rest)."""


def _child(table: str, field: models.Field) -> TablePolicy:
    return TablePolicy(
        table=table,
        column=field.column,
        parent_table=field.related_model._meta.db_table,
        parent_column=field.target_field.column,
    )


def policy_for(model: type[models.Model], path: str, paths: dict[type[models.Model], str]) -> TablePolicy:
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise PathError(f"{model._meta.label}: « {first} » n'est pas une clé étrangère")
    if not rest:
        if first != "structure":
            raise PathError(f"{model._meta.label}: le chemin « {path} » ne finit pas par structure")
        return TablePolicy(table=model._meta.db_table, column=field.column)
    parent = field.related_model
    if paths.get(parent) != rest:
        raise PathError(
            f"{model._meta.label}: le parent {parent._meta.label} n'a pas le chemin « {rest} » "
            f"(il a « {paths.get(parent)} ») : la politique de la table ne le filtrerait pas"
        )
    return _child(model._meta.db_table, field)


def _history_policy(model: type[models.Model], policy: TablePolicy) -> TablePolicy | None:
    """The history table of a scoped model (simple-history) keeps copies of its rows: the same rule, on the
    copied column (a root's structure id, a child's parent id)."""
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    historical = getattr(model, attribute).model
    return TablePolicy(
        table=historical._meta.db_table,
        column=policy.column,
        parent_table=policy.parent_table,
        parent_column=policy.parent_column,
    )


def table_policies(paths: dict[type[models.Model], str] | None = None) -> list[TablePolicy]:
    """Every policy the models ask for: scoped tables, their many-to-many tables and history tables."""
    paths = structure_paths() if paths is None else paths
    policies: dict[str, TablePolicy] = {}
    for model, path in paths.items():
        policy = policy_for(model, path, paths)
        policies[policy.table] = policy
        history = _history_policy(model, policy)
        if history is not None:
            policies[history.table] = history
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and through._meta.db_table not in policies:
                link = next(f for f in through._meta.local_fields if f.is_relation and f.related_model is model)
                policies[through._meta.db_table] = _child(through._meta.db_table, link)
    return sorted(policies.values(), key=lambda p: p.table)


def _current_state(cursor, tables: list[str]) -> dict[str, tuple[bool, bool, str | None]]:
    """table → (RLS enabled, forced, our policy's comment) for the given tables and those that carry our policy."""
    cursor.execute(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, obj_description(p.oid, 'pg_policy')
        FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = %s
        WHERE c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid) AND (c.relname = ANY(%s) OR p.oid IS NOT NULL)
        """,
        [POLICY, tables],
    )
    return {name: (enabled, forced, comment) for name, enabled, forced, comment in cursor.fetchall()}


def policies_out_of_step(connection, policies: list[TablePolicy] | None = None, *, prune: bool = True) -> list[str]:
    """The tables whose policy differs from what the models ask for (missing, stale, or, with `prune`, no
    longer scoped)."""
    policies = table_policies() if policies is None else policies
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        state = _current_state(cursor, [p.table for p in policies])
    wanted = {p.table: (True, True, p.digest(quote)) for p in policies}
    stale = [table for table, want in wanted.items() if state.get(table) != want]
    gone = [table for table, (_e, _f, comment) in state.items() if table not in wanted and comment is not None]
    return sorted(stale + (gone if prune else []))


def sync_policies(connection, policies: list[TablePolicy] | None = None, *, prune: bool = True) -> list[str]:
    """Create or rewrite the policies that differ from the models', drop (`prune`) those of tables no longer
    scoped; returns the tables changed. A no-op off PostgreSQL."""
    if connection.vendor != "postgresql":
        return []
    policies = table_policies() if policies is None else policies
    quote = connection.ops.quote_name
    changed = policies_out_of_step(connection, policies, prune=prune)
    by_table = {p.table: p for p in policies}
    with connection.cursor() as cursor:
        for table in changed:
            if table in by_table:
                statements = by_table[table].statements(quote)
            else:
                statements = [
                    f"DROP POLICY IF EXISTS {POLICY} ON {quote(table)}",
                    f"ALTER TABLE {quote(table)} NO FORCE ROW LEVEL SECURITY",
                    f"ALTER TABLE {quote(table)} DISABLE ROW LEVEL SECURITY",
                ]
            for statement in statements:
                cursor.execute(statement)
    return changed


# `migrate` reads and writes every structure's rows (data migrations): its transactions carry the setting
# `*`, so that an owner without BYPASSRLS still sees them once the tables are FORCE-d.
_migrating: list = []


def before_migrate(sender, **kwargs):
    """pre_migrate (once, for mlhg_app): the migrations run with the setting `*`."""
    _migrating.append(structures.set_database_value(EVERY_STRUCTURE))


def after_migrate(sender, using="default", **kwargs):
    """post_migrate (once, for mlhg_app, every table made): the policies brought in step with the models."""
    if _migrating:
        structures.reset_database_value(_migrating.pop())
    sync_policies(connections[using])
