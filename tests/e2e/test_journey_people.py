"""Browser journey: staff import the people from the HR export (XLSX), preview, confirm, find them."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from mlhg_app.models import User

pytestmark = pytest.mark.e2e


def test_staff_import_the_people_from_an_xlsx_and_find_them_in_the_directory(
    logged_in_page, live_server, tmp_path, screenshot
):
    call_command("load_mlhg", stdout=io.StringIO())
    page = logged_in_page("staff")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Personnes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    page.get_by_role("link", name="Importer l'export RH").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer l'export du personnel")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger un modèle (XLSX)").click()
    template = tmp_path / "modele.xlsx"
    download.value.save_as(template)
    assert [c.value for c in load_workbook(template).active[1]] == [
        "Nom",
        "Prénom",
        "Courriel",
        "Antenne",
        "Fonction",
        "Encadrant",
    ]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Courriel", "Antenne", "Fonction", "Encadrant"])
    sheet.append(["Roux", "Camille", "camille.roux@ml31.org", "Nord-Est", "Conseillère en insertion", "non"])
    sheet.append(["Ribes", "Olivier", "olivier.ribes@ml31.org", "Muretain", "Chef d'antenne", "oui"])
    sheet.append(["Paris", "Léa", "lea@ml31.org", "Antenne de Paris", "Conseillère", "non"])
    wrong = tmp_path / "rh.xlsx"
    workbook.save(wrong)
    page.get_by_label("Export du personnel (XLSX ou CSV)").set_input_files(wrong)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_text("1 erreur : l'import ne peut pas être confirmé")).to_be_visible()
    expect(page.get_by_text("Ligne 4, colonne « Antenne » : antenne inconnue « Antenne de Paris »")).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer", exact=False)).to_have_count(0)
    screenshot(page, "personnes-apercu-erreur")

    sheet.delete_rows(4)
    right = tmp_path / "rh-corrige.xlsx"
    workbook.save(right)
    page.get_by_role("link", name="← Importer un autre fichier").click()
    page.get_by_label("Export du personnel (XLSX ou CSV)").set_input_files(right)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Personnes créées (2)")).to_be_visible()
    assert not User.objects.filter(email="camille.roux@ml31.org").exists()
    page.get_by_role("button", name="Confirmer et enregistrer ces 2 changements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import « rh-corrige.xlsx » appliqué")
    screenshot(page, "personnes-import-applique")

    page.get_by_role("link", name="← Personnes").click()
    page.get_by_label("Nom ou adresse").fill("ribes")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Ribes Olivier")).to_be_visible()
    assert User.objects.get(email="olivier.ribes@ml31.org").is_manager
