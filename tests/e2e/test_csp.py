"""Issue 9: every page of every role loads in Chromium under the enforced CSP, without a violation.

The pages are found, not listed: each GET URL of the app (the samples of tests/url_samples/ give
the arguments) that answers the role with an HTML page through Django's test client is then
opened in the browser, logged in through the real form; a technical superuser opens the console (the Django
admin, which staff do not enter: issue 15).
The `page` fixture (tests/e2e/conftest.py) collects what Chromium reports.
"""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from mlhg_app.access import iter_urls
from tests.access import URL_KWARGS, http_method
from tests.e2e.browser import describe_csp_violations
from tests.factories import ROLES
from tests.web import login

pytestmark = pytest.mark.e2e

ADMIN_PAGES = ["/admin/", "/admin/mlhg_app/user/", "/admin/mlhg_app/user/add/", "/admin/mlhg_app/antenne/"]


def _html_pages_for(role, users) -> list[str]:
    """The app's GET URLs that show this role (None: a visitor) an HTML page."""
    world = {"users": users}
    client = login(users[role]) if role else Client()
    pages = []
    for _route, name, callback in iter_urls():
        if http_method(callback) != "get":
            continue
        sample = URL_KWARGS.get(name)
        url = reverse(name, kwargs=sample(world) if sample else {})
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(url)
    return pages


def _open_all(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'none'" in policy and "script-src 'self'" in policy, (url, policy)
        assert "content-security-policy-report-only" not in response.headers, url
    page.evaluate("0")  # the reports of the last page have arrived
    found = describe_csp_violations(page.csp_violations)
    page.csp_violations.clear()  # reported here, once, not again by the fixture's teardown
    assert found == ""


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_page_of_the_role_loads_without_a_csp_violation(page, live_server, users, role, login_through_form):
    pages = _html_pages_for(role, users)
    assert len(pages) >= 3, pages  # at least the home, the login page (visitor) or the account page
    if role is not None:
        page.goto("/connexion/")
        login_through_form(page, users[role].email)
        expect(page).to_have_url(f"{live_server.url}/")
    _open_all(page, pages)


def test_the_console_loads_without_a_csp_violation(page, live_server, users, login_through_form):
    from mlhg_app.models import User
    from tests.factories import PASSWORD

    root = User.objects.create_superuser(email="technique@exemple.fr", password=PASSWORD)
    page.goto("/connexion/")
    login_through_form(page, root.email)
    expect(page).to_have_url(f"{live_server.url}/")
    _open_all(page, [*ADMIN_PAGES, f"/admin/mlhg_app/user/{users['conseiller'].pk}/change/"])


def test_the_watch_reports_an_inline_script_and_style_naming_the_directive(page, live_server):
    """The watch itself: a page of the live server's origin carrying inline code is reported."""
    policy = Client().get("/").headers["Content-Security-Policy"]
    page.route(
        f"{live_server.url}/essai-csp/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
            body='<!doctype html><p style="color: red">x</p><script>document.title = "x"</script>',
        ),
    )
    page.goto("/essai-csp/")
    page.evaluate("0")
    reported = {(v.get("directive"), v.get("blocked")) for v in page.csp_violations if "console" not in v}
    assert reported == {("style-src-attr", "inline"), ("script-src-elem", "inline")}
    assert page.title() == ""  # the inline script did not run
    page.csp_violations.clear()  # expected here: the teardown must not fail this test
