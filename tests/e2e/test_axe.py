"""Every page of every role passes axe-core (WCAG 2.0 and 2.1, levels A and AA).

axe-core comes from the npm registry, pinned by package.json / package-lock.json and
installed in node_modules/ by `make install` (`npm ci`). The crawl (tests/e2e/crawl.py, shared with
the HTML check of tests/e2e/test_html_valid.py) reuses the URL list and the URL samples of
tests/access.py (as tests/test_access.py): for each role (and the anonymous visitor),
one browser context logged in as that role opens every GET page the role may use, keeps
those answering 200 in HTML, and runs axe on each; a few forms are also sent empty, to
check the page with its errors. One failure lists every violation with its rule, the
page and the elements.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.browser import RUN_AXE, WCAG_TAGS
from tests.e2e.crawl import ANONYMOUS, FORMS_SENT_EMPTY, add_open_ami_pages, pages_by_role
from tests.web import login

pytestmark = pytest.mark.e2e  # tests/e2e/conftest.py marks it too, but after `-m "not e2e"` has chosen

# Every field marked invalid names its error message (aria-describedby), which exists and says something.
UNLINKED_ERRORS = """() => [...document.querySelectorAll('[aria-invalid="true"]')]
  .filter(f => !(f.getAttribute("aria-describedby") || "").split(" ")
    .some(id => id && document.getElementById(id) && document.getElementById(id).textContent.trim()))
  .map(f => f.name || f.id)"""


def main_pages(users, ami_page, dossier_page) -> dict[str, tuple[str, str]]:
    """The page each role comes for, and the name of its screenshot (docs/screenshots/, SCREENSHOTS=1)."""
    from seances.models import Programme

    board = reverse("seances:board", kwargs={"pk": Programme.objects.get().pk})
    return {
        ANONYMOUS: (ami_page, "20-visiteur-appel"),
        "staff": ("/", "21-administration-accueil"),
        "evaluateur": (reverse("ami:my_evaluations"), "22-evaluateur-evaluations"),
        "responsable": (board, "23-responsable-planning"),
        "prestataire": (dossier_page, "24-prestataire-dossier"),
        "intervenant": (reverse("seances:my_seances"), "25-intervenant-seances"),
        "conseiller": (reverse("seances:my_seances"), "26-conseiller-seances"),
    }


def _session_cookie(user, base_url):
    client = login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def _axe_violations(page, role, url) -> list[str]:
    found = []
    for v in page.evaluate(RUN_AXE, WCAG_TAGS):
        nodes = "; ".join(f"{n['target']} {n['html']}" for n in v["nodes"][:5])
        more = f" (+{len(v['nodes']) - 5})" if len(v["nodes"]) > 5 else ""
        found.append(f"{v['rule']} [{v['impact']}] {role} {url} : {v['help']} → {nodes}{more}")
    return found


def test_every_page_of_every_role_passes_axe(transactional_db, browser, live_server, users, axe_script, screenshot):
    pages = pages_by_role(users)
    main = main_pages(users, *add_open_ami_pages(pages, users))
    violations, checked = [], []
    for role, urls in pages.items():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        context.set_default_timeout(10_000)
        if role != ANONYMOUS:
            context.add_cookies([_session_cookie(users[role], live_server.url)])
        context.add_init_script(path=str(axe_script))
        page = context.new_page()
        for url in urls:
            try:
                response = page.goto(url)
            except PlaywrightError as exc:  # a file download (PDF, CSV, XLSX, ZIP, iCal) is no page
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is None or response.status != 200:
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            if urlparse(page.url).path != urlparse(url).path:
                continue  # redirected to another page, crawled under its own URL
            checked.append((role, url))
            violations += _axe_violations(page, role, url)
            if main[role][0] == url:
                screenshot(page, main[role][1])
        for url, button in FORMS_SENT_EMPTY.get(role, []):
            page.goto(url)
            page.get_by_role("main").get_by_role("button", name=button).click()
            page.wait_for_load_state()
            invalid = page.locator('[aria-invalid="true"]')
            assert invalid.count() > 0, f"{role} {url} : le formulaire vide n'a signalé aucun champ"
            checked.append((role, f"{url} (erreurs)"))
            violations += _axe_violations(page, role, f"{url} (erreurs)")
            violations += [
                f"erreur non reliée {role} {url} : le champ {name} n'a pas de message relié (aria-describedby)"
                for name in page.evaluate(UNLINKED_ERRORS)
            ]
        context.close()
    assert len(checked) > 40, checked  # the crawl did reach the pages
    assert violations == [], "\n".join(violations)
