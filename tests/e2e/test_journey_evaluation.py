"""Issue 4, whole journey: an evaluator declares no conflict, scores a recevable dossier and submits the grid."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ami.models import Dossier, Evaluation
from ami.services.eligibility import dossier_set_eligibility
from ami.services.evaluation import scored_criteria
from ami.services.submission import dossier_submit
from tests.dossiers import complete_dossier, member
from tests.factories import AMIFactory, PrestataireFactory, UserFactory

pytestmark = pytest.mark.e2e

ORGANISATION = "Cabinet Garonne Pratiques"


@pytest.fixture
def recevable_dossier(transactional_db):
    """A dossier deposited before the deadline (3 days ago), declared recevable; one evaluator."""
    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    now = timezone.now()
    ami = AMIFactory(reference="ami-e2e", titre="AMI APP 2026", date_limite=now - datetime.timedelta(days=3))
    staff = UserFactory(email="achats@ml31.org", role="staff", is_staff=True, antenne=None)
    evaluator = UserFactory(
        email="eval1@ml31.org", role="evaluateur", antenne=None, first_name="Élise", last_name="Comité"
    )
    ami.evaluateurs.set([evaluator])
    prestataire = PrestataireFactory(raison_sociale=ORGANISATION)
    candidate = member(prestataire, "claire@garonne-pratiques.fr")
    dossier = complete_dossier(ami=ami, prestataire=prestataire)
    dossier_submit(dossier=dossier, user=candidate, now=now - datetime.timedelta(days=4))
    dossier_set_eligibility(dossier=Dossier.objects.get(pk=dossier.pk), recevable=True, user=staff)
    return {"ami": ami, "dossier": dossier, "evaluator": evaluator}


def test_evaluator_declares_no_conflict_scores_three_criteria_and_submits(
    page, live_server, recevable_dossier, login_through_form, screenshot
):
    evaluator, dossier = recevable_dossier["evaluator"], recevable_dossier["dossier"]
    criteres = {c.code: c for c in scored_criteria(recevable_dossier["ami"])}
    assert list(criteres) == ["methodologie", "experience", "couverture"]  # the price is computed

    page.goto("/connexion/")
    login_through_form(page, evaluator.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes évaluations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes évaluations")
    row = page.get_by_role("row", name=re.compile(ORGANISATION))
    expect(row).to_contain_text("À commencer")
    row.get_by_role("link", name=ORGANISATION).click()

    # The declaration comes first: nothing of the dossier shows before it.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Évaluation du dossier de {ORGANISATION}")
    expect(page.get_by_role("heading", name="Déclaration de conflit d'intérêts")).to_be_visible()
    expect(page.get_by_text("Cabinet de psychologues du travail fondé en 2009 à Toulouse.")).to_have_count(0)
    page.get_by_label("Je déclare n'avoir aucun conflit d'intérêts avec ce candidat").check()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    expect(
        page.get_by_text("Absence de conflit d'intérêts enregistrée : vous pouvez évaluer ce dossier.")
    ).to_be_visible()
    expect(page.get_by_text("Cabinet de psychologues du travail fondé en 2009 à Toulouse.")).to_be_visible()

    notes = {
        "methodologie": ("8", "Méthode claire"),
        "experience": ("7", "Équipe expérimentée"),
        "couverture": ("9", "Les 7 sites"),
    }
    for code, (score, commentaire) in notes.items():
        page.locator(f"[name=score_{criteres[code].pk}]").fill(score)
        page.locator(f"[name=commentaire_{criteres[code].pk}]").fill(commentaire)
    screenshot(page, "11-grille-evaluateur")
    page.get_by_role("button", name="Soumettre ma grille").click()

    expect(page.get_by_text(re.compile(r"^Votre grille est soumise\."))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Grille soumise le .* : elle est verrouillée\."))).to_be_visible()
    expect(page.get_by_role("button", name="Soumettre ma grille")).to_have_count(0)
    grid = page.get_by_role("table")
    for code, (score, commentaire) in notes.items():
        expect(grid.get_by_role("row", name=re.compile(criteres[code].libelle))).to_contain_text(
            f"{score}/10{commentaire}"
        )
    expect(page.get_by_text("Aucune autre grille soumise pour le moment.")).to_be_visible()

    evaluation = Evaluation.objects.get(dossier=dossier, evaluateur=evaluator)
    assert evaluation.submitted_at is not None and evaluation.conflit is False
