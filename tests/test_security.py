"""Issue 9: security headers and cookies in production, the CSP everywhere, session expiry."""

import contextlib
import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD
from tests.processes import STRONG_KEY, run

POLICY = {
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def directives(header: str) -> set[str]:
    """The directives of a Content-Security-Policy header (django-csp does not keep their order)."""
    return {part.strip() for part in header.split(";")}


PRODUCTION_SCRIPT = """
import django, json
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the pages need
client = Client()
page = client.get("/connexion/", secure=True)
csrf = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "headers": {name: page.get(name) for name in [
        "Strict-Transport-Security", "Content-Security-Policy", "Content-Security-Policy-Report-Only",
        "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options", "Cross-Origin-Opener-Policy",
    ]},
    "csrf_cookie": {"secure": csrf["secure"], "httponly": csrf["httponly"], "samesite": csrf["samesite"]},
    "session_cookie": {
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
        "age": settings.SESSION_COOKIE_AGE,
        "save_every_request": settings.SESSION_SAVE_EVERY_REQUEST,
        "refresh_seconds": settings.SESSION_REFRESH_SECONDS,
    },
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "http_redirect": client.get("/connexion/").get("Location"),
}))
"""


def test_production_pages_carry_the_security_headers_and_cookie_flags(tmp_path):
    result = run(
        ["-c", PRODUCTION_SCRIPT],
        DJANGO_SETTINGS_MODULE="mlhg_app.settings",
        MLHG_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        SESSION_COOKIE_AGE="900",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    assert directives(answer["headers"].pop("Content-Security-Policy")) == POLICY
    assert answer["headers"] == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "Content-Security-Policy-Report-Only": None,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    assert answer["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert answer["session_cookie"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
        "age": 900,  # from the environment
        "save_every_request": False,  # pushed back at most every 5 minutes instead (SlidingSessionMiddleware)
        "refresh_seconds": 300,
    }
    assert (answer["conn_max_age"], answer["conn_health_checks"]) == (60, True)  # persistent connections
    assert answer["http_redirect"] == "https://testserver/connexion/"


@pytest.mark.django_db
def test_the_csp_is_enforced_in_development_too(client):
    response = client.get(reverse("login"))
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response


@contextlib.contextmanager
def half_hour_session(users, settings):
    """A prestataire logged in at 9:00 with sessions of 30 minutes: (its client, the clock)."""
    settings.SESSION_COOKIE_AGE = 30 * 60
    client = Client()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client.post(reverse("login"), {"username": users["prestataire"].email, "password": PASSWORD})
        yield client, clock


@pytest.mark.django_db
def test_a_session_ends_after_the_configured_inactivity_and_each_request_pushes_it_back(users, settings):
    account = reverse("account")
    with half_hour_session(users, settings) as (client, clock):
        assert client.get(account).status_code == 200

        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(account).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # 58 minutes after the login, 29 after the last page
        assert client.get(account).status_code == 200

        clock.shift(datetime.timedelta(minutes=31))  # 31 minutes without a request
        response = client.get(account)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={account}"


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(
        1 for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    )


@pytest.mark.django_db
def test_a_session_is_written_at_most_every_five_minutes_not_on_every_request(users, settings):
    account = reverse("account")
    with half_hour_session(users, settings) as (client, clock):
        clock.shift(datetime.timedelta(seconds=10))
        assert [session_writes(client, account) for _ in range(3)] == [0, 0, 0]
        clock.shift(datetime.timedelta(minutes=4))
        assert session_writes(client, account) == 0
        clock.shift(datetime.timedelta(minutes=1))  # 5 minutes after the login's write
        assert session_writes(client, account) == 1
        assert session_writes(client, account) == 0
        # 29 minutes later: still in, as the last write was 29 minutes ago (the expiry is the write's + 30 min)
        clock.shift(datetime.timedelta(minutes=29))
        assert session_writes(client, account) == 1
