"""Several application servers (README « Plusieurs serveurs »): two gunicorn servers on the loopback under the
production settings, behind what a load balancer would send them (one host name, HTTPS at the proxy, the client's
address in X-Forwarded-For), sharing one PostgreSQL database, one Redis (CACHE_URL) and one S3 bucket (SeaweedFS,
tests/object_storage.py). A file uploaded through one downloads through the other, a login on one holds on the
other, and the limits (emails asked for, failed logins) count the requests made to both.

The servers' ports are free ones the system hands out, or two consecutive ones from GUNICORN_TEST_PORT.
"""

import datetime
import html
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from ami.models import Fichier
from mlhg_app.throttle import REFUSED
from tests.factories import PASSWORD, AMIFactory, DossierFactory, MembreFactory
from tests.object_storage import free_ports
from tests.processes import ROOT, STRONG_KEY
from tests.real_services import database_url, require_postgresql, require_redis

# One xdist worker holds SeaweedFS and the S3 tests (`make test` uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("object_storage")

HOST = "app.test"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n" + secrets.token_bytes(2048)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCKED = "Connexion temporairement bloquée"


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            response = requests.get(f"{url}/healthz/", headers={"Host": HOST, "X-Forwarded-Proto": "https"}, timeout=5)
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn ({url}) n'a pas répondu en {timeout} secondes :\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(django_db_setup, request, tmp_path_factory):
    """Two gunicorn servers (one worker each), production settings, the same database, Redis and bucket; yields
    their base URLs and the bucket prefix of their files."""
    require_postgresql()
    require_redis()
    seaweedfs = request.getfixturevalue("seaweedfs")
    folder = tmp_path_factory.mktemp("servers")
    prefix = seaweedfs.new_prefix()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mlhg_app.settings",
        "MLHG_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",  # no connection left open when the test's data is flushed
        "CACHE_URL": django_settings.REDIS_URL,  # keys of their own (sessions, counters), never flushed here
        "REDIS_URL": "",  # Celery in-process: the reset emails are sent by the server that took the request
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media-jamais-utilise"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        **seaweedfs.environment(prefix),
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    first = int(os.environ.get("GUNICORN_TEST_PORT") or 0) or None
    processes, urls = [], []
    try:
        for port in free_ports(2, first):
            log = folder / f"gunicorn-{port}.log"
            processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "-w",
                        "1",
                        "-b",
                        f"127.0.0.1:{port}",
                        "--log-level",
                        "warning",
                        "mlhg_app.wsgi",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log.open("ab"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            )
            urls.append((f"http://127.0.0.1:{port}", log))
        for (url, log), process in zip(urls, processes, strict=True):
            wait_until_up(url, process, log)
        yield {"urls": [url for url, _ in urls], "prefix": prefix}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _passwords_the_servers_check(settings):
    """The accounts' passwords hashed as the servers check them (the tests' own hasher is a fast MD5)."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


class Browser:
    """One person's browser behind the load balancer: its cookies go to whichever server answers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        # the client's address as the proxy forwards it, a new one each run (the counters live an hour in Redis)
        self.address = f"2001:db8:{secrets.token_hex(2)}::{secrets.token_hex(2)}"

    def request(self, server: str, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        headers["Referer"] = f"https://{HOST}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(method, server + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)
        for name in re.findall(r"(?:^|, )([A-Za-z_]+)=\"\"", response.headers.get("Set-Cookie", "")):
            self.cookies.pop(name, None)  # a cookie deleted by the server
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies if cookie.value})
        return response

    def get(self, server: str, path: str) -> requests.Response:
        return self.request(server, "GET", path)

    def post_form(self, server: str, path: str, data: dict, files=None) -> requests.Response:
        """The form of the page `path` as served by `server`, sent back to it with its CSRF token."""
        page = self.get(server, path)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        token = CSRF.search(page.text).group(1)
        return self.request(server, "POST", path, data={"csrfmiddlewaretoken": token, **data}, files=files)


def test_a_file_uploaded_through_one_server_downloads_through_the_other_with_the_same_bytes(
    servers, transactional_db, seaweedfs
):
    a, b = servers["urls"]
    membre = MembreFactory()
    ami = AMIFactory(reference="ami-deux-serveurs", date_limite=timezone.now() + datetime.timedelta(days=10))
    dossier = DossierFactory(ami=ami, prestataire=membre.prestataire)
    browser = Browser()
    login = browser.post_form(a, reverse("login"), {"username": membre.user.email, "password": PASSWORD})
    assert login.status_code == 302

    section = reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": "references"})
    sent = browser.post_form(
        a,
        section,
        {"references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0"},
        files={"lettres": ("lettre-de-soutien.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 302, sent.text[:2000]
    fichier = Fichier.objects.get(dossier=dossier)
    assert seaweedfs.objects(servers["prefix"])[fichier.fichier.name] == PDF

    url = reverse("ami:fichier_download", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    download = browser.get(b, url)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="lettre-de-soutien.pdf"'
    assert download.content == PDF
    assert Browser().get(b, url).status_code == 302  # to the login page


def test_a_login_on_one_server_holds_on_the_other_and_a_logout_on_the_other_ends_it_on_both(servers, transactional_db):
    a, b = servers["urls"]
    membre = MembreFactory()
    browser = Browser()
    for server in (a, b):
        health = browser.get(server, "/healthz/").json()
        assert health == {"database": "ok", "broker": "eager", "cache": "ok", "stockage": "ok"}
    login = browser.post_form(a, reverse("login"), {"username": membre.user.email, "password": PASSWORD})
    assert login.status_code == 302
    account = browser.get(b, reverse("account"))
    assert account.status_code == 200 and membre.user.email in account.text
    session = dict(browser.cookies)

    token = CSRF.search(account.text).group(1)
    assert browser.request(b, "POST", reverse("logout"), data={"csrfmiddlewaretoken": token}).status_code in {200, 302}
    browser.cookies = session  # the closed session's cookie, kept by someone
    refused = browser.get(a, reverse("account"))
    assert refused.status_code == 302 and refused.headers["Location"].startswith(reverse("login"))


def test_the_email_throttle_and_the_failed_logins_count_the_requests_made_to_both_servers(
    servers, transactional_db, settings
):
    a, b = servers["urls"]
    browser = Browser()
    address = f"personne-{secrets.token_hex(4)}@exemple.fr"
    reset = reverse("password_reset")
    for server in (a, b, a):  # THROTTLE_PER_ADDRESS = 3, the servers' default
        assert browser.post_form(server, reset, {"email": address}).status_code == 302
    for server in (b, a):
        refused = browser.post_form(server, reset, {"email": address})
        assert refused.status_code == 429 and REFUSED in html.unescape(refused.text)

    membre = MembreFactory()
    wrong = {"username": membre.user.email, "password": "pas-le-bon-mot-de-passe"}
    for server in (a, b, a, b):  # AXES_FAILURE_LIMIT = 5: four failures, then the fifth locks
        assert browser.post_form(server, reverse("login"), wrong).status_code == 200
    assert LOCKED in html.unescape(browser.post_form(b, reverse("login"), wrong).text)
    right = {"username": membre.user.email, "password": PASSWORD}
    for server in (a, b):
        locked = browser.post_form(server, reverse("login"), right)
        assert locked.status_code == 429 and LOCKED in html.unescape(locked.text)
