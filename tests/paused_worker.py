"""The Celery application of the worker that tests/mlhg_app/test_celery_worker.py kills in the middle of its PDF jobs.

`celery -A tests.paused_worker worker`: the application's Celery app, where every PDF, once WeasyPrint has
rendered it, waits (« job paused for tests » in the log) before its job stores or sends it, so that the test
can kill the worker between rendering and storing. Nothing of this is in the application's code.
"""

import logging
import time

from celery.signals import worker_process_init
from weasyprint import HTML

from mlhg_app.celery import app, load_pdf_engine

__all__ = ["app"]

PAUSE_SECONDS = 120  # longer than the test waits: the worker is killed during the pause
logger = logging.getLogger(__name__)
_write_pdf = HTML.write_pdf


def _write_pdf_then_pause(self, *args, **kwargs):
    pdf = _write_pdf(self, *args, **kwargs)
    logger.warning("job paused for tests: a PDF of %s bytes rendered, not stored yet", len(pdf))
    time.sleep(PAUSE_SECONDS)
    return pdf


HTML.write_pdf = _write_pdf_then_pause
# The children's warm-up page (mlhg_app.pdf.warm_up) is not a job's PDF: it must not pause nor count.
worker_process_init.disconnect(load_pdf_engine)
