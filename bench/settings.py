"""The bench's gunicorn: the application's settings, as production reads them from the environment
(bench/__main__.py sets MLHG_ENV=production), and one URL more, /bench/ok/ (bench/urls.py)."""

from mlhg_app.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
