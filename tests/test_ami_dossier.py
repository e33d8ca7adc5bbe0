"""The candidate's dossier: sections saved as drafts, files checked by content, completeness, isolation."""

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ami.completeness import dossier_completeness
from ami.models import Dossier, Fichier, Intervenant
from tests.dossiers import PDF_BYTES, complete_dossier, member
from tests.factories import AMIFactory, PrestataireFactory

PARIS = ZoneInfo("Europe/Paris")
BEFORE = datetime.datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)


def login(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def candidate(reference):
    ami = AMIFactory(reference="ami-2026")
    prestataire = PrestataireFactory(raison_sociale="Horizons Supervision")
    user = member(prestataire, "claire@horizons.fr")
    with time_machine.travel(BEFORE, tick=True):
        yield {"ami": ami, "prestataire": prestataire, "user": user, "client": login(user)}


def start(candidate) -> Dossier:
    client = candidate["client"]
    page = client.get(reverse("ami:dossier_start", args=["ami-2026"]))
    assert "Commencer ma candidature" in page.content.decode()
    response = client.post(reverse("ami:dossier_start", args=["ami-2026"]))
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("ami:dossier", args=[dossier.pk])
    # a second start lands on the same dossier
    client.post(reverse("ami:dossier_start", args=["ami-2026"]))
    assert Dossier.objects.count() == 1
    return dossier


def section_url(dossier, section):
    return reverse("ami:dossier_section", args=[dossier.pk, section])


@pytest.mark.django_db
def test_a_new_dossier_lists_what_is_missing_in_each_section(candidate):
    dossier = start(candidate)
    page = candidate["client"].get(reverse("ami:dossier", args=[dossier.pk])).content.decode()
    assert "0/6 sections complètes" in page
    assert "Il manque : la présentation de la structure, l&#x27;activité." in page
    assert "Il manque : au moins un intervenant." in page
    assert "Le dossier n'est pas complet" in page


@pytest.mark.django_db
def test_sections_save_as_drafts_and_the_methodology_needs_120_minutes(candidate):
    dossier = start(candidate)
    client = candidate["client"]
    client.post(
        section_url(dossier, "structure"),
        {"presentation": "Cabinet toulousain", "statut_juridique": "SARL", "activite": "APP"},
    )
    dossier.refresh_from_db()
    assert (dossier.presentation, dossier.activite) == ("Cabinet toulousain", "APP")

    data = {
        "approche": "autre",
        "approche_autre": "",
        "justification": "Parce que",
        "etapes-TOTAL_FORMS": "2",
        "etapes-INITIAL_FORMS": "0",
        "etapes-0-libelle": "Accueil",
        "etapes-0-duree_minutes": "45",
        "etapes-1-libelle": "Analyse",
        "etapes-1-duree_minutes": "60",
    }
    page = client.post(section_url(dossier, "methodologie"), data).content.decode()
    assert "Précisez l&#x27;approche « autre »." in page
    assert "Parce que</textarea>" in page  # nothing typed is lost
    data["approche_autre"] = "GEASE"
    response = client.post(section_url(dossier, "methodologie"), data, follow=True)
    assert (
        "Les étapes totalisent 105 minutes : le déroulé d&#x27;une séance doit totaliser 120 minutes (2 heures)."
        in response.content.decode()
    )
    methodologie = dossier_completeness(Dossier.objects.get())[2]
    assert "un déroulé de 120 minutes (actuellement 105)" in methodologie.missing
    assert [e.libelle for e in Dossier.objects.get().etapes.all()] == ["Accueil", "Analyse"]


@pytest.mark.django_db
def test_financial_section_checks_vat_and_shows_the_annual_totals(candidate):
    dossier = start(candidate)
    client = candidate["client"]
    data = {
        "prix_seance_groupe": "450",
        "prix_seance_sous_groupe": "0",
        "regime_tva": "assujetti",
        "modalites_facturation": "30 jours",
    }
    page = client.post(section_url(dossier, "financier"), data).content.decode()
    assert "Le prix doit être supérieur à 0 €." in page
    assert "Indiquez le taux de TVA applicable (par exemple 20)." in page
    data.update({"prix_seance_sous_groupe": "400", "taux_tva": "20"})
    page = client.post(section_url(dossier, "financier"), data, follow=True).content.decode()
    assert "9\xa0450,00 € HT" in page
    assert "TVA 1\xa0890,00 €" in page
    assert "11\xa0340,00 € TTC" in page
    page = client.post(
        section_url(dossier, "financier"), {**data, "regime_tva": "exonere", "taux_tva": ""}
    ).content.decode()
    assert "Indiquez la mention légale d&#x27;exonération" in page


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.django_db
def test_files_are_recognised_by_content_and_limited_in_size(candidate, settings):
    dossier = start(candidate)
    client = candidate["client"]
    intervenant = Intervenant.objects.create(
        dossier=dossier, prenom="Marc", nom="Olivier", qualification="psychologue", annees_experience_app=12
    )
    url = section_url(dossier, "equipe")

    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 pas un pdf", content_type="application/pdf")
    page = client.post(url, {"action": "upload", "intervenant": intervenant.pk, "fichier": fake}).content.decode()
    assert "Le fichier « cv.pdf » n&#x27;est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : exécutable)." in page
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * (12 * 1024 * 1024), content_type="application/pdf")
    page = client.post(url, {"action": "upload", "intervenant": intervenant.pk, "fichier": big}).content.decode()
    assert "Le fichier « gros.pdf » pèse 12,0 Mo : la limite est de 10 Mo par fichier." in page
    assert Fichier.objects.count() == 0

    docx = SimpleUploadedFile("C.V. Marc Olivier (2026).docx", docx_bytes())
    client.post(url, {"action": "upload", "intervenant": intervenant.pk, "fichier": docx})
    stored = Fichier.objects.get()
    assert stored.nom == "C.V.-Marc-Olivier-2026.docx"
    assert stored.type_mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    download = client.get(reverse("ami:fichier_download", args=[dossier.pk, stored.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="C.V.-Marc-Olivier-2026.docx"'

    # the 50 MB per dossier
    for i in range(5):
        Fichier.objects.create(
            dossier=dossier,
            kind="recommandation",
            nom=f"l{i}.pdf",
            taille=9 * 1024 * 1024,
            sha256="0" * 64,
            type_mime="application/pdf",
            fichier="x",
        )
    letter = SimpleUploadedFile("lettre.pdf", b"%PDF-1.4" + b"0" * (6 * 1024 * 1024))
    page = client.post(section_url(dossier, "references"), {"action": "upload", "fichier": letter}).content.decode()
    assert "dépasserait la limite de 50 Mo par dossier" in page


@pytest.mark.django_db
def test_another_organisation_gets_404_on_the_dossier_its_sections_and_files(candidate):
    with time_machine.travel(BEFORE, tick=True):
        dossier = complete_dossier(ami=candidate["ami"], prestataire=candidate["prestataire"])
    fichier = dossier.fichiers.get()
    other = login(member(PrestataireFactory(), "autre@concurrent.fr"))
    for url in [
        reverse("ami:dossier", args=[dossier.pk]),
        section_url(dossier, "structure"),
        section_url(dossier, "equipe"),
        reverse("ami:fichier_download", args=[dossier.pk, fichier.pk]),
    ]:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("ami:fichier_remove", args=[dossier.pk, fichier.pk])).status_code == 404
    assert other.post(section_url(dossier, "structure"), {"presentation": "piraté"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).presentation != "piraté"
    # the organisation's own account reaches everything
    assert candidate["client"].get(reverse("ami:fichier_download", args=[dossier.pk, fichier.pk])).status_code == 200


@pytest.mark.django_db
def test_a_removed_file_of_a_submitted_version_stays_with_that_version(candidate):
    from ami.services.submission import dossier_submit

    dossier = complete_dossier(ami=candidate["ami"], prestataire=candidate["prestataire"])
    version = dossier_submit(dossier=dossier, user=candidate["user"])
    fichier = dossier.fichiers.get()
    candidate["client"].post(reverse("ami:fichier_remove", args=[dossier.pk, fichier.pk]))
    fichier.refresh_from_db()
    assert fichier.detache_at is not None
    assert list(version.fichiers.all()) == [fichier]
    assert "le CV de Marc Olivier" in dossier_completeness(Dossier.objects.get())[1].missing
    # a draft-only file is deleted for good
    extra = Fichier.objects.create(
        dossier=dossier,
        kind="recommandation",
        nom="x.pdf",
        taille=len(PDF_BYTES),
        sha256="0" * 64,
        type_mime="application/pdf",
        fichier="x.pdf",
    )
    candidate["client"].post(reverse("ami:fichier_remove", args=[dossier.pk, extra.pk]))
    assert not Fichier.objects.filter(pk=extra.pk).exists()


@pytest.mark.django_db
def test_a_complete_dossier_reaches_6_of_6(candidate):
    dossier = complete_dossier(ami=candidate["ami"], prestataire=candidate["prestataire"])
    page = candidate["client"].get(reverse("ami:dossier", args=[dossier.pk])).content.decode()
    assert "6/6 sections complètes" in page
    assert "Déposer le dossier" in page
