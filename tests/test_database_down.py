"""Issue 9: with the database down, a user reads a French 503 page, never a traceback.

The server runs in its own process with DEBUG off, against a PostgreSQL address where
nothing listens (port 1): the connection is really refused, nothing is mocked.
"""

import json
import sys
import types

from django.test import Client
from django.urls import path

from tests.processes import STRONG_KEY, run

CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/absente"

REQUESTS_SCRIPT = """
import django, json
django.setup()
from django.test import Client

answers = {}
visitor = Client(raise_request_exception=False)
answers["liste des AMI"] = visitor.get("/ami/")
answers["connexion"] = visitor.post("/connexion/", {"username": "a@exemple.fr", "password": "un-mot-de-passe"})
logged_in = Client(raise_request_exception=False)
logged_in.cookies["sessionid"] = "s" * 32  # a session to load: the very first query of any page
answers["accueil connecté"] = logged_in.get("/")
answers["healthz"] = visitor.get("/healthz/")
print(json.dumps({
    name: {"status": r.status_code, "retry_after": r.get("Retry-After"), "body": r.content.decode()}
    for name, r in answers.items()
}))
"""

PAGE_503_TEXT = "Service momentanément indisponible"


def _answers(**env):
    result = run(["-c", REQUESTS_SCRIPT], DJANGO_SETTINGS_MODULE="mlhg_app.settings", ALLOWED_HOSTS="testserver", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_down_shows_the_french_503_page_and_healthz_names_the_database():
    answers = _answers(DEBUG="0", SECRET_KEY=STRONG_KEY, DATABASE_URL=CLOSED_DATABASE, REDIS_URL="")

    for name in ["liste des AMI", "connexion", "accueil connecté"]:
        answer = answers[name]
        assert (answer["status"], answer["retry_after"]) == (503, "120"), name
        assert f"<h1>{PAGE_503_TEXT}</h1>" in answer["body"], name
        assert "votre saisie y est encore" in answer["body"], name
        assert "Traceback" not in answer["body"] and "OperationalError" not in answer["body"], name
    assert answers["healthz"]["status"] == 503
    assert json.loads(answers["healthz"]["body"]) == {"database": "indisponible", "broker": "eager"}


def test_any_other_error_stays_the_french_500_page(settings):
    """Only a database that does not answer is a 503: a bug is the 500 page, in French, without a traceback."""

    def broken(request):
        raise ValueError("un bogue")

    module = types.ModuleType("tests_broken_urls")
    module.urlpatterns = [path("casse/", broken)]
    module.handler500 = "mlhg_app.views.health.server_error"
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    try:
        response = Client(raise_request_exception=False).get("/casse/")
    finally:
        del sys.modules[module.__name__]
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Une erreur est survenue</h1>" in body
    assert "Traceback" not in body and "un bogue" not in body
