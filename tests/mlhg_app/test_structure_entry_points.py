"""The entry points that are not requests run in one structure (issue 19): Celery tasks carry the scope they
were queued in, beat's periodic jobs run once per structure, and management commands take --structure (or the
only structure)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlhg_app.celery import app as celery_app
from mlhg_app.models import Structure
from mlhg_app.structures import every_structure, structure_scope
from mlhg_app.tasks import for_each_structure
from tests import structure_worker
from tests.factories import StructureFactory


@pytest.fixture(autouse=True)
def _nothing_seen():
    structure_worker.SEEN.clear()


def test_a_task_runs_in_the_scope_it_was_queued_in(db):
    a = StructureFactory(slug="alpha")
    with structure_scope(a):
        assert structure_worker.current_scope.delay().get() == ("alpha", str(a.pk))
    with every_structure():
        assert structure_worker.current_scope.delay().get() == (None, "*")
    assert structure_worker.current_scope.delay().get() == (None, None)


def test_a_task_carrying_a_structure_runs_in_it_whatever_the_callers_scope(db):
    a, b = StructureFactory(slug="alpha"), StructureFactory(slug="beta")
    with structure_scope(a):
        result = structure_worker.current_scope.apply_async(headers={"mlhg_structure": "beta"})
    assert result.get() == ("beta", str(b.pk))


def test_a_task_carrying_an_unknown_structure_does_not_run(db, caplog):
    result = structure_worker.current_scope.apply_async(headers={"mlhg_structure": "inconnue"})
    assert result.get() is None
    assert structure_worker.SEEN == []
    assert "structure « inconnue » unknown, not run" in caplog.text


def test_beat_runs_every_periodic_job_once_per_structure(db):
    StructureFactory(slug="beta"), StructureFactory(slug="alpha")  # and the tests' mlhg
    assert for_each_structure(task="tests.current_scope") == 3
    assert [slug for slug, _setting in structure_worker.SEEN] == ["alpha", "beta", "mlhg"]
    celery_app.loader.import_default_modules()  # every app's tasks.py, as a worker does
    for name, entry in celery_app.conf.beat_schedule.items():
        assert entry["task"] == "mlhg_app.tasks.for_each_structure", name
        assert entry["kwargs"]["task"] in celery_app.tasks, name


def test_a_command_works_in_the_only_structure_or_the_one_named(db, structure):
    with pytest.raises(CommandError, match="^Programme 1 introuvable"):  # mlhg, the only one: the command ran in it
        call_command("plan_seances", programme=1)
    StructureFactory(slug="alpha")
    with pytest.raises(
        CommandError, match=r"^Plusieurs structures : précisez laquelle avec --structure \(alpha, mlhg\)"
    ):
        call_command("plan_seances", programme=1)
    with pytest.raises(CommandError, match=r"^Structure « gamma » introuvable \(structures : alpha, mlhg\)"):
        call_command("plan_seances", programme=1, structure="gamma")
    with pytest.raises(CommandError, match="^Programme 1 introuvable"):
        call_command("plan_seances", programme=1, structure="alpha")
    Structure.objects.all().delete()
    with pytest.raises(CommandError, match="^Aucune structure enregistrée"):
        call_command("plan_seances", programme=1)
