"""Jobs of the foundation. Thin: each calls one function and is safe to run twice.

A task a service queues sits beside that service (pretix `services/`): `send_welcome` in
mlhg_app/services/users.py, `run_export` in mlhg_app/exports.py; they are imported here so that Celery's
autodiscovery (which reads `<app>.tasks`) registers them. This module imports what it calls, and
nothing imports it back.
"""

from celery import current_app, shared_task
from django.utils import timezone

from mlhg_app import jobs, retention
from mlhg_app.exports import run_export
from mlhg_app.models import Structure
from mlhg_app.services.users import send_welcome
from mlhg_app.structures import structure_scope

__all__ = ["for_each_structure", "ping", "purge_expired", "requeue_pending_jobs", "run_export", "send_welcome"]


@shared_task
def for_each_structure(*, task: str) -> int:
    """Beat's periodic jobs (mlhg_app/celery.py): `task` queued once in each structure's scope, which it
    carries to the worker; returns how many were queued."""
    queued = 0
    for structure in Structure.objects.order_by("slug"):
        with structure_scope(structure):
            queued += jobs.enqueue(current_app.tasks[task])
    return queued


@shared_task
def ping() -> str:
    """A round trip through the broker, for health checks and tests."""
    return "pong"


@shared_task
def purge_expired() -> dict:
    """RGPD: delete what is past its retention period (mlhg_app/retention.py); safe to run twice."""
    return retention.purge_expired(now=timezone.now())


@shared_task
def requeue_pending_jobs() -> int:
    """Every 5 minutes: queue again the jobs a page could not hand to Redis (mlhg_app/jobs.py)."""
    return jobs.requeue_pending()
