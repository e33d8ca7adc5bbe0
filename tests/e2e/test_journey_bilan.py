"""Issue 7, whole journey: the prestataire remits the bilan; the responsable reads it (charts included),
comments a section, prepares the PDF (the page polls the job) and validates."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from bilans.models import EXPORT_VERSION, Bilan
from bilans.services.opening import bilan_open
from bilans.services.writing import bilan_write
from mlhg_app.exports import export_run
from tests.e2e.browser import log_out
from tests.factories import StoredExportFactory
from tests.seances_world import build_programme

pytestmark = pytest.mark.e2e

TEXTS = {
    "thematiques": "La charge émotionnelle revient dans la plupart des groupes.",
    "attention": "Prévoir un temps d'échange en équipe après un incident à l'accueil.",
    "preconisations": "Garder des séances de deux heures, en début de matinée.",
}


@pytest.fixture
def written(transactional_db, users):
    programme = build_programme(users)
    bilan = bilan_open(programme=programme, user=users["prestataire"])
    bilan_write(bilan=bilan, user=users["prestataire"], texts=TEXTS)
    return bilan


def test_responsable_comments_and_validates_the_bilan(
    page, live_server, users, written, login_through_form, screenshot
):
    bilan = written
    page.goto("/connexion/")
    login_through_form(page, users["prestataire"].email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bilans annuels").click()
    page.get_by_role("link", name=f"Bilan {bilan.annee}").click()
    page.get_by_role("button", name="Remettre la version 1 au responsable").click()
    expect(page.get_by_text("La version 1 du bilan est remise")).to_be_visible()
    log_out(page)

    page.goto("/connexion/")
    login_through_form(page, users["responsable"].email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bilans annuels").click()
    page.get_by_role("link", name=f"Bilan {bilan.annee}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bilan annuel {bilan.annee}")
    expect(page.get_by_text(TEXTS["attention"])).to_be_visible()
    charts = page.get_by_role("img", name="Séances dues, tenues et annulées par site")
    expect(charts).to_be_visible()  # inline SVG, drawn under the Content-Security-Policy
    assert charts.evaluate("svg => svg.getBoundingClientRect().width > 100"), "le graphique s'affiche"
    expect(page.get_by_role("img", name="Thèmes abordés")).to_be_visible()

    page.get_by_label("Commenter « Points d'attention et recommandations générales »").fill(
        "Pouvez-vous préciser qui anime ce temps d'échange ?"
    )
    mail.outbox.clear()
    page.get_by_role("button", name="Envoyer le commentaire").nth(1).click()
    expect(page.get_by_text("Votre commentaire est enregistré")).to_be_visible()
    expect(page.get_by_text("Pouvez-vous préciser qui anime ce temps d'échange ?")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[users["prestataire"].email]]

    page.get_by_role("button", name="Préparer le PDF").click()
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
    screenshot(page, "13-bilan-responsable")

    page.get_by_role("button", name="Valider la version 1").click()
    expect(page.get_by_text(f"Le bilan {bilan.annee} est validé")).to_be_visible()
    expect(page.get_by_role("button", name="Valider la version 1")).to_have_count(0)
    bilan.refresh_from_db()
    assert bilan.status == Bilan.Status.VALIDE

    # A job still queued: the page says so, polls, and shows the link once the worker is done.
    pending = StoredExportFactory(
        kind=EXPORT_VERSION, object_id=bilan.versions.get().pk, demande_par=users["responsable"]
    )
    page.reload()
    item = page.locator(f"[data-status-url$='/export/{pending.pk}/']")
    expect(item.get_by_role("status")).to_have_text("en attente")
    expect(item.get_by_role("link", name="Télécharger le PDF")).to_be_hidden()
    export_run(export_id=pending.pk)
    expect(item.get_by_role("status")).to_have_text("prêt")
    expect(item.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
