"""Real processes of the project with their own environment (tests/test_settings.py, tests/test_security.py,
tests/test_database_down.py): `run` starts Python in the project's root without the test run's settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project's root
STRONG_KEY = "k7#Qv9!mZ2@xL4$wR8^tB6&nY1*pD3(hJ5)sF0_gC2+eU7=aK9-oI4"


def run(args, **env):
    base = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "MLHG_ENV", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )
