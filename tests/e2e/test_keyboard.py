"""The main journeys without a mouse: Tab to move, Enter or Space to act, the focus always visible.

Logging in from the home page is tests/e2e/test_journeys_foundation.py's keyboard journey.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ami.models import Dossier
from seances.models import Seance
from seances.services.planning import programme_plan
from tests.e2e.browser import account_menu
from tests.factories import PASSWORD, AMIFactory, DossierFactory, MembreFactory, PrestataireFactory
from tests.seances_world import build_programme

pytestmark = pytest.mark.e2e


def _log_in_with_the_keyboard(page, email):
    page.goto("/connexion/")
    expect(page.get_by_label("Adresse électronique")).to_be_focused()  # autofocus
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(account_menu(page)).to_be_visible()  # logged in: their name in the menu


def test_prestataire_saves_a_dossier_section_with_the_keyboard(page, live_server, user_for, tab_to):
    user = user_for("prestataire")
    prestataire = PrestataireFactory()
    MembreFactory(user=user, prestataire=prestataire, email_verified_at=None)
    ami = AMIFactory(reference="ami-clavier", date_limite=timezone.now() + datetime.timedelta(days=10))
    dossier = DossierFactory(ami=ami, prestataire=prestataire)

    _log_in_with_the_keyboard(page, user.email)
    page.goto(f"/ami/dossiers/{dossier.pk}/")
    tab_to(page, page.get_by_role("link", name="Modifier la section 1. Structure"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Structure")

    tab_to(page, page.get_by_label("Présentation"))
    page.keyboard.type("Cabinet de psychologues du travail fondé en 2009 à Toulouse.")
    page.keyboard.press("Tab")
    page.keyboard.type("SCOP")
    tab_to(page, page.get_by_role("main").get_by_role("button", name="Enregistrer le brouillon").last)
    page.keyboard.press("Enter")

    expect(page.get_by_text("Section « 1. Structure » enregistrée (brouillon).")).to_be_visible()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.presentation, dossier.statut_juridique) == (
        "Cabinet de psychologues du travail fondé en 2009 à Toulouse.",
        "SCOP",
    )


def test_responsable_validates_the_planning_with_the_keyboard(transactional_db, page, live_server, users, tab_to):
    programme = build_programme(users)
    assert programme_plan(programme=programme).ok
    proposed = Seance.objects.filter(programme=programme, status=Seance.Status.PROPOSEE).count()

    _log_in_with_the_keyboard(page, users["responsable"].email)
    tab_to(
        page,
        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Programmes et planning"),
    )
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("main").get_by_role("link", name=str(programme)).first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Planning des séances – {programme}")

    tab_to(page, page.get_by_role("button", name=f"Valider les {proposed} séances proposées"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Confirmer et envoyer les convocations"))
    page.keyboard.press("Space")

    expect(
        page.get_by_text(f"{proposed} séances validées ; les convocations partent aux membres et aux intervenants.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Valider les \d+ séance"))).to_have_count(0)
    assert not Seance.objects.filter(programme=programme, status=Seance.Status.PROPOSEE).exists()
