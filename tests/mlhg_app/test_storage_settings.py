"""The settings of several servers (README « Plusieurs serveurs »), as a process started with these variables
reads them: files on the disk unless S3_BUCKET is set, then in that private bucket; the failed logins counted in
the shared cache when there is one; `check --deploy` warns when production would count per process."""

import json

from tests.processes import STRONG_KEY, run

READ = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from axes.conf import settings as axes
storage = storages["default"]
options = settings.STORAGES["default"].get("OPTIONS", {})
keys = ("bucket_name", "endpoint_url", "region_name", "addressing_style", "location", "file_overwrite", "default_acl")
print(json.dumps({
    "class": type(storage).__name__,
    "location": str(getattr(storage, "location", "")),
    "options": {key: options.get(key) for key in keys},
    "axes": axes.AXES_HANDLER,
}))
"""

S3 = {
    "S3_BUCKET": "mlhg-fichiers",
    "S3_ENDPOINT_URL": "http://127.0.0.1:18736",
    "S3_ACCESS_KEY_ID": "cle",
    "S3_SECRET_ACCESS_KEY": "secret",
    "S3_REGION": "fr-par",
    "S3_PREFIX": "production",
}
NO_S3 = dict.fromkeys(S3, "")


def read(**env) -> dict:
    result = run(["-c", READ], DJANGO_SETTINGS_MODULE="mlhg_app.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_files_stay_on_the_disk_under_media_root_without_s3_bucket(tmp_path):
    read_back = read(**NO_S3, MEDIA_ROOT=str(tmp_path / "media"), CACHE_URL="")
    assert (read_back["class"], read_back["location"]) == ("FileSystemStorage", str(tmp_path / "media"))
    assert read_back["axes"] == "axes.handlers.database.AxesDatabaseHandler"


def test_s3_bucket_puts_the_files_in_that_private_bucket_without_overwriting_a_name():
    read_back = read(**S3, CACHE_URL="redis://127.0.0.1:6379/13")
    assert read_back["class"] == "S3Storage"
    assert read_back["options"] == {
        "bucket_name": "mlhg-fichiers",
        "endpoint_url": "http://127.0.0.1:18736",
        "region_name": "fr-par",
        "addressing_style": "path",
        "location": "production",
        "file_overwrite": False,
        "default_acl": None,
    }
    assert read_back["axes"] == "axes.handlers.cache.AxesCacheHandler"


def test_s3_bucket_without_its_keys_stops_start_up_naming_the_missing_variable():
    result = run(["-c", READ], DJANGO_SETTINGS_MODULE="mlhg_app.settings", **{**S3, "S3_SECRET_ACCESS_KEY": ""})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Configuration incomplète : S3_BUCKET est défini, la variable S3_SECRET_ACCESS_KEY est obligatoire."
    )


def test_check_deploy_warns_when_production_servers_would_count_per_process(tmp_path):
    production = {
        **NO_S3,
        "MLHG_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "app.ml31.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
    }
    alone = run(["manage.py", "check", "--deploy"], **production, CACHE_URL="")
    shared = run(["manage.py", "check", "--deploy"], **production, CACHE_URL="redis://127.0.0.1:6379/1")
    assert "mlhg_app.W001" in alone.stderr + alone.stdout
    assert "CACHE_URL n'est pas défini : chaque processus compte seul" in alone.stderr + alone.stdout
    assert "mlhg_app.W001" not in shared.stderr + shared.stdout
