"""Issue 5, whole journey: the responsable validates the planner's proposal on the planning board."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from seances.models import Seance
from seances.services.planning import programme_plan
from tests.seances_world import build_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def planned_programme(transactional_db, users):
    """The programme of tests.seances_world (7 groups × 3 windows, one séance convoquée), planned."""
    programme = build_programme(users)
    result = programme_plan(programme=programme)
    assert result.ok
    return programme


def test_responsable_validates_the_proposed_seances_on_the_board(
    page, live_server, users, planned_programme, login_through_form, screenshot
):
    programme = planned_programme
    proposed = Seance.objects.filter(programme=programme, status=Seance.Status.PROPOSEE).count()
    assert proposed > 0

    page.goto("/connexion/")
    login_through_form(page, users["responsable"].email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Programmes et planning"
    ).click()
    page.get_by_role("main").get_by_role("link", name=str(programme)).first.click()
    expect(page).to_have_url(f"{live_server.url}/seances/programmes/{programme.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Planning des séances – {programme}")
    board = page.get_by_role("table", name="Une séance par groupe et par fenêtre, hors période estivale.")
    expect(board.get_by_text("Proposée", exact=True)).to_have_count(proposed)

    mail.outbox.clear()
    page.get_by_role("button", name=f"Valider les {proposed} séances proposées").click()
    expect(
        page.get_by_text(re.compile(rf"Valider les {proposed} séances proposées enverra \d+ convocations"))
    ).to_be_visible()
    assert not mail.outbox  # nothing sent before the confirmation
    page.get_by_role("button", name="Confirmer et envoyer les convocations").click()

    expect(
        page.get_by_text(f"{proposed} séances validées ; les convocations partent aux membres et aux intervenants.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Valider les \d+ séance"))).to_have_count(0)
    expect(board.get_by_text("Proposée", exact=True)).to_have_count(0)
    statuses = board.locator(".badge").all_inner_texts()
    assert len(statuses) == proposed + 1  # and the séance convoquée from the start
    assert set(statuses) <= {"Convoquée", "Validée"}, statuses
    screenshot(page, "12-planning-valide")
    assert not Seance.objects.filter(programme=programme, status=Seance.Status.PROPOSEE).exists()
    assert mail.outbox, "les convocations partent par courriel"
