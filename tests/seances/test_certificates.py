"""Participation certificates: a conseiller's yearly attestation (séances attended from the attendance records,
hours, the provider; nothing of what was said), for that conseiller and staff only; staff's bulk issue as an
export job making one ZIP of PDFs."""

import datetime
import html
import io
import subprocess
import zipfile

import pytest
from django.urls import reverse

from mlhg_app.exports import export_run
from mlhg_app.models import StoredExport
from mlhg_app.refusals import Refused
from seances.services.certificates import certificate_get, certificates_request
from tests.factories import EmargementFactory, UserFactory
from tests.seances_world import SECRET, build_programme, clock_at, groupe_of, held, make_seance

D = datetime.date
NOW = datetime.datetime(2027, 2, 1, 10, 0, tzinfo=datetime.UTC)


_now = clock_at(NOW)


@pytest.fixture
def programme(users):
    """The conseiller (Muretain) present at two séances réalisées, absent from a third; a colleague at one."""
    programme = build_programme(users)
    groupe = groupe_of(programme, "muretain")
    conseiller = users["conseiller"]
    colleague = UserFactory(role="conseiller", first_name="Inès", last_name="Barthe", antenne=conseiller.antenne)
    groupe.membres.add(colleague)
    first = programme.seances.get()  # the world's séance of 13 October 2026, now held
    first.status = "realisee"
    first.save()
    EmargementFactory(seance=first, presents=[conseiller, colleague])
    second = make_seance(programme, groupe, D(2027, 1, 19), fenetre=2)
    EmargementFactory(seance=second, presents=[conseiller])
    held(programme, groupe, ["Charge émotionnelle"], day=D(2026, 12, 1), fenetre=3)  # nobody recorded present
    return programme


def pdftotext(data: bytes) -> str:
    run = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(run.stdout.decode().replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_attestation_lists_the_seances_attended_the_hours_and_the_provider_and_nothing_said(programme, users):
    conseiller = users["conseiller"]
    pdf, filename = certificate_get(person=conseiller, programme=programme, user=conseiller)
    text = pdftotext(pdf)
    name = conseiller.get_full_name()
    assert filename.startswith("attestation-2026-2027-")
    assert (
        f"La Mission Locale Haute-Garonne atteste que {name}, de l'Antenne Muretain, a participé au cours de "
        f"l'année 2026-2027 à 2 séances d'analyse de pratiques professionnelles (APP), animées par "
        f"{programme.prestataire.raison_sociale}, soit 4 h au total."
    ) in text
    assert "mardi 13 octobre 2026" in text and "mardi 19 janvier 2027" in text
    assert "mardi 1er décembre 2026" not in text  # held, but the conseiller is not on its attendance sheet
    assert "Total4h" in text.replace(" ", "")  # pdftotext may drop the space in a right-aligned cell
    assert SECRET not in text and "Charge émotionnelle" not in text and "Barthe" not in text


def test_the_duration_of_the_programme_gives_the_hours(programme, users):
    programme.duree_minutes = 150
    programme.save()
    pdf, _ = certificate_get(person=users["conseiller"], programme=programme, user=users["staff"])
    assert "soit 5 h au total" in pdftotext(pdf)
    assert "9h30–12h002h30" in pdftotext(pdf).replace(" ", "")


def test_only_the_conseiller_and_staff_read_an_attestation(programme, users):
    conseiller = users["conseiller"]
    for role in ("prestataire", "responsable", "intervenant", "evaluateur"):
        with pytest.raises(Refused, match="qu'à la personne concernée et à la MLHG"):
            certificate_get(person=conseiller, programme=programme, user=users[role])
    colleague = programme.groupes.get(antenne__code="muretain").membres.exclude(pk=conseiller.pk).get()
    with pytest.raises(Refused):
        certificate_get(person=conseiller, programme=programme, user=colleague)


def test_the_conseiller_downloads_it_from_its_own_page(client, programme, users):
    client.force_login(users["conseiller"])
    page = html.unescape(client.get(reverse("seances:my_seances")).content.decode())
    url = reverse("seances:my_certificate", args=[programme.pk])
    assert f'<a href="{url}">Attestation de participation 2026-2027 (PDF)</a>' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "soit 4 h au total" in pdftotext(response.content)


def test_a_conseiller_with_no_seance_attended_gets_a_message_not_an_empty_attestation(client, programme, users):
    newcomer = UserFactory(role="conseiller", antenne=users["conseiller"].antenne)
    programme.groupes.get(antenne__code="muretain").membres.add(newcomer)
    client.force_login(newcomer)
    response = client.get(reverse("seances:my_certificate", args=[programme.pk]), follow=True)
    page = html.unescape(response.content.decode())
    assert "Aucune séance suivie en 2026-2027 n'est enregistrée à votre nom" in page
    assert "Mes attestations de participation" not in page


def test_staff_issue_every_attestation_in_one_zip_by_an_export_job(client, programme, users):
    client.force_login(users["staff"])
    response = client.post(reverse("seances:certificates_issue", args=[programme.pk]))
    export = StoredExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export", args=[export.pk])
    export_run(export_id=export.pk)  # what the queued job does (idempotent)
    export.refresh_from_db()
    assert export.status == StoredExport.Status.PRET
    assert export.filename == "attestations-participation-2026-2027.zip"
    with zipfile.ZipFile(io.BytesIO(export.fichier.read())) as archive:
        names = sorted(archive.namelist())
        texts = {name: pdftotext(archive.read(name)) for name in names}
    assert len(names) == 2  # the two people recorded present; nobody else
    assert any(name.endswith("barthe-ines.pdf") for name in names)
    assert sorted("soit 4 h au total" in t or "soit 2 h au total" in t for t in texts.values()) == [True, True]


def test_only_staff_issue_attestations_in_bulk(client, programme, users):
    for role in ("prestataire", "responsable", "conseiller", "intervenant"):
        client.force_login(users[role])
        assert client.post(reverse("seances:certificates_issue", args=[programme.pk])).status_code == 403, role
        with pytest.raises(Refused):
            certificates_request(programme=programme, user=users[role])
    assert StoredExport.objects.count() == 0
