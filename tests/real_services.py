"""Tests that need the real PostgreSQL and Redis servers.

They run in CI (.ci/run sets DATABASE_URL and REDIS_URL). On a machine without
them they are skipped with the reason, except under CI=true where a missing
service is a failure, never a silent skip.
"""

import os

import pytest
from django.conf import settings
from django.db import connection


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI sans service réel : {reason}")
    pytest.skip(reason)


def require_redis():
    if not settings.REDIS_URL:
        _missing("REDIS_URL n'est pas défini : pas de serveur Redis pour ce test")


def require_postgresql():
    if connection.vendor != "postgresql":
        _missing("DATABASE_URL ne désigne pas PostgreSQL : ce test partage la base avec un worker")
