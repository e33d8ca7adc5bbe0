"""The accessibility statement (RGAA 4.1, issue 17): public, linked in every page's footer, in French, with
the conformity state, what the CI checks, what is not accessible, a contact and the recourse."""

import pytest
from django.urls import reverse

from mlhg_app.models import Structure
from tests.web import login


def body(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_the_statement_is_public_and_linked_in_the_footer(client, users):
    assert reverse("accessibility") == "/accessibilite/"
    for visitor in (client, login(users["conseiller"])):
        home = body(visitor.get(reverse("home"), follow=True))
        assert '<a href="/accessibilite/">Accessibilité : partiellement conforme</a>' in home
    assert client.get("/accessibilite/").status_code == 200


@pytest.mark.django_db
def test_the_statement_says_the_state_the_checks_the_gaps_the_contact_and_the_recourse(client, reference):
    Structure.objects.filter(slug="mlhg").update(courriel_contact="accessibilite@ml31.org")  # the structure's
    page = body(client.get(reverse("accessibility")))
    assert "<h1>Déclaration d’accessibilité</h1>" in page
    assert "RGAA (référentiel général d’amélioration de l’accessibilité), version 4.1" in page
    assert "<strong>partiellement conforme</strong>" in page
    assert "aucun audit" in page
    assert "axe-core" in page and "chaque rôle" in page
    assert "Non-conformités et contenus non vérifiés" in page
    assert "PDF" in page and "XLSX" in page
    assert "1er décembre 2026" in page
    assert "HTML5" in page and "WAI-ARIA" in page
    assert '<a href="mailto:accessibilite@ml31.org">accessibilite@ml31.org</a>' in page
    assert "Défenseur des droits" in page
    assert "https://formulaire.defenseurdesdroits.fr/" in page
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in page
