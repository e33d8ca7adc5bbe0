"""What the browser journeys share besides their fixtures (tests/e2e/conftest.py): axe's run and its
rules, the CSP violations told in French."""

# WCAG 2.0 / 2.1 A and AA (the RGAA's level), and axe's best practices (headings in order,
# one h1, content inside landmarks, a skip link that leads somewhere).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
  })))"""


def describe_csp_violations(violations: list[dict]) -> str:
    """One line per violation: the directive, what it blocked, on which page (and from where)."""
    lines = []
    for v in violations:
        if "console" in v:
            lines.append(f"console : {v['console']}")
        else:
            where = f" ({v['source']})" if v["source"] else ""
            sample = f" « {v['sample']} »" if v["sample"] else ""
            lines.append(f"{v['directive']} a bloqué {v['blocked']}{sample} sur {v['page']}{where}")
    return "\n".join(lines)


def account_menu(page):
    """The button of the person's own menu: their name at the right of the main navigation (shown once
    logged in); it opens their role, « Mon compte », « Console technique » (superusers), « Se déconnecter »."""
    return page.get_by_role("navigation", name="Navigation principale").locator("#menu-compte-bouton")


def open_account_menu(page):
    account_menu(page).click()


def log_out(page):
    """What a person does to leave: their name in the menu, then « Se déconnecter »."""
    open_account_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
