"""The Celery application: Redis when REDIS_URL is set, eager in-process otherwise.

Periodic jobs are declared here, in one place (`app.conf.beat_schedule`); each
is a scheduler task that fans out one task per object, and beat starts it once per
structure (`mlhg_app.tasks.for_each_structure`).

Every task runs in the structure it was queued in (issue 19): publishing adds the
current scope to the message (the header `mlhg_structure`: the structure's slug, or
`*` inside `every_structure()`), and the worker runs the task inside that scope
(`MLHGTask.__call__`). A task queued outside any scope runs outside any: its reads
of scoped data raise `ScopeError` (logged as such), and the database shows it no row.
"""

import logging
import os

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import before_task_publish, worker_process_init
from django_scopes import ScopeError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlhg_app.settings")

logger = logging.getLogger(__name__)

# The message header that carries the structure a task runs in (its slug, or "*").
STRUCTURE_HEADER = "mlhg_structure"


class MLHGTask(Task):
    """Shared behaviour of every task: retries with backoff, acknowledged late, and logging.

    Tasks take ids as keyword arguments, load the object, return quietly if it
    is gone, and call a service; they are safe to run twice. A job is
    acknowledged once done (`acks_late`): if its worker dies, Redis gives it to
    another worker after the visibility timeout (settings), and it runs again.
    """

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (ConnectionError, TimeoutError, OSError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args, **kwargs):
        carried = self.request.get(STRUCTURE_HEADER) or (self.request.headers or {}).get(STRUCTURE_HEADER)
        # late: this module loads before Django's apps are ready, the structures' module needs them
        from mlhg_app.structures import scope_named

        try:
            if carried is None:  # eager, in the caller's scope; or queued outside any scope: none
                return super().__call__(*args, **kwargs)
            with scope_named(carried) as structure:
                if structure is None:
                    logger.error("task %s[%s]: structure « %s » unknown, not run", self.name, self.request.id, carried)
                    return None
                return super().__call__(*args, **kwargs)
        except ScopeError:
            logger.error(
                "task %s[%s] read scoped data without a structure (queued outside any scope; kwargs=%s): refused",
                self.name, self.request.id, kwargs,
            )  # fmt: skip
            raise

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("task %s[%s] failed: %r (kwargs=%s)", self.name, task_id, exc, kwargs)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        logger.warning("task %s[%s] retried after %r", self.name, task_id, exc)


app = Celery("mlhg_app", task_cls=MLHGTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (Celery beat), in one place: (name, task, when). Each fans out one task per object.
PERIODIC = [
    ("ami-remind-draft-dossiers", "ami.tasks.remind_draft_dossiers", {"hour": 9, "minute": 0}),
    ("ami-close-past-deadline", "ami.tasks.close_past_deadline_amis", {"minute": "*"}),
    ("ami-remind-evaluators", "ami.tasks.remind_evaluators", {"hour": 9, "minute": 5}),
    ("seances-remind", "seances.tasks.remind_seances", {"hour": 8, "minute": 0}),
    ("seances-remind-comptes-rendus", "seances.tasks.remind_comptes_rendus", {"hour": 8, "minute": 30}),
    ("bilans-remind", "bilans.tasks.remind_bilans", {"hour": 9, "minute": 10}),
    # Jobs a page could not queue while Redis was down (mlhg_app/jobs.py).
    ("mlhg-requeue-pending-jobs", "mlhg_app.tasks.requeue_pending_jobs", {"minute": "*/5"}),
    # RGPD: what is past its retention period (mlhg_app/retention.py), at night.
    ("mlhg-purge-expired", "mlhg_app.tasks.purge_expired", {"hour": 3, "minute": 15}),
]
# Beat starts each one once per structure: `for_each_structure` queues it in every structure's scope.
FAN_OUT = "mlhg_app.tasks.for_each_structure"
app.conf.beat_schedule = {
    name: {"task": FAN_OUT, "kwargs": {"task": task}, "schedule": crontab(**when)} for name, task, when in PERIODIC
}


@before_task_publish.connect(dispatch_uid="mlhg_structure_header")
def carry_the_structure(headers=None, **_kwargs):
    """Every published task carries the scope it was queued in (unless it names one already)."""
    # late: this module loads before Django's apps are ready, the structures' module needs them
    from mlhg_app.structures import scope_header

    if headers is not None and STRUCTURE_HEADER not in headers:
        value = scope_header()
        if value is not None:
            headers[STRUCTURE_HEADER] = value


# The worker's memory, bounded: a child process is replaced once it has done this many tasks, or after a
# task that left it above this resident size (KiB; a 300-dossier rapport d'analyse peaks near 400 MB,
# `make bench` reports it). The next task starts in a fresh child with the PDF engine loaded (below).
app.conf.worker_max_tasks_per_child = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "200"))
app.conf.worker_max_memory_per_child = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "500000"))


@worker_process_init.connect
def load_pdf_engine(**_kwargs):
    """Each worker child imports WeasyPrint and lays out one page when it starts (about a second), so no
    job pays it: the PDFs (relevés, letters, conventions, exports) are made in the worker."""
    from mlhg_app.pdf import warm_up  # late: this module loads before Django's apps are ready

    warm_up()
