"""Queueing jobs from pages and services: one helper, `enqueue`, that never raises to the user.

Services queue their tasks after commit (`transaction.on_commit(lambda: enqueue(task, id=…))`). When Redis
does not answer, the job is kept in `PendingJob` and the error logged; `requeue_pending_jobs` (Celery beat,
every 5 minutes) queues it again once the broker is back. Tasks are safe to run twice, so a job queued
twice does its work once. `JobsDelayedMiddleware` tells the user, in French, that the work is recorded
and will be done later.
"""

import contextvars
import logging

from celery.exceptions import CeleryError
from django.contrib import messages
from kombu.exceptions import KombuError, OperationalError
from redis.exceptions import RedisError

from mlhg_app.celery import STRUCTURE_HEADER, app
from mlhg_app.models import PendingJob

logger = logging.getLogger(__name__)

DELAYED_MESSAGE = (
    "La tâche est enregistrée mais sera traitée plus tard : le service des tâches ne répond pas pour l'instant."
)
# What publishing may raise when the broker is down or unreachable.
BROKER_ERRORS = (OperationalError, KombuError, RedisError, CeleryError, ConnectionError, TimeoutError, OSError)

_delayed: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("mlhg_jobs_delayed", default=None)


def enqueue(task, **kwargs) -> bool:
    """Queue ``task`` with keyword arguments; True when Redis took it.

    Side effects when the broker fails: a `PendingJob` row (queued again later), a log line, and the
    current request marked so that its page says the job will run later. Never raises a broker error.
    """
    try:
        # No page reads a job's result (the job writes its outcome in the database): with a result, a down
        # Redis would first be retried for ~20 s by the result backend, then break it for the process.
        task.apply_async(kwargs=kwargs, ignore_result=True)
    except BROKER_ERRORS as exc:
        logger.error("job %s %s not queued (broker unreachable: %r); kept for later", task.name, kwargs, exc)
        PendingJob.objects.create(task=task.name, kwargs=kwargs, last_error=repr(exc)[:255])
        delayed = _delayed.get()
        if delayed is not None:
            delayed.append(task.name)
        return False
    return True


def delayed_in_request() -> bool:
    """Whether a job of the current request could not be handed to the broker."""
    return bool(_delayed.get())


def requeue_pending(limit: int = 500) -> int:
    """Queue the kept jobs again, oldest first; each one handed to the broker is deleted. Returns how many."""
    done = 0
    for job in PendingJob.objects.select_related("structure").order_by("created_at")[:limit]:
        task = app.tasks.get(job.task)
        if task is None:
            logger.error("pending job %s: unknown task %s, dropped", job.pk, job.task)
            job.delete()
            continue
        try:
            # The job runs in the structure it was kept for, whatever the scope of this requeueing.
            task.apply_async(kwargs=job.kwargs, ignore_result=True, headers={STRUCTURE_HEADER: job.structure.slug})
        except BROKER_ERRORS as exc:
            PendingJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 1, last_error=repr(exc)[:255])
            logger.warning("pending jobs: broker still unreachable (%r)", exc)
            break
        job.delete()
        done += 1
    if done:
        logger.info("pending jobs: %s queued again", done)
    return done


class JobsDelayedMiddleware:
    """Adds the French « sera traitée plus tard » message to a page whose jobs could not be queued.

    Placed after MessageMiddleware, so that the message is stored with the response (shown on the page a
    redirect leads to, or on the next one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _delayed.set([])
        try:
            response = self.get_response(request)
            if _delayed.get() and hasattr(request, "_messages"):
                messages.warning(request, DELAYED_MESSAGE)
        finally:
            _delayed.reset(token)
        return response
