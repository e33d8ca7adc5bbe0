"""Real Celery workers of the project for the tests (tests/mlhg_app/test_celery_worker.py,
tests/mlhg_app/test_row_level_security.py): each on its own queue, in its own process group, logging to a file."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.real_services import database_url

ROOT = Path(__file__).resolve().parents[1]


def start_worker(
    settings, queue: str, mail_dir: Path, log_path: Path, *, app_module: str = "mlhg_app", **extra_env
) -> subprocess.Popen:
    """A real Celery worker (2 processes) of `app_module`'s Celery app on its own queue, in its own process
    group, logging to a file."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
        **{key: str(value) for key, value in extra_env.items()},
    }
    node = f"{queue}-{uuid.uuid4().hex[:4]}@localhost"
    log = open(log_path, "a")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app_module, "worker", "-Q", queue, "-n", node, "-c", "2",
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    process.node, process.log = node, log
    from mlhg_app.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[node], timeout=1):
            return process
        assert process.poll() is None, log_path.read_text()
    pytest.fail("le worker Celery n'a pas démarré en 60 secondes")


def stop_worker(process: subprocess.Popen, *, kill: bool = False):
    """Stop a worker: warm shutdown, or SIGKILL to its whole process group (the main process and its pool)."""
    if process.poll() is None:
        if kill:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
    process.log.close()
