"""Destructive actions ask first: cancelling a séance is sent only once the user confirms."""

import re

import pytest
from playwright.sync_api import expect

from seances.models import Seance
from tests.seances_world import build_programme

pytestmark = pytest.mark.e2e


def test_cancelling_a_seance_asks_for_confirmation(page, live_server, users, transactional_db, login_through_form):
    programme = build_programme(users)
    seance = programme.seances.get()
    page.goto("/connexion/")
    login_through_form(page, users["staff"].email)
    page.goto(f"/seances/seance/{seance.pk}/annuler/")
    page.get_by_label("Motif de l'annulation").fill("Salle indisponible")

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_label("Motif de l'annulation")).to_have_value("Salle indisponible")  # nothing sent, nothing lost
    assert dialogs == ["Annuler cette séance ? Les membres et l'intervenant seront prévenus."]
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_text(re.compile(r"^Séance du .* annulée\."))).to_be_visible()
    seance.refresh_from_db()
    assert seance.status == Seance.Status.ANNULEE
