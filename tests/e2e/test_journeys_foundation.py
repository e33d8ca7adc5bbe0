"""Browser journeys on the foundation's pages: landing page, login, homes, admin, logout."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

WRONG_LOGIN = "Adresse électronique ou mot de passe incorrect."


def test_visitor_logs_in_as_staff_opens_the_admin_and_logs_out(
    page, live_server, user_for, login_through_form, screenshot
):
    staff = user_for("staff", first_name="Sophie", is_superuser=True)  # the menu offers the console to superusers

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analyse de Pratiques Professionnelles")
    screenshot(page, "01-accueil")

    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    screenshot(page, "02-connexion")
    login_through_form(page, staff.email)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie")
    admin_link = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Administration", exact=True
    )
    expect(admin_link).to_be_visible()
    screenshot(page, "03-accueil-staff")

    admin_link.click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_text("Administration de la plateforme APP – MLHG")).to_be_visible()
    expect(page.get_by_role("link", name="Voir le site")).to_be_visible()
    screenshot(page, "04-administration")

    page.get_by_role("link", name="Voir le site").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analyse de Pratiques Professionnelles")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)

    # The session is over: a private page asks to log in again.
    page.goto("/compte/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/compte/$"))


def test_conseiller_logs_in_with_the_keyboard_only(page, live_server, user_for, tab_to, screenshot):
    conseiller = user_for("conseiller")

    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    tab_to(page, page.get_by_role("navigation").get_by_role("link", name="Se connecter"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/connexion/")
    email = page.get_by_label("Adresse électronique")
    expect(email).to_be_focused()  # autofocus
    page.keyboard.type(conseiller.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Vous retrouvez ici vos convocations")).to_be_visible()
    screenshot(page, "05-accueil-conseiller")


def test_wrong_password_shows_the_french_message(page, live_server, user_for, login_through_form):
    conseiller = user_for("conseiller")

    page.goto("/connexion/")
    login_through_form(page, conseiller.email, "pas-le-bon-mot-de-passe")

    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_role("main")).to_contain_text(WRONG_LOGIN)
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_logged_in_page_helper_lands_on_the_role_home(logged_in_page):
    page = logged_in_page("conseiller")

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_text("Vous retrouvez ici vos convocations")).to_be_visible()
    assert page.user.role == "conseiller"


def test_screenshots_only_when_asked(page, screenshot, monkeypatch, tmp_path):
    page.goto("/")

    monkeypatch.delenv("SCREENSHOTS", raising=False)
    assert screenshot(page, "accueil", directory=tmp_path) is None
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setenv("SCREENSHOTS", "1")
    path = screenshot(page, "accueil", directory=tmp_path / "docs" / "screenshots")
    assert path == tmp_path / "docs" / "screenshots" / "accueil.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
