"""A real Celery worker on Redis: a task round trip, and 'sent once' under two deliveries."""

import email
import email.policy
import time
import uuid
from pathlib import Path

import pytest

from mlhg_app.models import OutgoingMessage
from mlhg_app.services.users import send_welcome
from mlhg_app.structures import structure_scope
from mlhg_app.tasks import ping
from tests.celery_workers import start_worker, stop_worker
from tests.factories import DossierVersionFactory, StoredExportFactory, UserFactory
from tests.real_services import require_postgresql, require_redis

# One xdist worker runs these tests one after the other (`make test` uses --dist loadgroup): the workers they
# start share the Redis database, where a worker started with a 5 s visibility timeout would give the running
# jobs of another test's worker again.
pytestmark = pytest.mark.xdist_group("real_celery_worker")


@pytest.fixture
def worker(transactional_db, _celery_eager, settings, tmp_path):
    require_redis()
    require_postgresql()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    app = _celery_eager
    app.conf.task_always_eager = False
    process = start_worker(settings, queue, mail_dir, tmp_path / "worker.log")
    try:
        yield {"queue": queue, "mail_dir": mail_dir}
    finally:
        stop_worker(process)


def test_task_round_trip_through_redis(worker):
    result = ping.apply_async(queue=worker["queue"])
    assert result.get(timeout=30) == "pong"


def test_two_deliveries_of_the_same_reminder_send_one_email(worker, structure):
    user = UserFactory(email="deux.livraisons@exemple.fr", role="intervenant", antenne=None)
    with structure_scope(structure):  # the jobs carry it to the worker
        first = send_welcome.apply_async(kwargs={"user_id": user.pk}, queue=worker["queue"])
        second = send_welcome.apply_async(kwargs={"user_id": user.pk}, queue=worker["queue"])

    assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [False, True]
    assert OutgoingMessage.objects.filter(kind="account.welcome", recipient=user.email).count() == 1
    files = list(worker["mail_dir"].glob("*.log"))
    assert len(files) == 1
    raw = files[0].read_text().split("\n" + "-" * 79)[0]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["To"] == "deux.livraisons@exemple.fr"
    assert message["Subject"].strip() == "Votre accès à la plateforme APP de la Mission Locale Haute-Garonne"


def test_the_bilan_pdf_export_runs_on_the_worker(worker, users, structure):
    """The export job leaves the web process: the worker renders the PDF into the shared media folder."""
    from bilans.models import EXPORT_VERSION
    from bilans.services.opening import bilan_open
    from bilans.services.writing import bilan_remettre, bilan_write
    from mlhg_app.tasks import run_export
    from tests.seances_world import build_programme

    programme = build_programme(users)
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    bilan_write(
        bilan=bilan,
        user=users["prestataire"],
        texts={"thematiques": "Charge.", "attention": "A.", "preconisations": "P."},
    )
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    export = StoredExportFactory(
        kind=EXPORT_VERSION, object_id=bilan.versions.get().pk, demande_par=users["responsable"]
    )
    with structure_scope(structure):  # the job carries it to the worker
        result = run_export.apply_async(kwargs={"export_id": export.pk}, queue=worker["queue"])
    assert result.get(timeout=120) == "pret"
    export.refresh_from_db()
    assert export.status == "pret" and export.fichier.read().startswith(b"%PDF")


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} : pas en {timeout} secondes")


def test_a_worker_killed_in_the_middle_of_pdf_jobs_leaves_one_pdf_and_one_email(
    transactional_db, _celery_eager, settings, tmp_path, users, structure
):
    """SIGKILL to a worker (and its pool) while it renders a bilan export and a dossier receipt, each paused
    between rendering and storing (tests/paused_worker.py); a new worker takes both jobs again (acks_late, visibility timeout) and
    the result is one PDF for the export and one email (with its PDF) for the receipt."""
    require_redis()
    require_postgresql()
    from django.utils import timezone

    from ami.serialisation import content_hash, dossier_content, dossier_queryset_for_content
    from ami.services.submission import send_receipt
    from bilans.models import EXPORT_DRAFT
    from bilans.services.opening import bilan_open
    from mlhg_app.models import StoredExport
    from mlhg_app.tasks import run_export
    from tests.dossiers import complete_dossier, member
    from tests.seances_world import build_programme

    programme = build_programme(users)
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    export = StoredExportFactory(kind=EXPORT_DRAFT, object_id=bilan.pk, demande_par=users["prestataire"])
    dossier = complete_dossier()
    candidate = member(dossier.prestataire, "tuee.en.route@exemple.fr")
    contenu = dossier_content(dossier_queryset_for_content().get(pk=dossier.pk))
    version = DossierVersionFactory(dossier=dossier, numero=1, submitted_at=timezone.now(),
                                    submitted_by=candidate, contenu=contenu, sha256=content_hash(contenu))  # fmt: skip

    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir, log_path = tmp_path / "mail", tmp_path / "worker.log"
    _celery_eager.conf.task_always_eager = False
    short = {"CELERY_VISIBILITY_TIMEOUT": 5}  # a dead worker's jobs come back after 5 s (2 h in production)
    first = start_worker(settings, queue, mail_dir, log_path, app_module="tests.paused_worker", **short)
    try:
        with structure_scope(structure):  # the jobs carry it to the worker
            run_export.apply_async(kwargs={"export_id": export.pk}, queue=queue)
            send_receipt.apply_async(kwargs={"version_id": version.pk}, queue=queue)
        wait_for(lambda: log_path.read_text().count("job paused for tests") == 2, 90, "les deux PDF rendus")
    finally:
        stop_worker(first, kill=True)

    export.refresh_from_db()
    exports_dir = Path(settings.MEDIA_ROOT) / "exports"
    assert export.status == StoredExport.Status.EN_COURS and not export.fichier
    assert not exports_dir.exists() or list(exports_dir.iterdir()) == []
    assert OutgoingMessage.objects.count() == 0 and not mail_dir.exists()

    # The new worker's own jobs must not come back while it renders them, even on a machine loaded by the
    # other tests (xdist): its timeout is longer than a PDF takes there.
    second = start_worker(settings, queue, mail_dir, log_path, CELERY_VISIBILITY_TIMEOUT=30)
    try:
        wait_for(
            lambda: (
                StoredExport.objects.get(pk=export.pk).status == StoredExport.Status.PRET
                and OutgoingMessage.objects.filter(kind="dossier.receipt").exists()
            ),
            90,
            "l'export et l'accusé de réception repris par le nouveau worker",
        )
        time.sleep(33)  # past another visibility timeout: nothing runs a third time
    finally:
        stop_worker(second)

    export.refresh_from_db()
    assert export.status == StoredExport.Status.PRET
    assert [p.name for p in exports_dir.iterdir()] == [Path(export.fichier.name).name]
    assert export.fichier.read().startswith(b"%PDF")
    assert list(OutgoingMessage.objects.values_list("kind", "recipient")) == [
        ("dossier.receipt", "tuee.en.route@exemple.fr")
    ]
    files = list(mail_dir.glob("*.log"))
    assert len(files) == 1
    raw = files[0].read_text().split("\n" + "-" * 79)[0]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["To"] == "tuee.en.route@exemple.fr"
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert attachments == [f"accuse-reception-{dossier.ami.reference}-v1.pdf"]
