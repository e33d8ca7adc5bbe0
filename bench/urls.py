"""The application's URLs and /bench/ok/: the floor of a request through the whole middleware (the session
and the user loaded when logged in), nothing of ours after it. Only the bench's server has it."""

from django.http import HttpResponse
from django.urls import path

from mlhg_app.urls import handler500
from mlhg_app.urls import urlpatterns as application

__all__ = ["handler500", "urlpatterns"]


def ok(request):
    return HttpResponse("ok" if request.user.is_authenticated else "ok, anonyme", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), *application]
