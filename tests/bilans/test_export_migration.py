"""The migration that folds bilans.ExportPdf into mlhg_app.StoredExport keeps every export, its file and
its kept job, and can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bilans.models import EXPORT_DRAFT, EXPORT_VERSION
from bilans.services.opening import bilan_open
from mlhg_app.models import PendingJob, StoredExport
from tests.factories import BilanVersionFactory
from tests.seances_world import build_programme

# mlhg_app 0007 (the structure of stored exports and pending jobs, issue 19) comes after bilans 0004: undone
# with it, applied again after it (it puts the moved rows in the structure `mlhg`).
BEFORE = [("bilans", "0002_bilanversion_empreintes")]
AFTER = [("bilans", "0004_exportpdf_delete"), ("mlhg_app", "0007_structure")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def every_migration_back():
    """The later migrations (bilans 0005 and beyond, and what depends on them) applied again after the test:
    the next tests of this database expect its latest schema (an AvisPublication table missing broke them)."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_bilan_exports_move_to_stored_exports_and_back(users):
    bilan = bilan_open(programme=build_programme(users), user=users["prestataire"])
    version = BilanVersionFactory(
        bilan=bilan, numero=2, thematiques="T", attention="A", preconisations="P", remis_par=users["prestataire"]
    )
    old_apps = migrate(BEFORE)
    ExportPdf = old_apps.get_model("bilans", "ExportPdf")
    ExportPdf.objects.create(
        bilan_id=bilan.pk, version_id=version.pk, status="pret", fichier="bilans/exports/v2.pdf",
        demande_par_id=users["responsable"].pk,
    )  # fmt: skip
    draft = ExportPdf.objects.create(bilan_id=bilan.pk, demande_par_id=users["prestataire"].pk)
    # the pending jobs as they are before their structure (mlhg_app 0006)
    pending_state = MigrationExecutor(connection).loader.project_state([("mlhg_app", "0006_structure")])
    OldPendingJob = pending_state.apps.get_model("mlhg_app", "PendingJob")
    OldPendingJob.objects.create(task="bilans.tasks.export_pdf", kwargs={"export_id": draft.pk})
    OldPendingJob.objects.create(task="bilans.tasks.export_pdf", kwargs={"export_id": 999999})  # its export is gone

    migrate(AFTER)
    rows = list(StoredExport.objects.order_by("pk").values_list("kind", "object_id", "status", "fichier", "filename"))
    assert rows == [
        (EXPORT_VERSION, version.pk, "pret", "bilans/exports/v2.pdf", "bilan-app-2026-v2.pdf"),
        (EXPORT_DRAFT, bilan.pk, "en_attente", "", "bilan-app-2026-brouillon.pdf"),
    ]
    moved = StoredExport.objects.get(kind=EXPORT_DRAFT)
    assert moved.demande_par == users["prestataire"] and moved.content_type == "application/pdf"
    assert list(PendingJob.objects.values_list("task", "kwargs")) == [
        ("mlhg_app.tasks.run_export", {"export_id": moved.pk})
    ]

    old_apps = migrate(BEFORE)
    ExportPdf = old_apps.get_model("bilans", "ExportPdf")
    assert list(ExportPdf.objects.order_by("pk").values_list("version_id", "status", "fichier")) == [
        (version.pk, "pret", "bilans/exports/v2.pdf"),
        (None, "en_attente", ""),
    ]
    assert StoredExport.objects.count() == 0
    draft = ExportPdf.objects.get(version_id=None)
    assert list(PendingJob.objects.values_list("task", "kwargs")) == [
        ("bilans.tasks.export_pdf", {"export_id": draft.pk})
    ]
    migrate(AFTER)
