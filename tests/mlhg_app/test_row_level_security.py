"""PostgreSQL row-level security of the structures (mlhg_app/rls.py, mlhg_app/structures.py): what the
application's own database role can read, with and without the setting of a structure, in a request's
transaction, outside any, and in a real Celery worker that logs in as that role.

The policies are checked on three tables made for the test (a root with a structure id, a child and a
grandchild through their parents), from the same generator as the models' tables; the models' own tables are
covered by the check that every scoped table has its up-to-date policy.
"""

import uuid
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from mlhg_app.models import Structure
from mlhg_app.rls import TablePolicy, policies_out_of_step, sync_policies, table_policies
from mlhg_app.structures import every_structure, response_in_structure, structure_scope
from tests.celery_workers import start_worker, stop_worker
from tests.factories import (
    AMIFactory,
    DossierFactory,
    EtapeDerouleFactory,
    ProgrammeFactory,
    StructureFactory,
    UserFactory,
)
from tests.processes import run as run_process
from tests.real_services import database_url, require_postgresql, require_redis

ROOT, CHILD, GRANDCHILD = "rls_test_racine", "rls_test_enfant", "rls_test_petit_enfant"
POLICIES = [
    TablePolicy(ROOT, "structure_id"),
    TablePolicy(CHILD, "racine_id", ROOT, "id"),
    TablePolicy(GRANDCHILD, "enfant_id", CHILD, "id"),
]


def model_policies() -> list[TablePolicy]:
    """The policies of the models' tables, from their scoped managers (`structure_paths()`)."""
    return table_policies()


def make_tables(a: Structure, b: Structure) -> None:
    """Each structure owns one root row, its child and its grandchild: A 1 → 11 → 111, B 2 → 22 → 222."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {ROOT} (id bigint PRIMARY KEY, structure_id bigint)")
        cursor.execute(f"CREATE TABLE {CHILD} (id bigint PRIMARY KEY, racine_id bigint REFERENCES {ROOT})")
        cursor.execute(f"CREATE TABLE {GRANDCHILD} (id bigint PRIMARY KEY, enfant_id bigint REFERENCES {CHILD})")
        cursor.execute(f"INSERT INTO {ROOT} VALUES (1, %s), (2, %s)", [a.pk, b.pk])  # nosec B608 # test tables
        cursor.execute(f"INSERT INTO {CHILD} VALUES (11, 1), (22, 2)")  # nosec B608 # idem
        cursor.execute(f"INSERT INTO {GRANDCHILD} VALUES (111, 11), (222, 22)")  # nosec B608 # idem
    sync_policies(connection, POLICIES, prune=False)


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {GRANDCHILD}, {CHILD}, {ROOT}")


def create_app_role() -> str:
    """The application's role, made by its command (a name of its own: roles are shared by the server's databases)."""
    role = f"mlhg_app_test_{uuid.uuid4().hex[:8]}"
    call_command("create_app_role", role=role, stdout=StringIO())
    return role


def visible(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # nosec B608 # test tables
        return [row[0] for row in cursor.fetchall()]


def visible_as(role: str) -> dict[str, list[int]]:
    """What `role` reads of the three tables, in the current transaction (SET ROLE: the test's superuser session
    takes the role's rights, and the policies apply to it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        return {table: visible(table) for table in (ROOT, CHILD, GRANDCHILD)}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.fixture
def world(db):
    require_postgresql()
    a, b = StructureFactory(slug="alpha"), StructureFactory(slug="beta")
    make_tables(a, b)
    return {"a": a, "b": b, "role": create_app_role()}


def test_without_the_setting_the_application_role_reads_no_row(world):
    assert visible_as(world["role"]) == {ROOT: [], CHILD: [], GRANDCHILD: []}


def test_in_a_structures_scope_the_application_role_reads_only_its_rows(world):
    with structure_scope(world["a"]):
        assert visible_as(world["role"]) == {ROOT: [1], CHILD: [11], GRANDCHILD: [111]}
    with structure_scope(world["b"]):
        assert visible_as(world["role"]) == {ROOT: [2], CHILD: [22], GRANDCHILD: [222]}
    with every_structure():
        assert visible_as(world["role"]) == {ROOT: [1, 2], CHILD: [11, 22], GRANDCHILD: [111, 222]}
    # The scope left, the transaction goes on: the setting is taken back.
    assert visible_as(world["role"]) == {ROOT: [], CHILD: [], GRANDCHILD: []}


def test_a_scope_inside_every_structure_reads_only_its_structure(world):
    with every_structure(), structure_scope(world["b"]):
        assert visible_as(world["role"]) == {ROOT: [2], CHILD: [22], GRANDCHILD: [222]}


def test_the_scope_survives_a_rolled_back_savepoint(world):
    """A savepoint rolled back undoes the setting made inside it: the next statement makes it again."""
    with every_structure():
        visible(ROOT)
        with structure_scope(world["a"]):
            with pytest.raises(DatabaseError), transaction.atomic():
                visible(ROOT)  # the setting of A is made inside the savepoint…
                visible("rls_test_absente")  # …which this error rolls back
            assert visible_as(world["role"]) == {ROOT: [1], CHILD: [11], GRANDCHILD: [111]}


def test_the_application_role_cannot_write_a_row_of_another_structure(world):
    role = connection.ops.quote_name(world["role"])
    with structure_scope(world["a"]), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(f"INSERT INTO {ROOT} VALUES (3, %s)", [world["b"].pk])  # nosec B608 # test table
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            cursor.execute(f"INSERT INTO {CHILD} VALUES (23, 2)")  # nosec B608 # a child of B's root
        cursor.execute(f"UPDATE {ROOT} SET structure_id = structure_id")  # nosec B608 # only A's row
        assert cursor.rowcount == 1
        cursor.execute("RESET ROLE")


def test_the_owner_of_the_tables_obeys_the_policies_too(world):
    """FORCE ROW LEVEL SECURITY: an owner that is neither superuser nor BYPASSRLS reads nothing without the setting."""
    owner = connection.ops.quote_name(f"mlhg_owner_test_{uuid.uuid4().hex[:8]}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOSUPERUSER NOBYPASSRLS")
        for table in (ROOT, CHILD, GRANDCHILD):
            cursor.execute(f"ALTER TABLE {table} OWNER TO {owner}")
        cursor.execute(f"SET ROLE {owner}")
        cursor.execute(f"SELECT count(*) FROM {ROOT}")  # nosec B608 # test table
        assert cursor.fetchone() == (0,)
        cursor.execute("RESET ROLE")


def test_a_table_without_its_policy_is_found_and_written_by_migrate(world):
    assert policies_out_of_step(connection, POLICIES, prune=False) == []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP POLICY mlhg_structure ON {CHILD}")
        cursor.execute(f"ALTER TABLE {GRANDCHILD} NO FORCE ROW LEVEL SECURITY")
    assert policies_out_of_step(connection, POLICIES, prune=False) == [CHILD, GRANDCHILD]
    assert sync_policies(connection, POLICIES, prune=False) == [CHILD, GRANDCHILD]
    assert policies_out_of_step(connection, POLICIES, prune=False) == []


def test_every_scoped_table_of_the_models_has_its_policy(db):
    """After `migrate` (the test database's), `check --database default` finds every policy up to date."""
    require_postgresql()
    errors = [e for e in run_checks(databases=["default"]) if e.id in {"mlhg_app.E003", "mlhg_app.E004"}]
    assert errors == []


def test_create_app_role_makes_a_role_that_bypasses_nothing(db):
    require_postgresql()
    role = create_app_role()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = %s",
            [role],
        )
        assert cursor.fetchone() == (True, False, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role])
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT has_table_privilege(%s, 'django_migrations', 'INSERT')", [role])
        assert cursor.fetchone() == (False,)
    call_command("create_app_role", role=role, stdout=(out := StringIO()))  # a second run brings it in line
    assert out.getvalue().startswith(f"Rôle « {role} » mis à jour")


# -- real sessions: each transaction on its own, a real login as the role -------------------------------------


@pytest.fixture
def committed_world(transactional_db, structure):
    """Committed, for other sessions to read: the test tables, the models' policies, one programme in each of the
    structures alpha and beta, and the application's role. Taken back afterwards (the policies as migrate left them)."""
    require_postgresql()
    a, b = StructureFactory(slug="alpha"), StructureFactory(slug="beta")
    make_tables(a, b)
    sync_policies(connection, model_policies(), prune=False)
    programmes = {}
    for s in (a, b):
        with structure_scope(s):
            programmes[s.slug] = ProgrammeFactory().pk
    role = create_app_role()
    yield {"a": a, "b": b, "role": role, "programmes": programmes}
    drop_tables()
    sync_policies(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(role)}")
        cursor.execute(f"DROP ROLE {connection.ops.quote_name(role)}")


def current_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('mlhg.structure', true), '')")
        return cursor.fetchone()[0]


def test_outside_a_transaction_the_setting_lives_in_its_statements_transaction_only(committed_world):
    """Autocommit: a read in a scope runs in a transaction of its own with the setting, which ends with it; the
    session keeps nothing for the next client of the connection (PgBouncer in transaction mode)."""
    a = committed_world["a"]
    assert connection.get_autocommit()
    with structure_scope(a):
        assert current_setting() == str(a.pk)
        assert visible(ROOT) == [1, 2]  # the test's session is the superuser's
    assert current_setting() == ""


def test_a_login_as_the_application_role_reads_nothing_without_the_setting(committed_world):
    import psycopg

    dsn = database_url(committed_world["role"]).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn) as session:
        for table in (ROOT, CHILD, GRANDCHILD):
            assert session.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)  # nosec B608 # test tables
        session.execute("SELECT set_config('mlhg.structure', %s, true)", [str(committed_world["a"].pk)])
        assert session.execute(f"SELECT id FROM {GRANDCHILD}").fetchall() == [(111,)]  # nosec B608 # idem
        session.commit()
        assert session.execute(f"SELECT count(*) FROM {GRANDCHILD}").fetchone() == (0,)  # nosec B608 # idem


@pytest.mark.xdist_group("real_celery_worker")
def test_a_task_started_in_a_structures_scope_reads_only_its_rows_on_a_real_worker(
    committed_world, _celery_eager, settings, tmp_path
):
    """A worker logged in as the application's role: a task queued in A's scope carries A to the worker and
    reads A's rows only; queued in B's, B's; queued outside any scope, none."""
    require_redis()
    from mlhg_app.celery import app

    _celery_eager.conf.task_always_eager = False
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(
        settings, queue, tmp_path / "mail", tmp_path / "worker.log", app_module="tests.structure_worker",
        DATABASE_URL=database_url(committed_world["role"]),
    )  # fmt: skip
    a, b = committed_world["a"], committed_world["b"]

    def run(table):
        return app.send_task("tests.visible_rows", kwargs={"table": table}, queue=queue).get(timeout=30)

    programmes = committed_world["programmes"]
    try:
        with structure_scope(a):
            assert run(ROOT) == {"ids": [1], "structure": "alpha", "setting": str(a.pk)}
            assert run(GRANDCHILD)["ids"] == [111]
            assert run("seances_programme")["ids"] == [programmes["alpha"]]
        with structure_scope(b):
            assert run(CHILD) == {"ids": [22], "structure": "beta", "setting": str(b.pk)}
        assert run(ROOT) == {"ids": [], "structure": None, "setting": None}
        assert run("seances_programme")["ids"] == []
        with every_structure():
            assert run(CHILD) == {"ids": [11, 22], "structure": None, "setting": "*"}
    finally:
        stop_worker(worker)


# -- a request: the routing middleware answers inside response_in_structure -------------------------------------


def test_a_request_of_a_structure_reads_only_its_rows_in_every_statement(world, rf):
    """A view that reads three times (a second transaction of its own, raw SQL) as the application's role, answered
    through `response_in_structure` as the routing middleware does: every read sees only A's rows; a server error
    rolls the request's writes back."""
    from django.http import HttpResponse

    role = connection.ops.quote_name(world["role"])

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
        first = visible(ROOT)
        with transaction.atomic():
            second = visible(CHILD)
        return HttpResponse(f"{first} {second} {visible(GRANDCHILD)}")

    response = response_in_structure(rf.get("/"), view, world["a"])
    assert response.content.decode() == "[1] [11] [111]"
    assert current_setting() == ""  # after the request, no setting
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")  # the request's atomic block is a savepoint of the test's transaction here

    def failing_view(request):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {GRANDCHILD} WHERE id = 111")  # nosec B608 # test table
        return HttpResponse(status=500)

    assert response_in_structure(rf.get("/"), failing_view, world["a"]).status_code == 500
    assert visible(GRANDCHILD) == [111, 222]


def test_the_deploy_check_warns_when_the_application_bypasses_the_policies(world):
    from mlhg_app.checks import check_the_application_role_obeys_the_policies as check

    assert [w.id for w in check(None, databases=["default"])] == ["mlhg_app.W005"]  # the tests' superuser
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(world['role'])}")
        assert check(None, databases=["default"]) == []
        cursor.execute("RESET ROLE")


# -- the models' own tables --------------------------------------------------------------------------------------


def count_as(role: str | None, tables: list[str]) -> dict[str, int]:
    """How many rows of each table `role` reads (None: the test's own session, a superuser's)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {q(role)}" if role else "RESET ROLE")
        try:
            seen = {}
            for table in tables:
                cursor.execute(f"SELECT * FROM {q(table)}")  # nosec B608 # the models' tables
                seen[table] = len(cursor.fetchall())
            return seen
        finally:
            cursor.execute("RESET ROLE")


def two_structures_with_a_dossier(a: Structure, b: Structure) -> dict:
    """In each structure the same rows: an AMI (its criteria, its history) with an evaluator (a many-to-many row)
    and a dossier with a step."""
    made = {}
    for structure in (a, b):
        with structure_scope(structure):
            ami = AMIFactory(reference=f"ami-{structure.slug}")
            ami.evaluateurs.add(UserFactory(email=f"evaluateur@{structure.slug}.exemple.fr", role="evaluateur"))
            EtapeDerouleFactory(dossier=DossierFactory(ami=ami))
            made[structure.slug] = ami
    return made


AMI_TABLES = ["ami_ami", "ami_ami_evaluateurs", "ami_historicalami", "ami_critere", "ami_dossier", "ami_etapederoule"]


def test_the_models_tables_show_the_application_role_only_its_structures_rows(db, structure):
    require_postgresql()
    policies = model_policies()
    assert set(AMI_TABLES) <= {p.table for p in policies}
    sync_policies(connection, policies, prune=False)
    beta = StructureFactory(slug="beta")
    two_structures_with_a_dossier(structure, beta)
    role = create_app_role()

    every_row = count_as(None, AMI_TABLES)  # the test's superuser: every row, half of them each structure's
    assert all(every_row.values()) and all(n % 2 == 0 for n in every_row.values())
    assert count_as(role, AMI_TABLES) == dict.fromkeys(AMI_TABLES, 0)
    with structure_scope(beta):
        assert count_as(role, AMI_TABLES) == {table: n // 2 for table, n in every_row.items()}
    with structure_scope(structure):
        assert count_as(role, AMI_TABLES) == {table: n // 2 for table, n in every_row.items()}
    with every_structure():
        assert count_as(role, AMI_TABLES) == every_row


def test_a_command_with_structure_b_sees_only_bs_rows(committed_world):
    """`plan_seances --structure beta`, a real process logged in as the application's role: B's programme is
    found, A's is not (its row is not visible to B's transactions)."""
    programmes, url = committed_world["programmes"], database_url(committed_world["role"])

    def plan(programme: int, slug: str):
        args = ["manage.py", "plan_seances", "--programme", str(programme), "--structure", slug, "--dry-run"]
        return run_process(args, DATABASE_URL=url)

    found = "Aucun plan possible pour le Programme 2026-2027 :\n- Le programme n'a aucune fenêtre"  # found, empty
    assert plan(programmes["beta"], "beta").stderr.startswith(found)
    assert plan(programmes["alpha"], "beta").stderr.startswith(
        f"CommandError: Programme {programmes['alpha']} introuvable."
    )
    assert plan(programmes["alpha"], "alpha").stderr.startswith(found)
