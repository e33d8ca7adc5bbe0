"""The bilan's PDF exports move to mlhg_app.StoredExport (one stored-export model), rows and files kept.

A remitted version's export becomes a StoredExport of kind « bilans.version » (object_id: the version), a
draft's one of kind « bilans.brouillon » (object_id: the bilan); the stored file keeps its name. A job
kept while the broker was down (PendingJob « bilans.tasks.export_pdf ») becomes the same job of
mlhg_app.tasks.run_export for the new row. Reversible.
"""

from django.db import migrations

EXPORT_VERSION = "bilans.version"
EXPORT_DRAFT = "bilans.brouillon"
OLD_TASK = "bilans.tasks.export_pdf"
NEW_TASK = "mlhg_app.tasks.run_export"


def _filename(annee_debut, numero):
    suffix = f"-v{numero}" if numero else "-brouillon"
    return f"bilan-app-{annee_debut}{suffix}.pdf"


def _move_pending_jobs(PendingJob, old_task, new_task, ids, *, drop_others):
    for job in PendingJob.objects.filter(task=old_task):
        new_id = ids.get(job.kwargs.get("export_id"))
        if new_id is None:
            if drop_others:
                job.delete()  # its export is gone: nothing left to make
            continue
        job.task, job.kwargs = new_task, {"export_id": new_id}
        job.save(update_fields=["task", "kwargs"])


def forwards(apps, schema_editor):
    ExportPdf = apps.get_model("bilans", "ExportPdf")
    StoredExport = apps.get_model("mlhg_app", "StoredExport")
    PendingJob = apps.get_model("mlhg_app", "PendingJob")
    ids = {}
    for old in ExportPdf.objects.select_related("bilan__programme", "version").order_by("pk"):
        new = StoredExport.objects.create(
            kind=EXPORT_VERSION if old.version_id else EXPORT_DRAFT,
            object_id=old.version_id or old.bilan_id,
            status=old.status,
            fichier=old.fichier.name,
            filename=_filename(old.bilan.programme.annee_debut, old.version.numero if old.version_id else None),
            content_type="application/pdf",
            demande_par_id=old.demande_par_id,
            termine_le=old.termine_le,
            erreur=old.erreur,
        )
        StoredExport.objects.filter(pk=new.pk).update(demande_le=old.demande_le)  # auto_now_add set it to now
        ids[old.pk] = new.pk
    _move_pending_jobs(PendingJob, OLD_TASK, NEW_TASK, ids, drop_others=True)


def backwards(apps, schema_editor):
    ExportPdf = apps.get_model("bilans", "ExportPdf")
    BilanVersion = apps.get_model("bilans", "BilanVersion")
    StoredExport = apps.get_model("mlhg_app", "StoredExport")
    PendingJob = apps.get_model("mlhg_app", "PendingJob")
    ids = {}
    for new in StoredExport.objects.filter(kind__in=[EXPORT_VERSION, EXPORT_DRAFT]).order_by("pk"):
        if new.kind == EXPORT_VERSION:
            version = BilanVersion.objects.filter(pk=new.object_id).first()
            bilan_id, version_id = (version.bilan_id, version.pk) if version else (None, None)
        else:
            bilan_id, version_id = new.object_id, None
        if bilan_id is not None:
            old = ExportPdf.objects.create(
                bilan_id=bilan_id,
                version_id=version_id,
                status=new.status,
                fichier=new.fichier.name,
                demande_par_id=new.demande_par_id,
                termine_le=new.termine_le,
                erreur=new.erreur,
            )
            ExportPdf.objects.filter(pk=old.pk).update(demande_le=new.demande_le)
            ids[new.pk] = old.pk
        new.delete()
    _move_pending_jobs(PendingJob, NEW_TASK, OLD_TASK, ids, drop_others=False)  # other kinds' jobs stay


class Migration(migrations.Migration):
    dependencies = [
        ("bilans", "0002_bilanversion_empreintes"),
        ("mlhg_app", "0003_stored_export"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
