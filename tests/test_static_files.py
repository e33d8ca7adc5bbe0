"""Production: gunicorn alone serves a complete site, its static files through WhiteNoise (hashed names,
cached for a year, compressed), and the pages keep their Content-Security-Policy."""

import json
import re

from tests.processes import STRONG_KEY, run

SERVE = """
import django, gzip, json
django.setup()
from django.test import Client
client = Client()
page = client.get("/connexion/", secure=True)
css = [u for u in __import__("re").findall(r'href="(/static/[^"]+[.]css)"', page.content.decode()) if "app." in u][0]
plain = client.get(css, secure=True)
zipped = client.get(css, secure=True, headers={"Accept-Encoding": "gzip"})
print(json.dumps({
    "page": page.status_code, "csp": page.headers.get("Content-Security-Policy", ""), "css": css,
    "status": plain.status_code, "cache": plain.headers.get("Cache-Control"), "type": plain.headers.get("Content-Type"),
    "body": b"".join(plain.streaming_content).decode(),
    "encoding": zipped.headers.get("Content-Encoding"),
    "unzipped": gzip.decompress(b"".join(zipped.streaming_content)).decode(),
    "missing": client.get("/static/css/absent.css", secure=True).status_code,
}))
"""


def test_production_serves_collected_static_files_with_hashed_names_a_long_cache_and_compression(tmp_path):
    env = {
        "MLHG_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
    }
    collected = run(["manage.py", "collectstatic", "--noinput", "-v", "0"], **env)
    assert collected.returncode == 0, collected.stderr
    run(["manage.py", "migrate", "-v", "0"], **env)
    result = run(["-c", SERVE], **env)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["page"] == 200 and "default-src 'none'" in served["csp"]
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", served["css"])  # the page links the hashed name
    assert served["status"] == 200 and served["type"].startswith("text/css")
    assert served["cache"] == "max-age=315360000, public, immutable"
    assert "svg.chart" in served["body"]
    assert served["encoding"] == "gzip" and served["unzipped"] == served["body"]
    assert served["missing"] == 404
