"""Slow exports as jobs that store a file (CONVENTIONS: « Slow exports are tasks that store a file »).

An app registers a kind in its AppConfig.ready:

    exports.register("ami.rapport", render, label="Rapport d'analyse (PDF)")

where `render(object_id, user) -> (File or bytes, filename, content_type)` builds the file for the user who
asked (what they may read, checked again when the job runs: it may have been queued earlier); it raises
PermissionDenied with a French message to refuse, and the export's page shows that message. A page calls
`export_request(kind=…, object_id=…, user=…)`: a `StoredExport` row, then the job `run_export` after
commit (`mlhg_app.jobs.enqueue`: never raises when Redis is down; the task sits here, beside the function
it calls). The export's page polls its status (static/js/export-status.js) and links the file once ready. Only the person who asked reads an export;
the view that queues it checks the kind's permission. `export_run` is safe to run twice.
(The bilan's PDF kinds, bilans/services/export.py, have their own pages: a remitted version's export is
readable by every reader of the bilan, `bilans.view_export`.)
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from mlhg_app import retention
from mlhg_app.jobs import enqueue
from mlhg_app.models import StoredExport
from mlhg_app.todo import Item

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    render: Callable
    label: str


_kinds: dict[str, Kind] = {}


def register(name: str, render: Callable, *, label: str) -> None:
    _kinds[name] = Kind(name=name, render=render, label=label)


def label(kind: str) -> str:
    return _kinds[kind].label if kind in _kinds else kind


# The home page lists the exports one asked for that are ready, for this many days after they were made.
READY_ON_HOME_DAYS = 7


def todo_exports_ready(user, now):
    """The home page's « À faire » (mlhg_app.todo): one's exports of the kinds registered here (not the bilan's,
    which have their own page) ready to download, made in the last days; the latest one linked. One query."""
    ready = list(
        StoredExport.objects.filter(
            demande_par=user,
            status=StoredExport.Status.PRET,
            kind__in=list(_kinds),
            termine_le__gte=now - datetime.timedelta(days=READY_ON_HOME_DAYS),
        )
        .order_by("-termine_le", "-pk")
        .values_list("pk", "kind")
    )
    if ready:
        pk, kind = ready[0]
        yield Item.counting(
            len(ready),
            "Export prêt à télécharger",
            "Exports prêts à télécharger",
            url=reverse("export", args=[pk]),
            detail=label(kind) if len(ready) == 1 else f"le dernier : {label(kind)}",
        )


def export_request(*, kind: str, object_id: int, user) -> StoredExport:
    if kind not in _kinds:
        raise ValueError(f"type d'export inconnu : {kind}")
    export = StoredExport.objects.create(kind=kind, object_id=object_id, demande_par=user)
    transaction.on_commit(lambda: enqueue(run_export, export_id=export.pk))
    return export


def status_payload(export, download_url: str) -> dict:
    """What static/js/export-status.js reads: the status, its French label, done, the file's link once ready.
    Shared by the export page here and the bilan's page."""
    done = export.status in (StoredExport.Status.PRET, StoredExport.Status.ECHEC)
    ready = export.status == StoredExport.Status.PRET and bool(export.fichier)
    return {
        "status": export.status,
        "label": export.get_status_display(),
        "done": done,
        "url": download_url if ready else "",
        "erreur": export.erreur,
    }


def export_get(user, pk) -> StoredExport:
    """The user's own export, else 404."""
    export = StoredExport.objects.filter(pk=pk, demande_par=user).first()
    if export is None:
        raise Http404("Export introuvable")
    return export


def export_run(*, export_id: int) -> str:
    """Render and store one export; a ready export is left as it is. The status says what happened."""
    export = StoredExport.objects.filter(pk=export_id).first()
    if export is None:
        return "absent"
    if export.status == StoredExport.Status.PRET and export.fichier:
        return export.status
    StoredExport.objects.filter(pk=export.pk).update(status=StoredExport.Status.EN_COURS)
    try:
        content, filename, content_type = _kinds[export.kind].render(export.object_id, export.demande_par)
    except PermissionDenied as refusal:
        StoredExport.objects.filter(pk=export.pk).update(
            status=StoredExport.Status.ECHEC, erreur=str(refusal), termine_le=timezone.now()
        )
        return StoredExport.Status.ECHEC
    except Exception as exc:  # the status tells the user; the task logs it
        StoredExport.objects.filter(pk=export.pk).update(
            status=StoredExport.Status.ECHEC,
            erreur=f"L'export a échoué ({type(exc).__name__}).",
            termine_le=timezone.now(),
        )
        raise
    if isinstance(content, bytes):
        content = ContentFile(content)
    export.fichier.save(filename, content if isinstance(content, File) else File(content), save=False)
    export.filename, export.content_type = filename, content_type
    export.status, export.termine_le, export.erreur = StoredExport.Status.PRET, timezone.now(), ""
    export.save(update_fields=["fichier", "filename", "content_type", "status", "termine_le", "erreur"])
    return export.status


# The name queued jobs carry (Redis, PendingJob): kept from when the task lived in mlhg_app/tasks.py.
@shared_task(name="mlhg_app.tasks.run_export", acks_late=True)
def run_export(*, export_id: int) -> str:
    """A slow export (report, archive) rendered into its stored file; safe to run twice."""
    return export_run(export_id=export_id)


# -- retention: an export is a copy made for one download ------------------------------------------


def register_retention() -> None:
    """An export is a copy made for one download: deleted (with its file) RETENTION_EXPORT_DAYS after it was asked."""
    retention.register_short_lived(
        "mlhg_app.exports", StoredExport, "demande_le", kind="exports", what="exports (rapports, archives, bilans)"
    )
