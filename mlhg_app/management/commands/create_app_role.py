"""`manage.py create_app_role`: the PostgreSQL login role of the application, with only the rights it needs.

Run with the tables' owner's DATABASE_URL (the role that runs `migrate`). The role it makes (or brings in
line, when it exists) is not the owner, not a superuser and has no BYPASSRLS: the row-level security of
the structures (mlhg_app/rls.py) holds for it. It may read and write the rows of every table of the
schema and use its sequences, read (never write) `django_migrations`, and gets the same rights on the
tables later migrations make (ALTER DEFAULT PRIVILEGES of the owner). `--sql` prints the script instead,
for a database administrator.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def app_role_statements(role: str, *, database: str, schema: str, exists: bool, password: str | None):
    """[(sql, params)] that make `role` the application's role (identifiers quoted, the password a parameter)."""
    q = connection.ops.quote_name
    r, s = q(role), q(schema)
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
    statements = [(f"{'ALTER' if exists else 'CREATE'} ROLE {r} {attributes}", [])]
    if password is not None:
        statements.append((f"ALTER ROLE {r} PASSWORD %s", [password]))
    dml, sequences = "SELECT, INSERT, UPDATE, DELETE", "USAGE, SELECT, UPDATE"
    statements += [
        (f"GRANT CONNECT ON DATABASE {q(database)} TO {r}", []),
        (f"GRANT USAGE ON SCHEMA {s} TO {r}", []),
        (f"GRANT {dml} ON ALL TABLES IN SCHEMA {s} TO {r}", []),
        (f"GRANT {sequences} ON ALL SEQUENCES IN SCHEMA {s} TO {r}", []),
        (f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {q('django_migrations')} FROM {r}", []),
        (f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {dml} ON TABLES TO {r}", []),
        (f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT {sequences} ON SEQUENCES TO {r}", []),
    ]
    return statements


class Command(BaseCommand):
    help = (
        "Crée (ou remet en règle) le rôle PostgreSQL de connexion de l'application : ni propriétaire des "
        "tables, ni superutilisateur, sans BYPASSRLS, avec les droits de lecture et d'écriture des lignes. "
        "À lancer avec l'adresse de base de données du propriétaire des tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE, help="Nom du rôle (DATABASE_APP_ROLE).")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Lit le mot de passe du rôle sur l'entrée standard."
        )
        parser.add_argument("--sql", action="store_true", help="Affiche le script SQL sans rien exécuter.")

    def handle(self, *args, role, password_stdin, sql, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Le rôle de l'application n'existe que sur PostgreSQL (DATABASE_URL).")
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database, schema = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"« {role} » est le rôle de cette connexion, propriétaire des tables : l'application doit se "
                    "connecter avec un autre rôle pour que la sécurité au niveau des lignes s'applique."
                )
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            exists = cursor.fetchone() is not None
            statements = app_role_statements(role, database=database, schema=schema, exists=exists, password=password)
            if sql:
                for statement, params in statements:
                    self.stdout.write((statement.replace("%s", "'…'") if params else statement) + ";")
                return
            for statement, params in statements:
                cursor.execute(statement, params)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rôle « {role} » {'mis à jour' if exists else 'créé'} (propriétaire des tables : {owner})."
            )
        )
