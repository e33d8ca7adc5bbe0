"""A dossier received by email (seed §7.3), recorded by staff: the .eml read, the reception time shown and
corrected with a reason, the organisation matched by SIRET, the six parts typed, the seal and the receipt."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from ami.models import DepotCourriel, Dossier, Fichier, Prestataire
from ami.retention import delete_dossiers
from ami.serialisation import version_verify
from ami.services.decision import decision_make, letters_send
from ami.services.eligibility import dossier_set_eligibility
from ami.services.intake import intake_identify, intake_record_eml, intake_seal, intake_time_correct
from mlhg_app.refusals import Refused
from tests.committee import graded_by_one
from tests.conventions import signed_copy_of_itself
from tests.dossiers import PDF_BYTES, fill_dossier
from tests.emails import build_eml
from tests.factories import AMIFactory, PrestataireFactory, luhn_siret

PARIS = datetime.timezone(datetime.timedelta(hours=2))
AFTER = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=PARIS)
SIRET = luhn_siret(777)
ORGANISATION = {
    "siret": SIRET,
    "raison_sociale": "Cabinet Exemple",
    "statut_juridique": "SAS",
    "adresse": "3 rue du Taur",
    "code_postal": "31000",
    "ville": "Toulouse",
    "contact_nom": "Claire Delmas",
    "contact_telephone": "",
    "confirmer": "",
}


def pdf_text(data: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def ami(reference):
    return AMIFactory(reference="ami-courriel", titre="AMI APP courriel", contact_email="mlhg@ml31.org")


def _upload(raw, name="candidature.eml"):
    return SimpleUploadedFile(name, raw, content_type="message/rfc822")


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_staff_record_an_emailed_dossier_from_its_eml_and_the_sender_gets_the_receipt(
    ami, users, client_for, django_capture_on_commit_callbacks
):
    staff = client_for("staff")
    response = staff.post(
        reverse("ami:intake_list", args=[ami.reference]), {"mode": "eml", "eml": _upload(build_eml())}
    )
    depot = DepotCourriel.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ami:intake_detail", args=[depot.pk])

    page = staff.get(reverse("ami:intake_detail", args=[depot.pk])).content.decode()
    # Both headers shown, the latest Received retained: 23:58:30, before the deadline 23:59:59.
    assert "29 mai 2026 à 23\xa0h\xa040\xa0min\xa000\xa0s" in page  # Date:
    assert "29 mai 2026 à 23\xa0h\xa058\xa0min\xa030\xa0s" in page  # Received:
    assert "vendredi 29 mai 2026 à 23\xa0h\xa058\xa0min\xa030\xa0s" in page
    assert "avant la date limite" in page
    assert "dossier-candidature.pdf" in page and "acceptée" in page

    response = staff.post(reverse("ami:intake_identify", args=[depot.pk]), ORGANISATION)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.canal, dossier.status, dossier.prestataire.raison_sociale) == (
        "courriel",
        "brouillon",
        "Cabinet Exemple",
    )
    piece = dossier.fichiers.get(kind=Fichier.Kind.PIECE)
    assert piece.nom == "dossier-candidature.pdf"

    # The six parts: the portal's section forms, on the staff's page.
    section = staff.get(reverse("ami:intake_section", args=[depot.pk, "structure"]))
    assert section.status_code == 200 and "reçu par courriel" in section.content.decode()
    html = section.content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("1. Structure – Dossier reçu par courriel") and "<form" not in title
    assert f'action="{reverse("ami:intake_file_remove", args=[depot.pk, piece.pk])}"' in html
    assert (
        f'<a class="btn btn-link" href="{reverse("ami:intake_detail", args=[depot.pk])}">Retour au courriel</a>' in html
    )
    saved = staff.post(
        reverse("ami:intake_section", args=[depot.pk, "structure"]),
        {
            "presentation": "Cabinet toulousain.",
            "statut_juridique": "SAS",
            "activite": "APP",
            "references_resume": "ML",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("ami:intake_section", args=[depot.pk, "structure"])
    assert Dossier.objects.get().presentation == "Cabinet toulousain."
    fill_dossier(dossier)

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("ami:intake_seal", args=[depot.pk]))
    dossier.refresh_from_db()
    version = dossier.versions.get()
    assert dossier.status == Dossier.Status.DEPOSE
    assert version.submitted_at == datetime.datetime(2026, 5, 29, 23, 58, 30, tzinfo=PARIS)
    assert version_verify(version)
    assert piece in version.fichiers.all()

    [receipt] = [m for m in mail.outbox if m.to == ["claire@cabinet-exemple.fr"]]
    assert receipt.subject == "Accusé de réception – AMI APP courriel (version 1)"
    assert "Reçue par courriel le : 29 mai 2026 à 23\xa0h\xa058\xa0min\xa030\xa0s" in receipt.body
    name, content, mime = receipt.attachments[0]
    text = pdf_text(content)
    assert "Reçu par courriel le" in text and "23\xa0h\xa058\xa0min\xa030\xa0s" in text and "Cabinet Exemple" in text
    assert "irrecevable" not in text

    # Marked « reçu par courriel » where staff see it; sealed: no more typing.
    listing = staff.get(reverse("ami:staff_dossiers", args=[ami.reference])).content.decode()
    assert "reçu par courriel" in listing
    assert staff.get(reverse("ami:intake_section", args=[depot.pk, "structure"])).status_code == 403


@pytest.mark.django_db
def test_the_eml_is_evidence_for_staff_only(ami, users, client_for):
    raw = build_eml()
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(raw), user=users["staff"])
        url = reverse("ami:intake_eml", args=[depot.pk])
        response = client_for("staff").get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == raw
        for role in ("evaluateur", "prestataire", "responsable"):
            assert client_for(role).get(url).status_code == 403


@pytest.mark.django_db
def test_a_dossier_received_after_the_deadline_is_kept_and_declared_irrecevable_hors_delai(
    ami, users, django_capture_on_commit_callbacks
):
    raw = build_eml(date="Sat, 30 May 2026 00:00:20 +0200", received=("Sat, 30 May 2026 00:00:31 +0200",))
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(raw), user=users["staff"])
        assert depot.is_late
        dossier = intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
        with django_capture_on_commit_callbacks(execute=True):
            version = intake_seal(depot=depot, user=users["staff"])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.motif_irrecevabilite) == ("irrecevable", "hors_delai")
    assert dossier.motif_detail == (
        "Reçu par courriel le 30 mai 2026 à 0\xa0h\xa000\xa0min\xa031\xa0s, après la date limite du vendredi 29 mai 2026 à 23\xa0h\xa059 : "
        "irrecevable pour dépôt tardif."
    )
    assert version.submitted_at == datetime.datetime(2026, 5, 30, 0, 0, 31, tzinfo=PARIS)
    assert dossier.recevabilite_par == users["staff"]
    [receipt] = mail.outbox
    assert "irrecevable pour dépôt tardif" in receipt.body
    assert "irrecevable pour dépôt tardif" in pdf_text(receipt.attachments[0][1])


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_a_file_that_is_not_an_email_is_refused_in_french_and_nothing_is_recorded(ami, client_for):
    response = client_for("staff").post(
        reverse("ami:intake_list", args=[ami.reference]), {"mode": "eml", "eml": _upload(PDF_BYTES, "dossier.eml")}
    )
    assert response.status_code == 200
    assert "n&#x27;est pas un message électronique (.eml)" in response.content.decode()
    assert DepotCourriel.objects.count() == 0


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_a_huge_file_is_refused_before_it_is_read(ami, users):
    huge = SimpleUploadedFile("enorme.eml", b"From: a@b.fr\n\n" + b"x" * (70 * 1024 * 1024 + 1))
    with pytest.raises(Refused) as refused:
        intake_record_eml(ami=ami, upload=huge, user=users["staff"])
    assert str(refused.value) == "Le fichier pèse 70,1 Mo : la limite est de 70,0 Mo."
    assert DepotCourriel.objects.count() == 0


@pytest.mark.django_db
def test_an_eml_without_date_is_kept_its_time_typed_with_a_reason_recorded_in_history(ami, users, client_for):
    raw = build_eml(date=None, received=())
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(raw), user=users["staff"])
        assert depot.recu_le is None
        page = client_for("staff").get(reverse("ami:intake_detail", args=[depot.pk])).content.decode()
        assert "Aucune heure lisible dans le message : saisissez-la avec son motif." in page
        intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
        with pytest.raises(Refused) as refused:
            intake_seal(depot=depot, user=users["staff"])
        assert str(refused.value) == "Indiquez la date et l'heure de réception du courriel."

        staff = client_for("staff")
        typed = {"recu_le": "2026-05-29T18:12:05", "motif": ""}
        response = staff.post(reverse("ami:intake_time", args=[depot.pk]), typed)
        assert response.status_code == 200
        assert "2026-05-29T18:12:05" in response.content.decode()  # what was typed is kept
        assert "Ce champ est obligatoire." in response.content.decode()
        intake_time_correct(
            depot=depot,
            recu_le=datetime.datetime(2026, 5, 29, 18, 12, 5, tzinfo=PARIS),
            motif="Heure lue dans la boîte mlhg@ml31.org",
            user=users["staff"],
        )
    last = depot.history.order_by("-history_id").first()
    assert last.history_user == users["staff"]
    assert last.history_change_reason == (
        "Heure de réception corrigée (non lue → 29 mai 2026 à 18\xa0h\xa012\xa0min\xa005\xa0s) : Heure lue dans la boîte mlh"
    )
    depot.refresh_from_db()
    assert depot.correction_motif == "Heure lue dans la boîte mlhg@ml31.org"


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_attachments_of_forbidden_types_are_listed_as_refused_and_not_made_pieces(ami, users):
    raw = build_eml(
        attachments=(
            ("dossier.pdf", PDF_BYTES, "application", "pdf"),
            ("installer.exe", b"MZ\x90\x00" + b"\x00" * 100, "application", "octet-stream"),
            ("notes.txt", b"texte simple", "text", "plain"),
        )
    )
    depot = intake_record_eml(ami=ami, upload=_upload(raw), user=users["staff"])
    dossier = intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
    assert list(dossier.fichiers.values_list("nom", flat=True)) == ["dossier.pdf"]
    depot.refresh_from_db()
    assert [p["nom"] for p in depot.pieces_refusees] == ["installer.exe", "notes.txt"]
    assert depot.pieces_refusees[0]["raison"] == (
        "Le fichier « installer.exe » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : exécutable)."
    )


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_a_siret_of_another_organisation_is_shown_and_must_be_confirmed(ami, users, client_for):
    owner = PrestataireFactory(siret=SIRET, raison_sociale="Horizon Conseil", ville="Muret", code_postal="31600")
    depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
    staff = client_for("staff")
    response = staff.post(reverse("ami:intake_identify", args=[depot.pk]), ORGANISATION)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce SIRET appartient déjà à « Horizon Conseil » (31600 Muret)" in page
    assert 'value="Cabinet Exemple"' in page  # what staff typed is kept
    assert Dossier.objects.count() == 0

    response = staff.post(reverse("ami:intake_identify", args=[depot.pk]), {**ORGANISATION, "confirmer": "on"})
    assert response.status_code == 302
    assert Dossier.objects.get().prestataire == owner
    assert Prestataire.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_an_invalid_siret_is_refused_at_its_field(ami, users, client_for):
    depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
    response = client_for("staff").post(
        reverse("ami:intake_identify", args=[depot.pk]), {**ORGANISATION, "siret": "12345678901234"}
    )
    assert response.status_code == 200
    assert "Ce SIRET n&#x27;est pas valide (clé de contrôle incorrecte)" in response.content.decode()


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_an_incomplete_dossier_on_time_is_not_sealed(ami, users):
    depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
    intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
    with pytest.raises(Refused) as refused:
        intake_seal(depot=depot, user=users["staff"])
    assert str(refused.value).startswith("Le dossier est incomplet : complétez d'abord « ")
    assert Dossier.objects.get().versions.count() == 0


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_evaluators_see_an_emailed_dossier_like_any_other(ami, users, client_for):
    depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
    dossier = fill_dossier(intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"]))
    intake_seal(depot=depot, user=users["staff"])
    ami.evaluateurs.add(users["evaluateur"])
    page = client_for("evaluateur").get(reverse("ami:staff_dossiers", args=[ami.reference])).content.decode()
    assert dossier.prestataire.raison_sociale in page
    assert "reçu par courriel" not in page


@pytest.mark.django_db
def test_the_retention_purge_takes_the_message_with_its_dossier(ami, users, django_capture_on_commit_callbacks):
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
        dossier = intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
    storage, name = depot.eml.storage, depot.eml.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        delete_dossiers([dossier.pk])
    assert not DepotCourriel.objects.exists() and not storage.exists(name)


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_the_list_of_messages_keeps_its_queries_as_messages_arrive(ami, users, client_for):
    staff = client_for("staff")
    url = reverse("ami:intake_list", args=[ami.reference])

    def record(n):
        siret = luhn_siret(5000 + n)
        depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
        intake_identify(depot=depot, organisation={**ORGANISATION, "siret": siret}, user=users["staff"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url).status_code == 200
        return len(ctx.captured_queries)

    record(1)
    one = queries()
    for n in range(2, 6):
        record(n)
    assert queries() == one


@pytest.mark.django_db
def test_the_history_of_a_message_shows_the_corrected_time_and_its_reason(ami, users, client_for):
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
        intake_time_correct(
            depot=depot,
            recu_le=datetime.datetime(2026, 5, 29, 23, 50, 0, tzinfo=PARIS),
            motif="Le serveur de la MLHG retardait de 8 min 30",
            user=users["staff"],
        )
    page = client_for("staff").get(reverse("history", args=["ami.depotcourriel", depot.pk])).content.decode()
    assert (
        "Heure de réception corrigée (29 mai 2026 à 23\xa0h\xa058\xa0min\xa030\xa0s → 29 mai 2026 à 23\xa0h\xa050\xa0min\xa000\xa0s)"
        in page
    )
    assert client_for("prestataire").get(reverse("history", args=["ami.depotcourriel", depot.pk])).status_code == 403


def _chosen(ami, staff):
    """After the deadline: an emailed dossier recorded, filled in, sealed, recevable, graded and chosen by staff."""
    with time_machine.travel(AFTER, tick=False):
        depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=staff)
        dossier = fill_dossier(intake_identify(depot=depot, organisation=ORGANISATION, user=staff))
        intake_seal(depot=depot, user=staff)
        dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
        graded_by_one(dossier)
        return decision_make(ami=ami, user=staff, dossier=dossier)


@pytest.mark.django_db
def test_the_sender_of_an_emailed_dossier_gets_the_decision_letter(ami, users, django_capture_on_commit_callbacks):
    staff = users["staff"]
    decision = _chosen(ami, staff)
    with time_machine.travel(AFTER, tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            letters_send(decision=decision, user=staff)
    [letter] = mail.outbox
    assert letter.to == ["claire@cabinet-exemple.fr"]
    assert letter.subject == "Résultat de l'appel à manifestation d'intérêt « AMI APP courriel »"
    assert "Bonjour Claire Delmas," in letter.body


@pytest.mark.django_db
@time_machine.travel(AFTER, tick=False)
def test_staff_add_and_remove_pieces_before_the_seal_and_a_too_large_one_is_refused(ami, users, client_for):
    depot = intake_record_eml(ami=ami, upload=_upload(build_eml()), user=users["staff"])
    dossier = intake_identify(depot=depot, organisation=ORGANISATION, user=users["staff"])
    staff = client_for("staff")
    url = reverse("ami:intake_file", args=[depot.pk])
    big = SimpleUploadedFile("annexe.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))
    response = staff.post(url, {"fichier": big})
    assert "Le fichier « annexe.pdf » pèse 10,1 Mo : la limite est de 10 Mo par fichier." in response.content.decode()
    staff.post(url, {"fichier": SimpleUploadedFile("cv.pdf", PDF_BYTES)})
    assert sorted(dossier.fichiers.values_list("nom", flat=True)) == ["cv.pdf", "dossier-candidature.pdf"]
    cv = dossier.fichiers.get(nom="cv.pdf")
    staff.post(reverse("ami:intake_file_remove", args=[depot.pk, cv.pk]))
    assert list(dossier.fichiers.values_list("nom", flat=True)) == ["dossier-candidature.pdf"]


@pytest.mark.django_db
def test_the_convention_of_an_emailed_dossier_goes_to_its_sender_and_staff_upload_it_signed(
    ami, users, django_capture_on_commit_callbacks
):
    """An organisation created from the message has no account: the convention goes to the sender, who returns it
    signed by email; staff upload it (it was refused as « no active account », with no way round in the product)."""
    from ami.services.convention import convention_send
    from ami.services.decision import convention_create

    staff = users["staff"]
    decision = _chosen(ami, staff)
    with time_machine.travel(AFTER, tick=False):
        letters_send(decision=decision, user=staff)
        convention = convention_create(decision=decision, user=staff)
    with time_machine.travel(convention.signable_from + datetime.timedelta(hours=1), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert convention_send(convention=convention, user=staff)
        [sent] = mail.outbox
        assert sent.to == ["claire@cabinet-exemple.fr"]
        assert sent.subject == f"Convention de prestation {convention.numero} à signer"
        assert sent.body.startswith("Bonjour Claire Delmas,")
        assert "renvoyez l'exemplaire signé (PDF) en réponse à ce courriel" in sent.body
        signed_copy_of_itself(convention, staff)
    convention.refresh_from_db()
    assert convention.status == convention.Status.SIGNEE
