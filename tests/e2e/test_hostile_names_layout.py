"""At 1366 px, the demo with hostile names (tests/hostile_world.py): an AMI titled with a 200-character
word, a prestataire, a site and people whose names hold « ' », « & », « <b> » and emoji.

On the key pages of staff, the prestataire and the conseillère, the page never scrolls sideways and no
element's text runs out of its box: a long word wraps (`overflow-wrap: anywhere`) instead. A table may
scroll inside its own wrapper (`.table-responsive`), as on a phone. The name shows as typed (« <b>Ψ</b> »
is text, not bold)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ami.models import AMI, Dossier
from ami.reference import REFERENCE
from mlhg_app.demo import DEMO_PASSWORD
from seances.models import Programme
from tests import hostile_world as world

pytestmark = pytest.mark.e2e

WIDTH = 1366

# The elements whose content runs past their own right edge (a visible overflow), outside a scroller.
OVERFLOWING = """width => {
  const scrolls = el => { for (let a = el; a; a = a.parentElement) {
    const s = getComputedStyle(a).overflowX; if (s === "auto" || s === "scroll" || s === "hidden") return true; }
    return false; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || scrolls(el.parentElement)) continue;
    const spills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"
      && el.clientWidth > 0;
    if (box.right > width + 1 || spills) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.right)}px`
      + ` (${el.scrollWidth}/${el.clientWidth}) « ${(el.textContent || "").trim().slice(0, 40)} »`);
  }
  return out;
}"""


@pytest.fixture
def wide(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _login(page, email):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _fits(page, url):
    page.goto(url)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{url} défile horizontalement ({width} px)"
    assert page.evaluate(OVERFLOWING, WIDTH) == [], url


def test_key_pages_wrap_hostile_names_at_1366_px(transactional_db, wide, monkeypatch, settings, tmp_path):
    world.load_hostile_demo(monkeypatch, settings, tmp_path)
    settings.DEBUG = False
    programme = Programme.objects.order_by("pk").first()
    winner = Dossier.objects.get(prestataire__raison_sociale=world.LAUREAT, ami__reference=REFERENCE)

    wide.goto(reverse("ami:detail", args=[REFERENCE]))
    expect(wide.get_by_role("heading", level=1)).to_have_text(AMI.objects.get(reference=REFERENCE).titre)
    _fits(wide, reverse("ami:detail", args=[REFERENCE]))

    _login(wide, "direction@demo.ml31.org")
    for url in (
        reverse("ami:staff_dossiers", args=[REFERENCE]),
        reverse("ami:dossier_read", args=[winner.pk]),
        reverse("ami:results", args=[REFERENCE]),
        reverse("seances:board", args=[programme.pk]),
        reverse("seances:statements", args=[programme.pk]),
    ):
        _fits(wide, url)
    assert wide.locator("b", has_text="Ψ").count() == 0  # the name's « <b> » is text, never a bold tag

    wide.context.clear_cookies()
    _login(wide, world.PRESTATAIRE)
    _fits(wide, "/")
    _fits(wide, reverse("ami:dossier", args=[winner.pk]))

    wide.context.clear_cookies()
    _login(wide, world.CONSEILLERE)
    _fits(wide, reverse("seances:my_seances"))
