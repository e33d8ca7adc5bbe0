from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlhg_app.models import User
from tests.demo_accounts import README_ACCOUNTS


@pytest.mark.django_db
def test_load_demo_prints_one_line_per_account_with_every_role(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())

    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert all(len(parts) == 3 for parts in lines)
    roles = {role for role, _email, _password in lines}
    assert roles == {r.value for r in User.Role}
    for role, email, password in lines:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(password)
    # several conseillers on every antenne
    for antenne_code in ["nord-est", "nord-ouest", "muretain", "lauragais", "comminges", "sud-garonne", "ouest"]:
        assert User.objects.filter(role="conseiller", antenne__code=antenne_code, is_manager=False).count() >= 3
    # the bilan 2026-2027, a first version built from window 1's comptes rendus, remitted for the responsable
    from bilans.models import Bilan
    from bilans.selectors import synthese_live
    from bilans.services.writing import section_refusals

    bilan = Bilan.objects.get(programme__annee_debut=2026)
    assert bilan.status == Bilan.Status.REMIS and bilan.thematiques and bilan.preconisations
    assert bilan.versions.count() == 1
    assert section_refusals(bilan) == {}
    figures = synthese_live(bilan)
    assert figures["seances"]["tenues"] > 0 and figures["themes"]
    # the sites' headcounts, counted from the directory (the seed's sizes), and a conseiller who left
    from mlhg_app.models import Antenne
    from mlhg_app.selectors import antenne_headcounts

    counts = {
        a.code: antenne_headcounts()[a.pk] for a in Antenne.objects.filter(kind="antenne", structure__slug="mlhg")
    }
    assert counts == {
        "nord-est": 18, "nord-ouest": 14, "muretain": 20, "lauragais": 12, "comminges": 9, "sud-garonne": 10, "ouest": 16
    }  # fmt: skip
    # the second, smaller structure (Mission Locale Ariège-Pyrénées): one conseiller on each of its 3 antennes
    second = {
        a.code: antenne_headcounts()[a.pk] for a in Antenne.objects.filter(kind="antenne", structure__slug="mlap")
    }
    assert second == {"pamiers": 1, "saint-girons": 1, "lavelanet": 1}
    assert User.objects.get(email="bruno.lafont@demo.ml31.org").is_active is False
    # the example HR file of docs/exemples previews without error: two hires, one name changed
    from pathlib import Path

    from mlhg_app.services.people_import import people_import_plan

    example = Path(__file__).resolve().parents[2] / "docs/exemples/import-personnel.xlsx"
    plan = people_import_plan(data=example.read_bytes(), by=User.objects.get(email="direction@demo.ml31.org"))
    assert (plan.errors, len(plan.created), len(plan.updated)) == ([], 2, 1)


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_more(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    count = User.objects.count()
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == count


@pytest.mark.django_db
def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_each_readme_account_has_something_to_do_and_every_link_of_its_todo_answers(settings):
    """Issue 15: « the README's accounts each have something to do on their home page »; each item is a link
    that opens (no 403, 404 or 500). The non-referent responsable is the README's « Rien à faire » example."""
    import html
    import re

    from django.urls import reverse

    from tests.web import login

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    for email in README_ACCOUNTS:
        client = login(User.objects.get(email=email))
        page = client.get(reverse("home")).content.decode()
        todo = page.split('id="titre-a-faire"', 1)[1].split("</section>", 1)[0]
        assert "Rien à faire pour le moment" not in todo, email
        links = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', todo)]
        assert links, email
        for href in links:
            status = client.get(href).status_code
            assert status == 200, f"{email} : {href} répond {status}"
    adjointe = login(User.objects.get(email="responsable.adjointe@demo.ml31.org")).get(reverse("home"))
    assert "Rien à faire pour le moment" in adjointe.content.decode()
