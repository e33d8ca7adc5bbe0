"""The Celery application of the worker that tests/mlhg_app/test_row_level_security.py starts as the application's
database role: the application's Celery app plus one task that reads a scoped table by raw SQL, so that what the
worker's database session may see is read past the ORM. Nothing of this is in the application's code.

`celery -A tests.structure_worker worker`.
"""

from django.db import connection

from mlhg_app.celery import app

__all__ = ["app"]


@app.task(name="tests.visible_rows")
def visible_rows(*, table: str) -> dict:
    """The ids of `table` this task's session sees, with the structure and setting it ran in."""
    # late: the worker imports this module before Django's apps are ready
    from mlhg_app.structures import current_structure, database_value

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {connection.ops.quote_name(table)} ORDER BY id")  # nosec B608 # a test table
        ids = [row[0] for row in cursor.fetchall()]
    structure = current_structure()
    return {"ids": ids, "structure": structure.slug if structure else None, "setting": database_value()}


# What `current_scope` saw, in the order it ran (eager tests read it in their own process).
SEEN: list[tuple[str | None, str | None]] = []


@app.task(name="tests.current_scope")
def current_scope() -> tuple[str | None, str | None]:
    """The structure (slug) and the database setting this task runs in."""
    # late: idem
    from mlhg_app.structures import current_structure, database_value

    structure = current_structure()
    seen = (structure.slug if structure else None, database_value())
    SEEN.append(seen)
    return seen


@app.task(name="tests.scoped_ami_references")
def scoped_ami_references() -> list[str]:
    """The AMIs the scoped manager of the model shows this task."""
    # late: idem
    from ami.models import AMI

    return sorted(AMI.objects.values_list("reference", flat=True))
