"""Start-up behaviour, read from real processes with their own environment."""

import json

from tests.processes import STRONG_KEY, run


def test_debug_off_without_secret_key_stops_with_one_line_naming_it():
    result = run(["manage.py", "check"], DEBUG="0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration incomplète : la variable d'environnement SECRET_KEY est obligatoire quand DEBUG est désactivé."
    ]


def test_production_mode_passes_check_deploy():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        MLHG_ENV="production",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="app.ml31.org",
        # CI's environment has REDIS_URL: production then shares a cache (mlhg_app.W001 otherwise)
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


HEALTH_SCRIPT = """
import django, json
django.setup()
from django.test import Client
r = Client().get("/healthz/")
print(json.dumps({"status": r.status_code, "body": r.json()}))
"""


def test_healthz_answers_503_naming_what_is_down_without_crashing_at_import():
    result = run(
        ["-c", HEALTH_SCRIPT],
        DJANGO_SETTINGS_MODULE="mlhg_app.settings",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/absente",
        REDIS_URL="redis://127.0.0.1:1/0",
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 503,
        "body": {"database": "indisponible", "broker": "indisponible"},
    }


def test_healthz_reports_the_broker_down_alone(tmp_path):
    result = run(
        ["-c", HEALTH_SCRIPT],
        DJANGO_SETTINGS_MODULE="mlhg_app.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",
        ALLOWED_HOSTS="testserver",
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 503,
        "body": {"database": "ok", "broker": "indisponible"},
    }
