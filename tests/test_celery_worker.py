"""A real Celery worker on Redis: a task round trip, and 'sent once' under two deliveries."""

import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from mlhg_app.models import OutgoingMessage
from mlhg_app.tasks import ping, send_welcome
from tests.factories import UserFactory
from tests.real_services import require_postgresql, require_redis

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, _celery_eager, settings, tmp_path):
    require_redis()
    require_postgresql()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    node = f"{queue}@localhost"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mlhg_app",
            "worker",
            "-Q",
            queue,
            "-n",
            node,
            "-c",
            "2",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = _celery_eager
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[node], timeout=1):
                break
            assert process.poll() is None, process.stdout.read()
        else:
            pytest.fail("le worker Celery n'a pas démarré en 60 secondes")
        yield {"queue": queue, "mail_dir": mail_dir}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_task_round_trip_through_redis(worker):
    result = ping.apply_async(queue=worker["queue"])
    assert result.get(timeout=30) == "pong"


def test_two_deliveries_of_the_same_reminder_send_one_email(worker):
    user = UserFactory(email="deux.livraisons@exemple.fr", role="intervenant", antenne=None)
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


def test_the_bilan_pdf_export_runs_on_the_worker(worker, users):
    """The export job leaves the web process: the worker renders the PDF into the shared media folder."""
    from bilans import services, tasks
    from bilans.models import ExportPdf
    from tests.seances_world import build_programme

    programme = build_programme(users)
    bilan = services.bilan_open(programme=programme, user=users["prestataire"])
    services.bilan_write(
        bilan=bilan,
        user=users["prestataire"],
        texts={"thematiques": "Charge.", "attention": "A.", "preconisations": "P."},
    )
    services.bilan_remettre(bilan=bilan, user=users["prestataire"])
    export = ExportPdf.objects.create(bilan=bilan, version=bilan.versions.get(), demande_par=users["responsable"])
    result = tasks.export_pdf.apply_async(kwargs={"export_id": export.pk}, queue=worker["queue"])
    assert result.get(timeout=120) == "pret"
    export.refresh_from_db()
    assert export.status == "pret" and export.fichier.read().startswith(b"%PDF")
