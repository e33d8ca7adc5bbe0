"""Issue 15, a staff journey without /admin/: create next year's AMI from the current one, publish it after its
checks, publish a rectificatif of its text, answer a candidate's question for all."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ami.models import AMI
from ami.services.questions import question_ask
from tests.dossiers import complete_dossier, member
from tests.factories import PrestataireFactory

pytestmark = pytest.mark.e2e


def test_staff_create_publish_rectify_and_answer_a_question(page, live_server, user_for, login_through_form):
    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    staff = user_for("staff")
    deadline = timezone.localtime(timezone.now() + datetime.timedelta(days=60)).replace(microsecond=0)

    page.goto("/connexion/")
    login_through_form(page, staff.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Rédaction des AMI").click()
    page.get_by_role("link", name="Créer un AMI").click()
    page.get_by_label("Référence").fill("ami-app-suivant")
    page.get_by_label("Titre").fill("Analyse de Pratiques Professionnelles – année suivante")
    page.get_by_label("Date limite de dépôt (heure de Paris)").fill(deadline.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Brouillon : Analyse de Pratiques Professionnelles – année suivante"
    )
    expect(page.get_by_text("Toutes les vérifications sont satisfaites : l'AMI peut être publié.")).to_be_visible()

    page.get_by_role("link", name="Aperçu").first.click()
    expect(page.get_by_text("Aperçu — non publié.")).to_be_visible()
    page.get_by_role("link", name="Publier").first.click()
    expect(page.get_by_text("Aucun courriel n'est envoyé par la publication.")).to_be_visible()
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text(re.compile("est publié : sa page publique est ouverte"))).to_be_visible()
    ami = AMI.objects.get(reference="ami-app-suivant")
    assert ami.status == AMI.Status.PUBLIE

    # A candidate with a draft and a question (its own journey is tested elsewhere).
    horizons = PrestataireFactory(raison_sociale="Horizons Supervision")
    claire = member(horizons, "claire@horizons.fr")
    complete_dossier(ami=ami, prestataire=horizons)
    question = question_ask(ami=ami, user=claire, texte="Claire d'Horizons : un seul intervenant suffit-il ?")

    page.goto(f"/ami/appel/{ami.reference}/rectificatif/")
    page.locator("[name=form-2-texte]").fill("La MLHG lance un AMI pour ses 7 sites (texte rectifié).")
    page.get_by_label("Motif du rectificatif (communiqué aux candidats et publié)").fill("Précision de l'objet.")
    page.get_by_role("button", name="Voir les différences avant de publier").click()
    expect(page.get_by_text("1 compte de candidat inscrit recevra le rectificatif par courriel")).to_be_visible()
    page.get_by_role("button", name="Confirmer et publier le rectificatif").click()
    expect(page.get_by_text(re.compile(r"Version 2 du .* \(en vigueur\)"))).to_be_visible()
    expect(page.get_by_text("La MLHG lance un AMI pour ses 7 sites (texte rectifié).")).to_be_visible()

    page.goto(f"/ami/appel/{ami.reference}/questions/")
    page.get_by_role("link", name="Répondre").click()
    page.get_by_label("Question reformulée, telle qu'elle sera publiée").fill("Un seul intervenant suffit-il ?")
    page.get_by_label("Réponse").fill("Oui, s'il couvre les 7 sites.")
    page.get_by_role("button", name="Enregistrer et publier…").click()
    expect(page.get_by_text(re.compile("1 compte de candidat inscrit la recevra par courriel"))).to_be_visible()
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text("Question n° 1 publiée avec sa réponse")).to_be_visible()

    page.goto(f"/ami/appel/{ami.reference}/")
    expect(page.get_by_text("Un seul intervenant suffit-il ?")).to_be_visible()
    expect(page.get_by_text(re.compile("Horizons"))).to_have_count(0)
    question.refresh_from_db()
    assert question.numero == 1
    assert sorted(m.subject for m in mail.outbox if m.to == ["claire@horizons.fr"]) == [
        f"Questions et réponses n° 1 – {ami.titre}",
        f"Rectificatif : texte de l'appel modifié – {ami.titre}",
    ]
