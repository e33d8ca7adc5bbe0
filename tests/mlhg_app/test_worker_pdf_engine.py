"""A Celery worker's child loads the PDF engine when it starts and is replaced when it grows too big."""

import json

from tests.processes import run

CHILD_START = """
import json, sys
from celery.signals import worker_process_init
from mlhg_app.celery import app
before = "weasyprint" in sys.modules
worker_process_init.send(sender=None)  # what the prefork pool sends in each new child
print(json.dumps({"before": before, "after": "weasyprint" in sys.modules,
                  "memory": app.conf.worker_max_memory_per_child, "tasks": app.conf.worker_max_tasks_per_child}))
"""


def child_start(**env) -> dict:
    result = run(["-c", CHILD_START], DJANGO_SETTINGS_MODULE="mlhg_app.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_child_imports_weasyprint_at_start_and_its_memory_is_bounded():
    assert child_start() == {"before": False, "after": True, "memory": 500_000, "tasks": 200}


def test_the_bounds_are_set_from_the_environment():
    bounds = child_start(CELERY_WORKER_MAX_MEMORY_PER_CHILD="300000", CELERY_WORKER_MAX_TASKS_PER_CHILD="50")
    assert (bounds["memory"], bounds["tasks"]) == (300_000, 50)
