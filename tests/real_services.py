"""Tests that need the real PostgreSQL and Redis servers (and the S3 server of tests/object_storage.py).

They run in CI (.ci/run sets DATABASE_URL and REDIS_URL). On a machine without
them they are skipped with the reason, except under CI=true where a missing
service is a failure, never a silent skip.
"""

import os

import pytest
from django.conf import settings
from django.db import connection


def missing(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI sans service réel : {reason}")
    pytest.skip(reason)


def require_redis():
    if not settings.REDIS_URL:
        missing("REDIS_URL n'est pas défini : pas de serveur Redis pour ce test")


def require_postgresql():
    if connection.vendor != "postgresql":
        missing("DATABASE_URL ne désigne pas PostgreSQL : ce test partage la base avec un worker")


def database_url(user: str | None = None) -> str:
    """The test database as a URL, for the processes the tests start (a Celery worker, gunicorn), as its
    owner or as `user` (a login role without password: trust)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") and user is None else ""
    user = user or db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
