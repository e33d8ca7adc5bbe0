"""Attendance (émargement): the PDF sheet, who may read it, recording who attended, the séance's status."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from seances.models import Emargement, Seance
from tests.factories import IntervenantProgrammeFactory, MembreFactory, SeanceFactory, UserFactory
from tests.seances_world import build_programme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AFTER = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=PARIS)
BEFORE = datetime.datetime(2026, 10, 1, 10, 0, tzinfo=PARIS)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def seance(programme, users):
    seance = programme.seances.get()
    groupe = seance.groupe
    groupe.membres.add(
        UserFactory(email="zoe.azema@exemple.fr", first_name="Zoé", last_name="Azéma", antenne=groupe.antenne),
        UserFactory(
            email="adele.bousquet@exemple.fr", first_name="Adèle", last_name="Bousquet", antenne=groupe.antenne
        ),
    )
    return seance


@pytest.fixture
def after():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def before():
    with time_machine.travel(BEFORE, tick=False):
        yield


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _other_intervenant_seance(programme):
    """A séance facilitated by another intervenant (with their own account)."""
    account = UserFactory(email="autre.intervenant@exemple.fr", role="intervenant", antenne=None)
    other = IntervenantProgrammeFactory(programme=programme, user=account, prenom="Anne", nom="Sabatier")
    groupe = programme.groupes.exclude(antenne__code="muretain").first()
    return SeanceFactory(
        programme=programme,
        groupe=groupe,
        fenetre=programme.fenetres.get(numero=1),
        date=datetime.date(2026, 10, 15),
        intervenant=other,
        status=Seance.Status.CONVOQUEE,
    ), account


def test_sheet_pdf_has_members_by_name_date_time_site_intervenant_and_signatures(client, users, seance, after):
    response = _login(client, users["intervenant"]).get(reverse("seances:attendance_pdf", args=[seance.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="emargement-2026-10-13-muretain-1.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    antenne = seance.groupe.antenne
    assert "Feuille d'émargement" in text
    assert "mardi 13 octobre 2026" in text
    assert "9\xa0h\xa030 – 11\xa0h\xa030" in text
    assert antenne.nom in text
    assert f"{antenne.adresse}, {antenne.code_postal} {antenne.ville}" in text
    assert "Marc Olivier" in text
    assert "Signature" in text
    conseiller = users["conseiller"]
    positions = [text.index("AZÉMA"), text.index("BOUSQUET"), text.index(conseiller.last_name.upper())]
    assert positions == sorted(positions)
    assert "Zoé" in text and "Adèle" in text


def test_sheet_for_the_seance_intervenant_the_prestataire_and_staff_only(client_for, users, programme, seance):
    url = reverse("seances:attendance_pdf", args=[seance.pk])
    for role in ["staff", "prestataire", "intervenant"]:
        assert client_for(role).get(url).status_code == 200, role
    for role in ["responsable", "conseiller", "evaluateur"]:
        assert client_for(role).get(url).status_code == 403, role
    other_seance, other_account = _other_intervenant_seance(programme)
    from django.test import Client

    other = _login(Client(), other_account)
    assert other.get(url).status_code in (403, 404)
    assert other.get(reverse("seances:attendance_pdf", args=[other_seance.pk])).status_code == 200
    stranger = UserFactory(email="autre.prestataire@exemple.fr", role="prestataire", antenne=None)
    MembreFactory(user=stranger, email_verified_at=None)
    assert _login(Client(), stranger).get(url).status_code in (403, 404)


def test_recording_attendance_sets_the_seance_held_and_keeps_the_scan(client, users, seance, after):
    members = list(seance.groupe.membres.order_by("last_name"))
    c = _login(client, users["intervenant"])
    url = reverse("seances:attendance", args=[seance.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert "AZÉMA Zoé" in page.content.decode()

    response = c.post(
        url,
        {"presents": [members[0].pk, members[1].pk], "feuille": SimpleUploadedFile("scan.png", PNG, "image/png")},
        follow=True,
    )

    assert "L&#x27;émargement est enregistré : 2 présents sur 3." in response.content.decode()
    emargement = Emargement.objects.get(seance=seance)
    assert set(emargement.presents.all()) == {members[0], members[1]}
    assert emargement.recorded_by == users["intervenant"]
    assert emargement.feuille_signee.name.endswith(".png")
    seance.refresh_from_db()
    assert seance.status == Seance.Status.REALISEE


def test_a_validated_seance_also_becomes_held_and_the_prestataire_may_record(client, users, seance, after):
    seance.status = Seance.Status.VALIDEE
    seance.save()
    member = seance.groupe.membres.first()
    response = _login(client, users["prestataire"]).post(
        reverse("seances:attendance", args=[seance.pk]), {"presents": [member.pk]}
    )
    assert response.status_code == 302
    seance.refresh_from_db()
    assert seance.status == Seance.Status.REALISEE
    assert list(seance.emargement.presents.all()) == [member]


def test_the_sheet_is_checked_by_content(client, users, seance, after):
    response = _login(client, users["intervenant"]).post(
        reverse("seances:attendance", args=[seance.pk]),
        {"feuille": SimpleUploadedFile("feuille.pdf", b"ceci est un texte", "application/pdf")},
    )
    assert response.status_code == 200
    assert "Le fichier « feuille.pdf » n&#x27;est pas un PDF, JPEG ou PNG (contenu reconnu : texte)." in (
        response.content.decode()
    )
    assert not Emargement.objects.exists()


def test_attendance_refused_before_the_seance(client, users, seance, before):
    c = _login(client, users["intervenant"])
    url = reverse("seances:attendance", args=[seance.pk])
    message = (
        "La séance du mardi 13 octobre 2026 à 9\xa0h\xa030 n&#x27;a pas encore eu lieu : "
        "l&#x27;émargement se saisit une fois la séance passée."
    )
    assert message in c.get(url).content.decode()
    response = c.post(url, {"presents": [users["conseiller"].pk]})
    assert message in response.content.decode()
    assert not Emargement.objects.exists()
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE


def test_an_intervenant_cannot_record_another_intervenants_seance(client, users, programme, seance, after):
    other_seance, _account = _other_intervenant_seance(programme)
    c = _login(client, users["intervenant"])
    for name in ["seances:attendance", "seances:compte_rendu", "seances:attendance_pdf"]:
        assert c.get(reverse(name, args=[other_seance.pk])).status_code in (403, 404), name
    response = c.post(reverse("seances:attendance", args=[other_seance.pk]), {"presents": []})
    assert response.status_code in (403, 404)
    assert not Emargement.objects.exists()
    other_seance.refresh_from_db()
    assert other_seance.status == Seance.Status.CONVOQUEE


def test_only_group_members_can_be_marked_present(client, users, seance, after):
    outsider = UserFactory(email="hors.groupe@exemple.fr")
    response = _login(client, users["intervenant"]).post(
        reverse("seances:attendance", args=[seance.pk]), {"presents": [outsider.pk]}
    )
    assert response.status_code == 200
    assert not Emargement.objects.exists()


def test_my_seances_links_past_seances_to_the_sheet_the_attendance_and_the_compte_rendu(client, users, seance, after):
    content = _login(client, users["intervenant"]).get(reverse("seances:my_seances")).content.decode()
    assert reverse("seances:attendance_pdf", args=[seance.pk]) in content
    assert reverse("seances:attendance", args=[seance.pk]) in content
    assert reverse("seances:compte_rendu", args=[seance.pk]) in content
    assert "rédiger le compte rendu" in content


@pytest.mark.parametrize("size", [9, 17])
def test_sheet_fits_on_one_page_with_the_intervenants_signature_up_to_17_people(client, users, seance, after, size):
    groupe = seance.groupe
    for i in range(size - groupe.membres.count()):
        groupe.membres.add(
            UserFactory(
                email=f"membre{i}@exemple.fr",
                first_name=f"Marie-Christine{i}",
                last_name=f"Dupont-Lafargue{i}",
                antenne=groupe.antenne,
            )
        )
    assert groupe.membres.filter(is_active=True).count() == size
    response = _login(client, users["intervenant"]).get(reverse("seances:attendance_pdf", args=[seance.pk]))

    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "Signature de l'intervenant" in text
    assert "Marc Olivier" in text
    assert f"DUPONT-LAFARGUE{size - 4}" in text
