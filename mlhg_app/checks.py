import importlib.util

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from mlhg_app.access import undeclared_urls


@register("urls")
def check_every_view_declares_access(app_configs, **kwargs):
    """`manage.py check` fails for a URL whose view declares no access rule."""
    return [
        Error(
            f"La vue de l'URL « {route} » ne déclare aucune règle d'accès.",
            hint="Héritez de PermissionRequiredView (permission_required) ou de PublicView, "
            "ou décorez la fonction avec permission_required(...) ou public.",
            id="mlhg_app.E001",
        )
        for route in undeclared_urls()
    ]


@register()
def check_the_name_filter_model_is_installed(app_configs, **kwargs):
    """`manage.py check` fails when the French model of the comptes rendus' name filter is missing."""
    # late: the name filter is seances' (bilans → seances → ami → mlhg_app); mlhg_app never imports it at load
    from seances.personnes import MODEL

    if importlib.util.find_spec(MODEL) is not None:
        return []
    return [
        Error(
            f"Le modèle français « {MODEL} » du filtre des noms n'est pas installé.",
            hint="Installez les dépendances : .venv/bin/pip install -r requirements.txt",
            id="mlhg_app.E002",
        )
    ]


@register(deploy=True)
def check_several_servers_share_one_cache(app_configs, **kwargs):
    """`manage.py check --deploy` warns when production runs workers or servers that would each count alone:
    Celery (REDIS_URL) or files on S3 (several servers) without a shared cache (CACHE_URL)."""
    if not settings.PRODUCTION or settings.CACHE_URL or not (settings.REDIS_URL or settings.S3_BUCKET):
        return []
    return [
        Warning(
            "CACHE_URL n'est pas défini : chaque processus compte seul les limites d'envoi de courriels, "
            "les échecs de connexion et garde ses propres résultats en cache.",
            hint="Donnez à CACHE_URL une base Redis à elle (par exemple redis://127.0.0.1:6379/1), "
            "partagée par tous les serveurs (README « Plusieurs serveurs »).",
            id="mlhg_app.W001",
        )
    ]


@register()
def check_every_scoped_model_has_a_policy_path(app_configs, **kwargs):
    """`manage.py check` fails when a scoped model's path cannot become a row-level security policy."""
    from mlhg_app.rls import PathError, table_policies  # late: the app registry must be ready

    try:
        table_policies()
    except PathError as exc:
        return [
            Error(
                f"Chemin de structure inutilisable pour la sécurité au niveau des lignes : {exc}.",
                hint="Le chemin commence par une clé étrangère vers un modèle lui-même rattaché à la structure.",
                id="mlhg_app.E003",
            )
        ]
    return []


@register(Tags.database)
def check_row_level_security_is_in_step(app_configs, databases=None, **kwargs):
    """`manage.py check --database default` fails when a scoped table of PostgreSQL has no up-to-date
    policy while no migration is pending (`migrate` writes them: mlhg_app/rls.py)."""
    # late: the app registry must be ready (the models' paths), and only this database check needs them
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from mlhg_app.rls import PathError, policies_out_of_step  # late: idem

    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            continue  # the policies are written after the pending migrations
        try:
            tables = policies_out_of_step(connection)
        except PathError:
            continue  # reported by mlhg_app.E003
        errors += [
            Error(
                f"La table « {table} » n'a pas la politique de sécurité au niveau des lignes de ses structures.",
                hint="Lancez `manage.py migrate` (il met les politiques à jour, mlhg_app/rls.py).",
                id="mlhg_app.E004",
            )
            for table in tables
        ]
    return errors


@register(Tags.database, deploy=True)
def check_the_application_role_obeys_the_policies(app_configs, databases=None, **kwargs):
    """`manage.py check --deploy --database default` warns when the application connects with a PostgreSQL role that
    row-level security does not hold (a superuser, or BYPASSRLS): one structure could then read another's rows."""
    # late: only this database check needs the connections
    from django.db import connections

    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
            role, bypasses = cursor.fetchone()
        if bypasses:
            warnings.append(
                Warning(
                    f"L'application se connecte à PostgreSQL avec le rôle « {role} », que la sécurité au niveau des "
                    "lignes ne retient pas (superutilisateur ou BYPASSRLS).",
                    hint="Connectez les serveurs et les workers avec le rôle de `manage.py create_app_role` ; "
                    "gardez le propriétaire pour migrate et les sauvegardes (docs/row-level-security.md).",
                    id="mlhg_app.W005",
                )
            )
    return warnings
