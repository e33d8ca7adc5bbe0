"""The Celery application: Redis when REDIS_URL is set, eager in-process otherwise.

Periodic jobs are declared here, in one place (`app.conf.beat_schedule`); each
is a scheduler task that fans out one task per object.
"""

import logging
import os

from celery import Celery, Task
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlhg_app.settings")

logger = logging.getLogger(__name__)


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

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("task %s[%s] failed: %r (kwargs=%s)", self.name, task_id, exc, kwargs)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        logger.warning("task %s[%s] retried after %r", self.name, task_id, exc)


app = Celery("mlhg_app", task_cls=MLHGTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (Celery beat), in one place. Each fans out one task per object.
app.conf.beat_schedule = {
    "ami-remind-draft-dossiers": {
        "task": "ami.tasks.remind_draft_dossiers",
        "schedule": crontab(hour=9, minute=0),
    },
    "ami-close-past-deadline": {
        "task": "ami.tasks.close_past_deadline_amis",
        "schedule": crontab(minute="*"),
    },
    "ami-remind-evaluators": {
        "task": "ami.tasks.remind_evaluators",
        "schedule": crontab(hour=9, minute=5),
    },
    "seances-remind": {
        "task": "seances.tasks.remind_seances",
        "schedule": crontab(hour=8, minute=0),
    },
    "seances-remind-comptes-rendus": {
        "task": "seances.tasks.remind_comptes_rendus",
        "schedule": crontab(hour=8, minute=30),
    },
    "bilans-remind": {
        "task": "bilans.tasks.remind_bilans",
        "schedule": crontab(hour=9, minute=10),
    },
    # Jobs a page could not queue while Redis was down (mlhg_app/jobs.py).
    "mlhg-requeue-pending-jobs": {
        "task": "mlhg_app.tasks.requeue_pending_jobs",
        "schedule": crontab(minute="*/5"),
    },
    # RGPD: what is past its retention period (mlhg_app/retention.py), at night.
    "mlhg-purge-expired": {
        "task": "mlhg_app.tasks.purge_expired",
        "schedule": crontab(hour=3, minute=15),
    },
}
