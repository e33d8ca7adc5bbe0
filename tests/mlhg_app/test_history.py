"""Staff read the history of an object: who changed what, when; never a bilan's draft text."""

import datetime

import pytest
from django.urls import reverse

from bilans.services.opening import bilan_open
from bilans.services.writing import bilan_remettre, bilan_write
from seances.services.board import seance_validate
from tests.factories import SeanceFactory
from tests.seances_world import build_programme
from tests.web import login


@pytest.mark.django_db
def test_a_seance_history_names_who_validated_it_and_what_changed(users):
    programme = build_programme(users)
    seance = SeanceFactory(
        programme=programme, groupe=programme.groupes.last(), fenetre=programme.fenetres.get(numero=2),
        date=datetime.date(2027, 2, 9), heure_debut=datetime.time(14, 0), intervenant=programme.intervenants.get(),
    )  # fmt: skip
    seance_validate(seance=seance, user=users["responsable"])
    url = reverse("history", kwargs={"label": "seances.seance", "pk": seance.pk})
    page = login(users["staff"]).get(url).content.decode()
    assert "Historique : Séance" in page
    assert "Création" in page and "Modification" in page
    assert str(users["responsable"]) in page
    assert "Proposée → <strong>Validée</strong>" in page
    for role in ("responsable", "prestataire", "conseiller", "intervenant", "evaluateur"):
        assert login(users[role]).get(url).status_code == 403


@pytest.mark.django_db
def test_unknown_models_and_comptes_rendus_have_no_history_page(users):
    staff = login(users["staff"])
    assert staff.get(reverse("history", kwargs={"label": "seances.compterendu", "pk": 1})).status_code == 404
    assert staff.get(reverse("history", kwargs={"label": "mlhg_app.user", "pk": 1})).status_code == 404
    assert staff.get(reverse("history", kwargs={"label": "seances.seance", "pk": 999999})).status_code == 404


@pytest.mark.django_db
def test_a_bilan_history_shows_its_steps_never_its_draft_text(users):
    programme = build_programme(users)
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    draft = {"thematiques": "Texte de brouillon confidentiel", "attention": "A", "preconisations": "P"}
    bilan_write(bilan=bilan, user=users["prestataire"], texts=draft)
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    page = login(users["staff"]).get(reverse("history", kwargs={"label": "bilans.bilan", "pk": bilan.pk}))
    text = page.content.decode()
    assert "brouillon → <strong>remis</strong>" in text
    assert "confidentiel" not in text
