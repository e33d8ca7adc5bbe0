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
from tests.e2e.dossier_sections import fill_sections
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


# What a saved section shows besides its message, checked before going back to the dossier.
SAVED_SHOWS = {
    "2. Équipe d'intervenants": lambda page: page.get_by_role("link", name="cv-marc-olivier.pdf"),
    "3. Méthodologie": lambda page: page.get_by_text("Total enregistré : 120 minutes."),
}


def _save_and_go_back(page, titre):
    _save_section(page, titre)
    if shows := SAVED_SHOWS.get(titre):
        expect(shows(page)).to_be_visible()
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

    fill_sections(page, cv_path, open_section=_open_section, save_section=_save_and_go_back, sites=2)

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
