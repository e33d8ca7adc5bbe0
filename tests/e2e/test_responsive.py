"""At 375 px wide (a phone): the AMI portal, a conseiller's séances and the planning board.

The page never scrolls sideways (a wide table scrolls inside its own wrapper), the main
action of each page lies within the screen, the menu opens from its button, and axe finds
nothing at that size either.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seances.models import Seance
from seances.services.planning import programme_plan
from tests.e2e.browser import RUN_AXE, WCAG_TAGS
from tests.factories import AMIFactory
from tests.seances_world import build_programme

pytestmark = pytest.mark.e2e

WIDTH = 375


@pytest.fixture
def phone(browser, live_server, axe_script):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": 740}, is_mobile=True, has_touch=True
    )
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _fits_the_screen(page, *actions):
    """No sideways scroll of the page; each action visible and within the 375 px; no axe violation."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} défile horizontalement ({width} px)"
    for action in actions:
        expect(action).to_be_visible()
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{action} dépasse de l'écran : {box}"
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert violations == [], violations


def test_the_ami_portal_on_a_phone(transactional_db, phone, screenshot):
    from django.core.management import call_command

    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    ami = AMIFactory(
        reference="ami-mobile",
        titre="Analyse de pratiques professionnelles 2026",
        date_limite=timezone.now() + datetime.timedelta(days=10),
    )

    phone.goto("/ami/")
    link = phone.get_by_role("main").get_by_role("link", name=re.compile(ami.titre))
    _fits_the_screen(phone, link)
    menu = phone.get_by_role("button", name="Ouvrir le menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(phone.get_by_role("navigation").get_by_role("link", name="Se connecter")).to_be_visible()
    screenshot(phone, "30-mobile-portail")

    link.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ami.titre)
    _fits_the_screen(phone, phone.get_by_role("link", name="Déposer une candidature"))


def test_a_conseiller_s_seances_on_a_phone(transactional_db, phone, users, login_through_form, screenshot):
    programme = build_programme(users)
    soon = timezone.localdate() + datetime.timedelta(days=14)
    Seance.objects.filter(programme=programme, status=Seance.Status.CONVOQUEE).update(date=soon)
    phone.goto("/connexion/")
    login_through_form(phone, users["conseiller"].email)

    phone.goto("/seances/mes-seances/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes séances")
    _fits_the_screen(phone, phone.get_by_role("link", name=re.compile(r"^Ajouter à mon agenda")).first)
    screenshot(phone, "31-mobile-mes-seances")


def test_the_planning_board_on_a_phone(transactional_db, phone, users, login_through_form, screenshot):
    programme = build_programme(users)
    assert programme_plan(programme=programme).ok
    proposed = Seance.objects.filter(programme=programme, status=Seance.Status.PROPOSEE).count()
    phone.goto("/connexion/")
    login_through_form(phone, users["responsable"].email)

    phone.goto(f"/seances/programmes/{programme.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Planning des séances – {programme}")
    _fits_the_screen(phone, phone.get_by_role("button", name=f"Valider les {proposed} séances proposées"))
    screenshot(phone, "32-mobile-planning")
