"""The health check and the error page."""

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.generic import TemplateView

from mlhg_app.access import PublicView
from mlhg_app.celery import app as celery_app

logger = logging.getLogger(__name__)


class HealthView(PublicView, TemplateView):
    """`/healthz/`: JSON with the state of the database, the broker and, when shared, the cache and the file
    storage; 503 naming what is down."""

    def get(self, request, *args, **kwargs):
        status = {}
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            status["database"] = "ok"
        except Exception as exc:  # any failure of the database is reported, never raised
            logger.error("healthz: database down: %r", exc)
            status["database"] = "indisponible"
        if celery_app.conf.task_always_eager:
            status["broker"] = "eager"
        else:
            try:
                with celery_app.connection_for_write() as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
                status["broker"] = "ok"
            except Exception as exc:
                logger.error("healthz: broker down: %r", exc)
                status["broker"] = "indisponible"
        status.update(_shared_parts())
        ok = all(value in {"ok", "eager"} for value in status.values())
        return JsonResponse(status, status=200 if ok else 503)


def _shared_parts() -> dict[str, str]:
    """The parts several servers share, when configured (README « Plusieurs serveurs »): the Redis cache
    (CACHE_URL) and the S3 bucket (S3_BUCKET). A server that cannot reach one must leave the load balancer."""
    status = {}
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        try:
            cache.get("healthz")
            status["cache"] = "ok"
        except Exception as exc:  # Redis refused or gone: reported, never raised
            logger.error("healthz: cache down: %r", exc)
            status["cache"] = "indisponible"
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        try:
            storage.exists("healthz")  # one signed request: the bucket answers and takes our keys
            status["stockage"] = "ok"
        except Exception as exc:  # unreachable, keys refused, no such bucket
            logger.error("healthz: storage down: %r", exc)
            status["stockage"] = "indisponible"
    return status


# What the database raises when it does not answer (refused, gone, file unreadable), as
# opposed to a bug in a query (ProgrammingError, IntegrityError…), which stays a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """`handler500`: the French error page, or the 503 page when the database does not answer.

    Django calls it for any exception left unhandled, in a view, a template or a middleware
    (the session saved on every request), with the exception still current; the traceback
    goes to the log (`django.request`), never to the user. The pages are rendered without
    a request context: no context processor may query the database that is down.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "120"})
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """`CSRF_FAILURE_VIEW`: a form sent without its token (expired page, cookies refused) gets the French
    page in the house layout (with the request, unlike Django's own view: the menu and the CSP nonce)."""
    return render(request, "403_csrf.html", status=403)
