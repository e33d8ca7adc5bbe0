"""Browser journeys on the foundation's pages: landing page, login, homes, the sites page, the console, logout."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import account_menu, log_out, open_account_menu
from tests.factories import PASSWORD, AntenneFactory

pytestmark = pytest.mark.e2e

WRONG_LOGIN = "Adresse électronique ou mot de passe incorrect."


def test_visitor_logs_in_as_staff_works_without_the_admin_and_logs_out(
    page, live_server, user_for, login_through_form, screenshot
):
    staff = user_for("staff", first_name="Sophie")
    AntenneFactory(code="muretain", nom="Antenne Muretain", ville="Muret", code_postal="31600")

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
    nav = page.get_by_role("navigation", name="Navigation principale")
    # Issue 15: staff work in the product; the technical console is not in their navigation.
    expect(nav.get_by_role("link", name="Console technique")).to_have_count(0)
    expect(nav.get_by_role("link", name="Administration", exact=True)).to_have_count(0)
    screenshot(page, "03-accueil-staff")

    nav.get_by_role("link", name="Sites", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/sites/")
    page.get_by_role("link", name=re.compile(r"^Modifier")).first.click()
    expect(page).to_have_url(re.compile(r"/sites/\d+/modifier/$"))
    page.get_by_label("Code postal").fill("3100")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Le code postal s’écrit avec cinq chiffres").or_(
            page.get_by_text("Le code postal s'écrit avec cinq chiffres")
        )
    ).to_be_visible()
    expect(page.get_by_label("Code postal")).to_have_value("3100")
    screenshot(page, "04-site-staff")

    page.goto("/admin/")  # typed by hand: the console's login page, not the console
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(page.get_by_text("Console technique de la plateforme APP – MLHG")).to_be_visible()

    page.goto("/")
    log_out(page)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Analyse de Pratiques Professionnelles")
    expect(account_menu(page)).to_have_count(0)  # logged out

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
    expect(account_menu(page)).to_have_count(0)  # logged out


def test_logged_in_page_helper_lands_on_the_role_home(logged_in_page):
    page = logged_in_page("conseiller")

    expect(account_menu(page)).to_be_visible()  # logged in: their name in the menu
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


def test_a_superuser_opens_the_technical_console_from_the_menu(page, live_server, user_for, login_through_form):
    root = user_for("staff", email="technique@exemple.fr", first_name="Théo", is_superuser=True)
    page.goto("/connexion/")
    login_through_form(page, root.email)
    open_account_menu(page)  # under their name, with their account and « Se déconnecter »
    link = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Console technique")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_text("Console technique de la plateforme APP – MLHG")).to_be_visible()
    expect(page.get_by_role("link", name="Voir le site")).to_be_visible()
