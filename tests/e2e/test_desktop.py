"""At 1366 px wide (the office laptops' screen): each role's menu holds on one line, and each month of
the planning's calendar shows its name above its own grid (issue 17).
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from seances.services.planning import programme_plan
from tests.e2e.browser import open_account_menu
from tests.factories import ROLES, UserFactory
from tests.seances_world import build_programme
from tests.web import login

pytestmark = pytest.mark.e2e

WIDTH = 1366
# A long name: the menu shows it shortened with « … », and in full in the person's menu it opens.
LONG_NAME = {"first_name": "Marie-Christine", "last_name": "Delacroix-Fontaine"}


@pytest.fixture
def desktop(browser, live_server):
    """`desktop(user)`: a page 1366 × 768 px, logged in as the user (None: a visitor)."""
    contexts = []

    def open_as(user):
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": WIDTH, "height": 768}
        )
        contexts.append(context)
        if user is not None:
            cookie = login(user).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_as
    for context in contexts:
        context.close()


MENU_LAYOUT = """() => {
  const nav = document.querySelector("header nav.navbar");
  const items = [...nav.querySelectorAll(".navbar-nav > .nav-item")];
  const lines = new Set(items.map(li => Math.round(li.getBoundingClientRect().top)));
  // A link whose text wraps inside itself is taller than one line of text.
  const wrapped = items.map(li => li.querySelector(".nav-link")).filter(el => {
    const style = getComputedStyle(el);
    const text = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return text > 1.5 * parseFloat(style.lineHeight);
  }).map(el => el.textContent.trim());
  const container = nav.querySelector(".container").getBoundingClientRect();
  const outside = items.filter(li => li.getBoundingClientRect().right > container.right + 0.5)
    .map(li => li.textContent.trim());
  return {height: nav.getBoundingClientRect().height, lines: lines.size, wrapped, outside,
          items: items.map(li => `${li.textContent.trim().replace(/\\s+/g, " ")} (${Math.round(li.getBoundingClientRect().width)} px)`),
          room: Math.round(container.width)};
}"""


def test_every_role_s_menu_holds_on_one_line_at_1366_px(transactional_db, desktop, users):
    visitor = desktop(None)
    visitor.goto("/")
    one_line = visitor.evaluate(MENU_LAYOUT)["height"]
    technical = UserFactory(email="console@exemple.fr", role="staff", is_staff=True, is_superuser=True, **LONG_NAME)
    people = {role: users[role] for role in ROLES} | {"superutilisateur": technical}
    for role, user in people.items():
        user.first_name, user.last_name = LONG_NAME["first_name"], LONG_NAME["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        page = desktop(user)
        page.goto("/")
        expect(page.get_by_role("button", name="Ouvrir le menu")).to_be_hidden()  # the full menu, not the phone's
        menu = page.evaluate(MENU_LAYOUT)
        problem = f"{role} : le menu tient sur {menu['lines']} ligne(s) de {menu['room']} px : {menu}"
        assert menu["lines"] == 1 and not menu["wrapped"] and not menu["outside"], problem
        assert menu["height"] <= one_line + 1, f"{problem} (une ligne : {one_line} px)"
        open_account_menu(page)
        logout = page.get_by_role("button", name="Se déconnecter")
        expect(logout).to_be_visible()
        assert logout.bounding_box()["x"] + logout.bounding_box()["width"] <= WIDTH, role
        expect(
            page.locator("#menu-compte").get_by_text("Marie-Christine Delacroix-Fontaine", exact=True)
        ).to_be_visible()


MONTH_TITLES = """() => [...document.querySelectorAll("table.calendar-month")].map(table => {
  const title = table.caption.getBoundingClientRect(), grid = table.tHead.getBoundingClientRect();
  return {title: table.caption.textContent.trim(), above: title.bottom <= grid.top + 0.5,
          centred_over_grid: title.left >= grid.left - 0.5 && title.right <= grid.right + 0.5};
})"""


def test_each_month_of_the_calendar_has_its_name_above_its_grid(transactional_db, desktop, users):
    programme = build_programme(users)
    assert programme_plan(programme=programme).ok
    page = desktop(users["responsable"])
    page.goto(f"/seances/programmes/{programme.pk}/")
    months = page.evaluate(MONTH_TITLES)
    assert len(months) >= 2, months
    assert all(m["above"] and m["centred_over_grid"] for m in months), months
    # The title names its grid for a screen reader as well: the table's accessible name.
    first = months[0]["title"]
    expect(page.get_by_role("table", name=first)).to_have_count(1)
