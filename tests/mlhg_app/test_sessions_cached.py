"""Issue 18: with a cache shared by the workers (CACHE_URL), sessions are read through it: a logged-in request
costs no session query; without one, they stay in the database (a per-process cache would keep a closed
session alive in the other workers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.processes import run
from tests.web import login

ENGINE = "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mlhg_app.settings'); import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"


def test_the_session_engine_follows_the_shared_cache():
    with_cache = run(["-c", ENGINE], CACHE_URL="redis://127.0.0.1:6379/13")
    without = run(["-c", ENGINE], CACHE_URL="")
    assert with_cache.stdout.strip() == "django.contrib.sessions.backends.cached_db", with_cache.stderr
    assert without.stdout.strip() == "django.contrib.sessions.backends.db", without.stderr


@pytest.mark.django_db
def test_a_logged_in_request_reads_its_session_from_the_cache_and_a_log_out_ends_it(settings, users):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = login(users["staff"])
    page = reverse("account")
    assert client.get(page).status_code == 200  # the session now in the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    client.post(reverse("logout"))
    assert client.get(page).status_code == 302  # back to the login page: the cached session went with it
