import os

import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scopes_disabled
from hypothesis import settings as hypothesis_settings

from mlhg_app.models import Antenne, User
from tests.committee import build_committee, rank
from tests.factories import ROLES, UserFactory

# Fuzzed tests (hypothesis): bounded for CI, no example database, the same examples on every CI run.
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, database=None, derandomize=True)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None, database=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev")
)


@pytest.fixture(autouse=True)
def _email_in_memory(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://app.test"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests travel in time over months with one login: sessions outlive them (test_security checks expiry).
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def _empty_cache():
    """The throttling counters (mlhg_app/throttle.py) start at zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def structure(request):
    """Every test that uses the database has one structure, MLHG's (`mlhg`, the embedded default), made
    before its other fixtures; a test that needs a second one makes it (tests/structures.py)."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & DB_FIXTURES:
        return None
    transactional = (
        "transactional_db" in names or "live_server" in names or bool(marker and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from mlhg_app.reference import mlhg_structure

    return mlhg_structure()


@pytest.fixture(autouse=True)
def _scopes_disabled_outside_requests(request):
    """Test bodies and fixtures build and read data of any structure (django-scopes disabled); a request
    made through the test client still runs in its structure's scope (mlhg_app.routing). A test marked
    `outside_scopes` runs without this: a scoped query there raises ScopeError, as in a bare process."""
    if request.node.get_closest_marker("outside_scopes"):
        yield
        return
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process in tests; the worker test opts out explicitly."""
    from mlhg_app.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def reference(db):
    """The seed's reference data: 8 places and the AMI 2026."""
    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    return Antenne.objects.all()


@pytest.fixture
def users(reference):
    """One active user per role, keyed by role."""
    site = Antenne.objects.get(code="muretain")
    out = {}
    for role in ROLES:
        out[role] = UserFactory(
            email=f"{role}@exemple.fr",
            role=role,
            antenne=site if role == User.Role.CONSEILLER else None,
            is_staff=role == User.Role.STAFF,
        )
    return out


@pytest.fixture
def client_for(client, users):
    """A logged-in test client for a role (or anonymous for None)."""

    def make(role):
        from django.test import Client

        from tests.web import login

        return login(users[role]) if role is not None else Client()

    return make


# -- shared worlds (tests/committee.py) ----------------------------------------------------


@pytest.fixture
def committee(reference):
    """The AMI 2026 committee: 4 submitted dossiers, 3 evaluators (tests.committee.build_committee)."""
    return build_committee()


@pytest.fixture
def ranked(committee):
    """The committee's dossiers judged: B first (80.00), A second (77.44), C third (72.29), D irrecevable."""
    return rank(committee)


@pytest.fixture
def demo_programme(settings, db):
    """The whole demo (`load_demo`, about 25 s), and its programme 2026-2027."""
    from io import StringIO

    from seances.models import Programme

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return Programme.objects.get(annee_debut=2026)


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (oidc-provider-mock) in a thread on a free port: its issuer URL.
    Its users are set per test with `tests.web.put_provider_user` (single sign-on, mlhg_app/sso.py)."""
    from oidc_provider_mock import run_server_in_thread

    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on the loopback, as in the demo
    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"
    if previous is None:
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@pytest.fixture
def sso_on(settings, oidc_provider):
    """Single sign-on configured against the local provider; yields its issuer URL."""
    from mlhg_app import sso

    settings.OIDC_ISSUER = oidc_provider
    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "mlhg-app-tests"
    settings.OIDC_RP_CLIENT_SECRET = "secret-des-tests"  # nosec B105 # the local provider's, for the tests
    sso._discovered.clear()
    yield oidc_provider
    sso._discovered.clear()


@pytest.fixture
def fresh_database(tmp_path, transactional_db):
    """An empty database of the same engine as the tests', and its URL (a backup restored into it)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restauree.sqlite3"
        yield {"engine": "sqlite", "url": f"sqlite:///{path}", "path": path}
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restauration"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    url = f"postgres://{user}{password}@{host}{port}/{name}"
    yield {"engine": "postgresql", "url": url, "dsn": url.replace("postgres://", "postgresql://", 1)}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- a real S3 server (SeaweedFS, tests/object_storage.py) --------------------------------------


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """SeaweedFS on loopback ports for the whole run of this process (xdist group `object_storage`)."""
    from tests.object_storage import SeaweedFS

    server = SeaweedFS.start(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


@pytest.fixture
def s3_files(settings, seaweedfs, monkeypatch):
    """The application's files on SeaweedFS, as S3_BUCKET makes them (mlhg_app/settings.py), under a prefix of
    their own (an empty storage): yields the prefix."""
    import datetime

    import botocore.auth
    import time_machine

    # Tests travel in time (time-machine); S3 refuses a request signed more than 15 minutes away from its own
    # clock: the signatures take the real time.
    hatch = time_machine.escape_hatch

    def real_now():
        now = hatch.datetime.datetime.now if hatch.is_travelling() else datetime.datetime.now
        return now(datetime.UTC).replace(tzinfo=None)

    monkeypatch.setattr(botocore.auth, "get_current_datetime", real_now)
    prefix = seaweedfs.new_prefix()
    settings.STORAGES = {**settings.STORAGES, "default": seaweedfs.storage(prefix)}
    yield prefix
