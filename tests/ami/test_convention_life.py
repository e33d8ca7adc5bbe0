"""The convention's life: établie → envoyée pour signature → signée (the signed PDF uploaded by either side,
checked by its content), then dated avenants that the programme and the statements follow from their date."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from ami.models import Avenant, Convention
from ami.selectors import convention_terms
from ami.services.convention import avenant_create, convention_send, signed_copy_upload
from mlhg_app.refusals import Refused
from seances.models import Groupe, Programme, Seance
from seances.selectors import seances_due
from seances.services.billing import statement_create
from seances.services.programme import programme_create_from_convention
from tests.committee import AFTER, decide, scored
from tests.conventions import pdf_upload, sent_and_signed, signed_avenant, signed_copy_of_itself
from tests.dossiers import PDF_BYTES, member
from tests.factories import PrestataireFactory, SeanceFactory
from tests.web import flash, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_text(data: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def _read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def convention(committee):
    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        decide(committee)
    return Convention.objects.select_related("dossier__prestataire").get()


@pytest.fixture
def member_user(convention):
    return convention.dossier.prestataire.membres.select_related("user").first().user


def _signed(convention, staff):
    with time_machine.travel(AFTER + datetime.timedelta(days=1), tick=False):
        sent_and_signed(convention, staff)
    convention.refresh_from_db()
    return convention


@pytest.mark.django_db
def test_staff_send_the_convention_and_the_prestataire_uploads_it_signed(
    convention, committee, member_user, django_capture_on_commit_callbacks
):
    staff = login(committee["staff"])
    page = staff.get(reverse("ami:convention_detail", args=[convention.pk])).content.decode()
    assert "Établie" in page and "Pas encore envoyée pour signature." in page

    sent_at = AFTER + datetime.timedelta(days=1)
    with time_machine.travel(sent_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ami:convention_send", args=[convention.pk]))
    assert flash(response) == "Convention envoyée pour signature : le prestataire la reçoit en PDF."
    convention.refresh_from_db()
    assert (convention.status, convention.sent_at, convention.sent_by) == ("envoyee", sent_at, committee["staff"])
    [email] = [m for m in mail.outbox if m.subject.startswith("Convention de prestation")]
    assert email.to == [member_user.email]
    assert email.subject == f"Convention de prestation {convention.numero} à signer"
    assert convention.numero in pdf_text(email.attachments[0][1])

    prestataire = login(member_user)
    response = prestataire.get(reverse("ami:convention_detail", args=[convention.pk]))
    assert response.status_code == 200, response
    page = response.content.decode()
    assert "Envoyée pour signature" in page and "Déposer l'exemplaire signé" in page

    signed_at = sent_at + datetime.timedelta(days=2)
    with time_machine.travel(signed_at, tick=False):
        response = prestataire.post(
            reverse("ami:convention_sign", args=[convention.pk]), {"fichier": pdf_upload(convention.fichier)}
        )
    assert flash(response) == "Exemplaire signé enregistré : la convention est signée."
    convention.refresh_from_db()
    assert (convention.status, convention.signed_at, convention.signed_by) == ("signee", signed_at, member_user)
    assert _read(convention.fichier_signe) == _read(convention.fichier)
    assert len(convention.signe_sha256) == 64
    assert prestataire.get(reverse("ami:convention_signed_pdf", args=[convention.pk])).status_code == 200
    last = convention.history.order_by("-history_id").first()
    assert (last.history_user, last.history_change_reason) == (member_user, "Statut : Signée")


@pytest.mark.django_db
def test_a_signed_copy_that_is_not_the_convention_is_refused_in_french(convention, committee, member_user):
    with time_machine.travel(AFTER + datetime.timedelta(days=1), tick=False):
        convention_send(convention=convention, user=committee["staff"])
        client = login(member_user)
        url = reverse("ami:convention_sign", args=[convention.pk])
        cases = [
            (SimpleUploadedFile("signee.pdf", PNG), "Le fichier « signee.pdf » n&#x27;est pas un PDF"),
            (
                SimpleUploadedFile("autre.pdf", PDF_BYTES),
                "Le fichier « autre.pdf » ne semble pas être cette convention : son texte ne contient pas le numéro "
                + convention.numero,
            ),
        ]
        lettre = convention.decision.lettres.get(dossier=convention.dossier)
        cases.append(
            (
                pdf_upload(lettre.fichier, "lettre.pdf"),
                "Le fichier « lettre.pdf » ne semble pas être cette convention",
            )
        )
        for upload, message in cases:
            response = client.post(url, {"fichier": upload})
            assert response.status_code == 200
            assert message in response.content.decode()
    convention.refresh_from_db()
    assert (convention.status, convention.fichier_signe.name) == ("envoyee", "")


@pytest.mark.django_db
def test_another_organisation_neither_sees_nor_signs_the_convention(convention, committee):
    other = member(PrestataireFactory(raison_sociale="Autre cabinet"), "autre@cabinet.fr")
    with time_machine.travel(AFTER + datetime.timedelta(days=1), tick=False):
        convention_send(convention=convention, user=committee["staff"])
    client = login(other)
    assert client.get(reverse("ami:convention_detail", args=[convention.pk])).status_code == 403
    response = client.post(
        reverse("ami:convention_sign", args=[convention.pk]), {"fichier": pdf_upload(convention.fichier)}
    )
    assert response.status_code == 403
    convention.refresh_from_db()
    assert convention.status == "envoyee"


@pytest.mark.django_db
def test_a_convention_is_signed_only_once_sent(convention, committee):
    with pytest.raises(Refused) as refused:
        signed_copy_upload(document=convention, upload=pdf_upload(convention.fichier), user=committee["staff"])
    assert str(refused.value) == "La convention n'a pas encore été envoyée pour signature."


@pytest.mark.django_db
def test_an_avenant_has_its_pdf_and_applies_from_its_date_once_signed(convention, committee, member_user):
    staff = committee["staff"]
    convention = _signed(convention, staff)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        avenant = avenant_create(
            convention=convention,
            user=staff,
            date_effet=datetime.date(2027, 1, 1),
            objet="Revalorisation des prix au 1er janvier 2027.",
            prix_seance_groupe=Decimal("450.00"),
            prix_seance_sous_groupe=Decimal("400.00"),
        )
    assert avenant.reference == f"{convention.numero}-AV1"
    text = " ".join(pdf_text(_read(avenant.fichier)).split())
    assert "Avenant n° 1 à la convention de prestation" in text and convention.numero in text
    assert avenant.reference in text
    assert "420,00 € HT" in text and "450,00 € HT" in text and "370,00 € HT" in text and "400,00 € HT" in text
    assert "1er janvier 2027" in text

    # Pending: the prices do not move.
    assert convention_terms(convention, on=datetime.date(2027, 2, 1))["prix_seance_groupe"] == Decimal("420.00")
    with pytest.raises(Refused) as refused:
        avenant_create(
            convention=convention, user=staff, date_effet=datetime.date(2027, 3, 1), objet="x", seances_par_site=4
        )
    assert str(refused.value) == (
        "L'avenant n° 1 attend encore sa signature : faites-le signer avant d'en établir un autre."
    )
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        convention_send(convention=avenant, user=staff)
        with pytest.raises(Refused) as refused:  # the convention's PDF is not the avenant
            signed_copy_upload(document=avenant, upload=pdf_upload(convention.fichier), user=member_user)
        assert "ne semble pas être cet avenant" in str(refused.value)
        signed_copy_of_itself(avenant, member_user)
    avenant.refresh_from_db()
    assert (avenant.status, avenant.signed_by) == ("signee", member_user)
    assert convention_terms(convention, on=datetime.date(2026, 12, 31))["prix_seance_groupe"] == Decimal("420.00")
    after = convention_terms(convention, on=datetime.date(2027, 1, 1))
    assert (after["prix_seance_groupe"], after["prix_seance_sous_groupe"]) == (Decimal("450.00"), Decimal("400.00"))

    page = login(member_user).get(reverse("ami:convention_detail", args=[convention.pk])).content.decode()
    assert "Avenant n° 1" in page and "Signée" in page


@pytest.mark.django_db
def test_an_avenant_is_found_only_under_its_own_convention(convention, committee):
    staff = committee["staff"]
    convention = _signed(convention, staff)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        signed_avenant(convention, staff, date_effet=datetime.date(2027, 1, 1), objet="x", seances_par_site=4)
        second = avenant_create(
            convention=convention, user=staff, date_effet=datetime.date(2027, 2, 1), objet="y", seances_par_site=5
        )
    assert second.pk != convention.pk  # so that the URL's two numbers cannot be read the other way round
    client = login(staff)
    own = reverse("ami:avenant_pdf", kwargs={"pk": convention.pk, "avenant_pk": second.pk})
    assert client.get(own).status_code == 200
    elsewhere = reverse("ami:avenant_pdf", kwargs={"pk": convention.pk + 1, "avenant_pk": second.pk})
    assert client.get(elsewhere).status_code == 404


@pytest.mark.django_db
def test_an_avenant_outside_the_convention_period_or_on_an_unsigned_convention_is_refused(convention, committee):
    staff = committee["staff"]
    with pytest.raises(Refused) as refused:
        avenant_create(
            convention=convention, user=staff, date_effet=datetime.date(2027, 1, 1), objet="x", seances_par_site=4
        )
    assert str(refused.value) == "Un avenant s'établit sur une convention signée."
    convention = _signed(convention, staff)
    with pytest.raises(Refused) as refused:
        avenant_create(
            convention=convention, user=staff, date_effet=datetime.date(2027, 9, 1), objet="x", seances_par_site=4
        )
    assert str(refused.value) == (
        "La date d'effet doit être dans la période de la convention (du 1er septembre 2026 au 31 août 2027)."
    )
    assert Avenant.objects.count() == 0


@pytest.mark.django_db
def test_a_statement_across_the_avenant_date_bills_each_seance_at_the_price_of_its_day(convention, committee, users):
    staff = committee["staff"]
    convention = _signed(convention, staff)
    programme = programme_create_from_convention(convention=convention, responsable=users["responsable"])
    fenetre = programme.fenetres.get(numero=2)
    intervenant = programme.intervenants.first()
    sites = list(programme.sites.select_related("antenne").order_by("antenne__ordre")[:2])
    for site, day in zip(sites, (datetime.date(2027, 1, 28), datetime.date(2027, 2, 2)), strict=True):
        groupe = Groupe.objects.filter(programme=programme, antenne=site.antenne).first() or Groupe.objects.create(
            programme=programme, antenne=site.antenne, numero=1, nb_groupes_site=1
        )
        SeanceFactory(
            programme=programme,
            groupe=groupe,
            fenetre=fenetre,
            date=day,
            intervenant=intervenant,
            status=Seance.Status.REALISEE,
        )
    with time_machine.travel(datetime.datetime(2027, 1, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        signed_avenant(
            convention, staff, date_effet=datetime.date(2027, 2, 1), objet="Nouveau prix de la séance en groupe complet.",
            prix_seance_groupe=Decimal("455.00"),
        )  # fmt: skip
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        releve = statement_create(
            programme=programme, debut=datetime.date(2027, 1, 1), fin=datetime.date(2027, 2, 28), user=staff
        )
    lines = [
        (line.seance.date, line.prix_ht) for line in releve.lignes.select_related("seance").order_by("seance__date")
    ]
    assert lines == [(datetime.date(2027, 1, 28), Decimal("420.00")), (datetime.date(2027, 2, 2), Decimal("455.00"))]
    assert releve.total_ht == Decimal("875.00")
    text = pdf_text(_read(releve.fichier))
    assert "420,00\xa0€" in text and "455,00\xa0€" in text
    assert "À compter du lundi 1er février 2027 (avenant n° 1) : séance en groupe complet 455,00 €" in " ".join(
        text.split()
    )


@pytest.mark.django_db
def test_a_signed_volume_avenant_raises_the_seances_due_from_its_date(convention, committee, users):
    staff = committee["staff"]
    convention = _signed(convention, staff)
    programme = programme_create_from_convention(convention=convention, responsable=users["responsable"])
    sites = programme.sites.count()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        signed_avenant(
            convention, staff, date_effet=datetime.date(2027, 1, 4), objet="Une séance de plus par site à partir de janvier.",
            seances_par_site=4,
        )  # fmt: skip
        assert seances_due(programme)["minimum"] == 3 * sites
    with time_machine.travel(datetime.datetime(2027, 1, 4, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert seances_due(Programme.objects.get(pk=programme.pk))["minimum"] == 4 * sites
