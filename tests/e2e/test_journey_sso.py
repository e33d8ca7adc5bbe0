"""Browser journey: a conseillère logs in with her organisation's account through a real OpenID Connect
provider (oidc-provider-mock) and lands on the page she asked for; a prestataire is sent back to the password."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import log_out
from tests.web import put_provider_user

pytestmark = pytest.mark.e2e

BUTTON = "Se connecter avec le compte Microsoft de la Mission Locale"


def test_conseillere_logs_in_through_sso_and_a_prestataire_is_sent_to_the_password(
    page, live_server, user_for, sso_on, screenshot
):
    conseillere = user_for("conseiller", first_name="Manon", last_name="Dupuy")
    put_provider_user(sso_on, "manon-oid", preferred_username=conseillere.email.upper(), name="Manon Dupuy")
    prestataire = user_for("prestataire")
    put_provider_user(sso_on, "presta-oid", email=prestataire.email, email_verified=True)

    page.goto("/connexion/?next=/compte/")
    screenshot(page, "27-connexion-sso")
    page.get_by_role("link", name=BUTTON).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(sso_on)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill("manon-oid")
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(f"{live_server.url}/compte/")
    expect(page.get_by_role("main")).to_contain_text(conseillere.email)

    log_out(page)
    expect(page.get_by_role("link", name="Fermer aussi la session de votre compte Microsoft")).to_be_visible()

    page.goto("/connexion/")
    page.get_by_role("link", name=BUTTON).click()
    page.get_by_placeholder("sub").fill("presta-oid")
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_role("status")).to_contain_text("réservée au personnel de la MLHG")
