"""Every page of every role is valid HTML for the W3C Nu HTML Checker (issue 17): 0 errors.

The pages are those of the axe crawl (tests/e2e/crawl.py): each GET page a role may use, the open
AMI with its draft dossier, and the forms sent empty. They are fetched here through Django's test
client as each role (the HTML the server sends, the one the checker reads: no browser needed), written
to a temporary folder, and checked by one run of the checker (`vnu-jar` from npm, pinned by
package-lock.json, run by Java: the JVM starts once). A page known to be invalid goes along, so a
checker that reads nothing cannot pass. One failure lists every error with its page, line and message;
the warnings are counted, not refused.
"""

import json
import subprocess  # nosec B404: runs the pinned checker on files this test wrote
from urllib.parse import urlparse

import pytest
from django.test import Client

from tests.e2e.crawl import ANONYMOUS, FORMS_SENT_EMPTY, add_open_ami_pages, pages_by_role
from tests.web import login

pytestmark = pytest.mark.e2e

# A page with one known error (a duplicate id): the checker must find it, or it read nothing.
CANARY = '<!doctype html><html lang="fr"><title>t</title><p id="x">a</p><p id="x">b</p></html>'


def _html_pages(users) -> dict[tuple[str, str], bytes]:
    """(role, page) → the HTML served, for every page of the crawl answering 200 in HTML."""
    pages = pages_by_role(users)
    add_open_ami_pages(pages, users)
    found = {}
    for role, urls in pages.items():
        client = Client() if role == ANONYMOUS else login(users[role])
        for url in urls:
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                found[(role, url)] = response.content
        for url, _button in FORMS_SENT_EMPTY.get(role, []):
            response = client.post(url, {})
            assert response.status_code == 200, f"{role} {url} : le formulaire vide répond {response.status_code}"
            found[(role, f"{url} (erreurs)")] = response.content
    return found


def check_html(vnu_command, files) -> list[dict]:
    """The checker's messages for these files (one run), each with its `file` (path), `type`, `lastLine`."""
    result = subprocess.run(  # nosec B603: a fixed command and our own temporary files
        [*vnu_command, "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    for message in messages:  # the checker names a file file:/tmp/…
        message["file"] = urlparse(message.get("url", "")).path
    return messages


def test_every_page_of_every_role_is_valid_html(db, users, vnu_command, tmp_path):
    pages = _html_pages(users)
    assert len(pages) > 40, list(pages)  # the crawl did reach the pages
    files, where = [], {}
    for number, (page, html) in enumerate(pages.items()):
        path = tmp_path / f"{number:03}.html"
        path.write_bytes(html)
        files.append(path)
        where[str(path)] = page
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY)

    messages = check_html(vnu_command, [*files, canary])
    assert any(m["type"] == "error" and m["file"] == str(canary) for m in messages), messages
    errors = [m for m in messages if m["type"] != "info" and m["file"] != str(canary)]
    warnings = [m for m in messages if m.get("subType") == "warning" and m["file"] != str(canary)]
    print(f"Validateur HTML W3C : {len(pages)} pages, {len(errors)} erreur(s), {len(warnings)} avertissement(s)")
    listed = [
        f"{' '.join(where.get(m['file'], ('?', m['file'])))} ligne {m.get('lastLine', '?')} : {m['message']}"
        f" → {m.get('extract', '').strip()[:120]}"
        for m in errors
    ]
    assert errors == [], f"{len(errors)} erreur(s) HTML :\n" + "\n".join(listed)
