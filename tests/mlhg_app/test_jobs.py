"""Redis down: pages that queue jobs still answer, say the job will run later, and the job runs once it is back."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from bilans.models import EXPORT_DRAFT
from bilans.services.opening import bilan_open
from mlhg_app.jobs import DELAYED_MESSAGE
from mlhg_app.models import OutgoingMessage, PendingJob, StoredExport
from mlhg_app.tasks import requeue_pending_jobs
from seances.models import Seance
from tests.seances_world import build_programme
from tests.web import flash

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CLOSED_PORT = "redis://127.0.0.1:1/3"  # nothing listens on port 1: every connection is refused


def client_for(user):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def redis_down(_celery_eager):
    """The Celery app publishes to a closed Redis port (broker and results), as when Redis is down."""
    app = _celery_eager
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=CLOSED_PORT, result_backend=CLOSED_PORT, task_always_eager=False)
    forget_connections(app)
    yield app
    app.conf.update(saved)
    forget_connections(app)


def forget_connections(app):
    """Connections and producers made for the previous broker URL are dropped (they are cached)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.mark.django_db(transaction=True)
def test_bilan_export_with_redis_down_answers_and_runs_when_redis_is_back(users, redis_down):
    programme = build_programme(users)
    with time_machine.travel(datetime.datetime(2027, 6, 1, 10, 0, tzinfo=PARIS), tick=False):
        bilan = bilan_open(programme=programme, user=users["prestataire"])
        response = client_for(users["prestataire"]).post(reverse("bilans:export", kwargs={"pk": bilan.pk}))

    assert response.status_code == 302
    assert flash(response) == DELAYED_MESSAGE
    assert DELAYED_MESSAGE.startswith("La tâche est enregistrée mais sera traitée plus tard")
    export = StoredExport.objects.get(kind=EXPORT_DRAFT, object_id=bilan.pk)
    assert export.status == StoredExport.Status.EN_ATTENTE and not export.fichier  # nothing claims it ran
    assert list(PendingJob.objects.values_list("task", "kwargs")) == [
        ("mlhg_app.tasks.run_export", {"export_id": export.pk})
    ]

    # While Redis stays down, the periodic requeue keeps the job and says nothing to anyone.
    assert requeue_pending_jobs.run() == 0
    assert PendingJob.objects.get().attempts == 2

    # Redis is back (here: the eager mode of the tests): the requeue runs the export once.
    redis_down.conf.update(task_always_eager=True)
    assert requeue_pending_jobs.run() == 1
    export.refresh_from_db()
    assert export.status == StoredExport.Status.PRET and export.fichier.read().startswith(b"%PDF")
    assert PendingJob.objects.count() == 0
    assert requeue_pending_jobs.run() == 0


@pytest.mark.django_db(transaction=True)
def test_seance_validation_with_redis_down_answers_and_convokes_later(users, redis_down):
    programme = build_programme(users)
    seance = programme.seances.get()
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0, tzinfo=PARIS), tick=False):
        response = client_for(users["responsable"]).post(reverse("seances:seance_validate", args=[seance.pk]))

    assert response.status_code == 302
    assert flash(response) == f"Séance validée : {seance.groupe}.\n{DELAYED_MESSAGE}"
    seance.refresh_from_db()
    assert seance.status == Seance.Status.VALIDEE  # the validation is kept; the convocations wait
    assert mail.outbox == [] and OutgoingMessage.objects.count() == 0
    assert PendingJob.objects.get().task == "seances.tasks.convoke_seance"

    redis_down.conf.update(task_always_eager=True)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 5, tzinfo=PARIS), tick=False):
        assert requeue_pending_jobs.run() == 1
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE
    assert len(mail.outbox) == OutgoingMessage.objects.count() > 0
