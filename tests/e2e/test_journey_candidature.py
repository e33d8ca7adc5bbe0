"""Issue 3, whole journey: a visitor registers an organisation, fills the six sections, deposits, gets the receipt."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ami.models import DossierVersion
from tests.dossiers import PDF_BYTES
from tests.e2e.browser import account_menu
from tests.factories import AMIFactory
from tests.forms import REGISTRATION_FORM

pytestmark = pytest.mark.e2e

PASSWORD = "Un-mot-de-passe-solide-2026"
ORGANISATION = "Cabinet Garonne Pratiques"
EMAIL = "claire.delmas@garonne-pratiques.fr"


@pytest.fixture
def open_ami(transactional_db):
    call_command("load_mlhg", stdout=open("/dev/null", "w"))
    return AMIFactory(
        reference="ami-e2e",
        titre="Analyse de pratiques professionnelles 2026",
        date_limite=timezone.now() + datetime.timedelta(days=10),
    )


def _register(page):
    form = page.get_by_role("main").locator("form")
    for name, value in {
        **REGISTRATION_FORM,
        "raison_sociale": ORGANISATION,
        "adresse": "12 allée Jean Jaurès",
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }.items():
        form.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Créer mon compte").click()


def _save_section(page, titre):
    page.get_by_role("main").get_by_role("button", name="Enregistrer le brouillon").last.click()
    expect(page.get_by_text(f"Section « {titre} » enregistrée (brouillon).")).to_be_visible()


def _open_section(page, titre):
    page.get_by_role("link", name=f"Modifier la section {titre}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titre)


def _fill_sections(page, cv_path):
    _open_section(page, "1. Structure")
    page.locator("[name=presentation]").fill("Cabinet de psychologues du travail fondé en 2009 à Toulouse.")
    page.locator("[name=activite]").fill("Analyse de pratiques, supervision d'équipes.")
    page.locator("[name=references_resume]").fill("Missions locales, CCAS.")
    _save_section(page, "1. Structure")
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()

    _open_section(page, "2. Équipe d'intervenants")
    page.locator("[name=intervenants-0-prenom]").fill("Marc")
    page.locator("[name=intervenants-0-nom]").fill("Olivier")
    page.locator("[name=intervenants-0-qualification]").select_option("psychologue")
    page.locator("[name=intervenants-0-annees_experience_app]").fill("12")
    antennes = page.locator("[name=intervenants-0-antennes]")
    antennes.first.check()
    antennes.nth(1).check()
    page.locator("[name=intervenants-0-cv]").set_input_files(str(cv_path))
    _save_section(page, "2. Équipe d'intervenants")
    expect(page.get_by_role("link", name="cv-marc-olivier.pdf")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()

    _open_section(page, "3. Méthodologie")
    page.locator("[name=approche]").select_option("codeveloppement")
    page.locator("[name=justification]").fill("Le codéveloppement structure l'entraide entre pairs.")
    for index, (libelle, minutes) in enumerate(
        [("Accueil et météo", 15), ("Exposé de la situation", 25), ("Questions et hypothèses", 60), ("Bilan", 20)]
    ):
        page.locator(f"[name=etapes-{index}-libelle]").fill(libelle)
        page.locator(f"[name=etapes-{index}-duree_minutes]").fill(str(minutes))
    page.locator("[name=posture]").fill("Garant du cadre, non directif.")
    page.locator("[name=garantie_cadre]").fill("Confidentialité rappelée à chaque séance.")
    page.locator("[name=garantie_non_jugement]").fill("Charte de non-jugement.")
    page.locator("[name=garantie_intelligence_collective]").fill("Tour de questions puis de suggestions.")
    page.locator("[name=garantie_problematique]").fill("Une situation vécue exposée par un participant.")
    _save_section(page, "3. Méthodologie")
    expect(page.get_by_text("Total enregistré : 120 minutes.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()

    _open_section(page, "4. Références")
    page.locator("[name=references-0-structure]").fill("Mission Locale de l'Ariège")
    page.locator("[name=references-0-annee]").fill("2024")
    page.locator("[name=references-0-contact]").fill("direction@ml09.fr")
    _save_section(page, "4. Références")
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()

    _open_section(page, "5. Proposition financière")
    page.locator("[name=prix_seance_groupe]").fill("450,00")
    page.locator("[name=prix_seance_sous_groupe]").fill("400,00")
    page.locator("[name=regime_tva][value=assujetti]").check()
    page.locator("[name=taux_tva]").fill("20")
    page.locator("[name=modalites_facturation]").fill("Facture trimestrielle, paiement à 30 jours.")
    _save_section(page, "5. Proposition financière")
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()

    _open_section(page, "6. Disponibilités")
    page.locator("[name=demarrage_septembre][value=oui]").check()
    for checkbox in page.locator("[name=antennes_couvertes]").all():
        checkbox.check()
    _save_section(page, "6. Disponibilités")
    page.get_by_role("link", name=re.compile("^Dossier – ")).click()


def test_visitor_registers_fills_the_six_sections_deposits_and_downloads_the_receipt(
    page, live_server, open_ami, tmp_path, screenshot
):
    cv_path = tmp_path / "cv-marc-olivier.pdf"
    cv_path.write_bytes(PDF_BYTES)

    # The public page of the AMI: depositing needs an account.
    page.goto(f"/ami/appel/{open_ami.reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(open_ami.titre)
    page.get_by_role("link", name="Déposer une candidature").click()
    expect(page).to_have_url(re.compile(r"/connexion/\?next="))
    page.go_back()
    page.get_by_role("link", name="Inscrivez votre organisation").click()

    # Registration, then the verification link of the email.
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire mon organisation")
    _register(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    expect(page.get_by_text(f"Nous avons envoyé un lien de vérification à {EMAIL}.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(urlsplit(link).path)
    expect(page.get_by_text("Votre adresse électronique est vérifiée : votre compte est activé.")).to_be_visible()
    expect(account_menu(page)).to_be_visible()  # logged in: their name in the menu

    # Back to the AMI, the candidature starts.
    page.get_by_role("link", name=open_ami.titre).click()
    page.get_by_role("link", name="Déposer une candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Candidater à l'appel « {open_ami.titre} »")
    page.get_by_role("button", name="Commencer ma candidature").click()
    expect(page.get_by_text("Votre dossier est créé : complétez les six sections")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Sections complètes")).to_have_text("0/6 sections complètes")

    _fill_sections(page, cv_path)

    expect(page.get_by_role("progressbar", name="Sections complètes")).to_have_text("6/6 sections complètes")
    screenshot(page, "10-dossier-candidat")
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_text(re.compile(r"Votre dossier est déposé : version 1, reçue le"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Dossier déposé : version 1"))).to_be_visible()

    version = DossierVersion.objects.get()
    versions = page.get_by_role("table")
    expect(versions.get_by_role("row").nth(1)).to_contain_text(version.sha256)
    with page.expect_download() as download_info:
        versions.get_by_role("link", name="Télécharger (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert ORGANISATION.replace(" ", "") in flat
    assert "SHA-256" in text
    assert version.sha256 in flat
