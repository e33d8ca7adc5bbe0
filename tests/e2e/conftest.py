"""Browser journeys: Playwright (pytest-playwright) driving Debian's Chromium.

`playwright install` is never used: the browser is the `chromium` Debian package
(`/usr/bin/chromium`, or `CHROMIUM_PATH`), installed by `make sysdeps` and `.ci/run`.
Without it the journeys are skipped with the reason, except under CI=true where a
missing browser is a failure, never a silent skip (same rule as tests/real_services.py).

The pages are served by pytest-django's `live_server` (a thread of this process), so
every journey runs with `transactional_db`: the data created here is committed and
seen by the server, and the tables are emptied after each test.

Playwright's synchronous API keeps an asyncio event loop running in the main thread
from its start to the end of the session; Django then refuses the ORM calls made in
that thread (factories, the table flush) unless DJANGO_ALLOW_ASYNC_UNSAFE is set. So
the journeys run last, and the variable is set only when the first one starts: the
rest of the suite keeps Django's async-safety check, and the subprocesses of
tests/test_settings.py (`check --deploy` rejects this variable) never inherit it.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from mlhg_app.models import User
from tests.e2e.browser import describe_csp_violations
from tests.factories import PASSWORD, UserFactory

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
# axe-core, from the npm registry (package.json / package-lock.json, `npm ci` in `make install`).
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The W3C Nu HTML Checker (vnu-jar, same registry and lock file), run by Java 17.
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TIMEOUT_MS = 10_000  # a page of this app answers in well under a second


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Marks the tests of this folder `e2e` and moves them after all the others (stable order)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session", autouse=True)
def _django_allows_playwright_loop():
    """DJANGO_ALLOW_ASYNC_UNSAFE from the first journey to the end of the session (see above)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _tool_missing(tool: str, reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI sans {tool} : {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium, headless, with nothing that reaches the network on its own."""
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        _tool_missing(
            "navigateur",
            f"Chromium introuvable ({CHROMIUM_PATH}) : installez le paquet Debian chromium "
            "(make sysdeps en root) pour lancer les parcours navigateur",
        )
    return {"executable_path": CHROMIUM_PATH, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """The live server's root URL: `page.goto("/connexion/")` is relative to it."""
    return live_server.url


# Runs in every document before its own scripts: each CSP violation Chromium reports
# (`securitypolicyviolation`, fired on the document) goes to the test through a binding.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__mlhgCspViolation({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI || "(inline)",
    page: event.documentURI,
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : "",
    sample: event.sample || "",
  });
});
"""


@pytest.fixture
def page(page):
    """pytest-playwright's page, with one timeout and a watch on the Content-Security-Policy.

    One timeout for actions, navigations and `expect`: 10 s instead of Playwright's 30 s
    (a wrong step fails fast) and `expect`'s 5 s (a busy machine can hold one request a
    few seconds: every request of the live server opens a new database connection,
    which PostgreSQL may keep waiting).

    Every CSP violation Chromium reports in this test's browser context (the
    `securitypolicyviolation` event of each document, and the console's "Content
    Security Policy" messages) is kept in `page.csp_violations`; any left at the end
    fails the test at teardown, naming the directive and the blocked URI.
    """
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)

    violations: list[dict] = []
    context = page.context
    context.expose_binding("__mlhgCspViolation", lambda _source, violation: violations.append(violation))
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append({"console": message.text}),
    )
    page.csp_violations = violations
    yield page
    if not page.is_closed():
        page.evaluate("0")  # a round trip: the events reported before it have arrived
    if violations:
        pytest.fail(
            f"{len(violations)} violation(s) de la Content-Security-Policy :\n{describe_csp_violations(violations)}",
            pytrace=False,
        )


# The MD5 hasher and the in-memory email backend come from tests/conftest.py (autouse,
# through the `settings` fixture): the server thread reads the same settings object.


def _user_for(role: str, **kwargs) -> User:
    defaults = {"email": f"{role}@exemple.fr", "role": role, "is_staff": role == User.Role.STAFF}
    if role != User.Role.CONSEILLER:
        defaults["antenne"] = None  # only a conseiller belongs to a site
    defaults.update(kwargs)
    return UserFactory(**defaults)


def _login_through_form(page, email: str, password: str = PASSWORD):
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture
def user_for(transactional_db):
    """`user_for(role, **fields)`: an active user of the role, password `PASSWORD` (staff: is_staff)."""
    return _user_for


@pytest.fixture
def login_through_form():
    """`login_through_form(page, email, password=PASSWORD)`: fills and submits the login form shown."""
    return _login_through_form


@pytest.fixture
def logged_in_page(page, live_server, user_for):
    """`logged_in_page(role)`: a new user of the role, logged in through the real login form.

    Returns the page, on the user's home (`/`); the user is `page.user`.
    """

    def make(role: str, **kwargs):
        user = user_for(role, **kwargs)
        page.goto("/connexion/")
        _login_through_form(page, user.email)
        expect(page).to_have_url(f"{live_server.url}/")  # not back on the form: logged in
        page.user = user
        return page

    return make


@pytest.fixture(scope="session")
def axe_script():
    if not AXE_JS.is_file():
        _tool_missing("axe-core", f"axe-core introuvable ({AXE_JS}) : lancez `make install` (npm ci)")
    return AXE_JS


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    """`java -jar vnu.jar`: the W3C Nu HTML Checker (skipped without it, except under CI=true)."""
    if not VNU_JAR.is_file():
        _tool_missing(
            "le validateur HTML",
            f"validateur HTML W3C introuvable ({VNU_JAR}) : lancez `make install` (npm ci installe vnu-jar)",
        )
    java = shutil.which("java")
    if java is None:
        _tool_missing(
            "Java",
            "Java introuvable : le validateur HTML W3C (vnu-jar) demande Java 11 ou plus "
            "(paquet Debian default-jre-headless)",
        )
    return [java, "-jar", str(VNU_JAR)]


def _tab_to(page, locator, *, limit: int = 40):
    """Presses Tab until `locator` has the focus (keyboard only, like a user would), then checks
    that the focus shows (an outline or a ring around the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            visible = locator.evaluate(
                "el => { const s = getComputedStyle(el);"
                " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"
            )
            assert visible, f"{locator} a le focus sans que cela se voie"
            return
    raise AssertionError(f"{locator} jamais atteint en {limit} tabulations")


@pytest.fixture
def tab_to():
    """`tab_to(page, locator)`: Tab until the element has the (visible) focus; see `_tab_to`."""
    return _tab_to


def save_screenshot(page, name: str, *, directory: Path = SCREENSHOT_DIR) -> Path | None:
    """Saves `<directory>/<name>.png` (full page) when SCREENSHOTS=1, for the README.

    Does nothing otherwise (the default: no image is written by `make test`).
    Returns the path written, or None.
    """
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, "01-accueil")`: see `save_screenshot`."""
    return save_screenshot
