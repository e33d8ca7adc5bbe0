"""The entry points that are not requests run in one structure (issue 19): Celery tasks carry the scope they
were queued in, beat's periodic jobs run once per structure, and management commands take --structure (or the
only structure)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import ScopeError

from mlhg_app.celery import app as celery_app
from mlhg_app.models import Structure
from mlhg_app.structures import every_structure, structure_scope
from mlhg_app.tasks import for_each_structure
from tests import structure_worker
from tests.factories import AMIFactory, PendingJobFactory, StructureFactory


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


@pytest.mark.outside_scopes
def test_a_task_queued_outside_any_scope_refuses_scoped_reads_loudly(db, structure, caplog):
    with structure_scope(structure):
        AMIFactory(reference="ami-mlhg")
    with structure_scope(StructureFactory(slug="beta")):
        AMIFactory(reference="ami-beta")
        assert structure_worker.scoped_ami_references.delay().get() == ["ami-beta"]
    with pytest.raises(ScopeError):
        structure_worker.scoped_ami_references.delay()
    assert "tests.scoped_ami_references[" in caplog.text
    assert "read scoped data without a structure (queued outside any scope; kwargs={}): refused" in caplog.text


def test_a_job_kept_while_redis_was_down_runs_in_its_own_structure(db, structure):
    from mlhg_app.jobs import requeue_pending

    with structure_scope(StructureFactory(slug="beta")):
        PendingJobFactory(task="tests.current_scope", kwargs={})
    PendingJobFactory(task="tests.current_scope", kwargs={}, structure=structure)
    with every_structure():  # queued from a scope that is neither's: each job carries its own
        assert requeue_pending() == 2
    assert sorted(slug for slug, _setting in structure_worker.SEEN) == ["beta", "mlhg"]
