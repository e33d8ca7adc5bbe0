"""Submission to the second, immutable versions, receipts, withdrawal, reminders, sealed reading."""

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ami.models import Dossier, DossierVersion, Fichier
from ami.serialisation import version_verify
from ami.services.eligibility import dossier_set_eligibility
from ami.services.evaluation import evaluation_declare
from ami.services.submission import dossier_submit
from ami.tasks import remind_draft_dossiers
from mlhg_app.models import OutgoingMessage
from mlhg_app.refusals import Refused
from tests.dossiers import attach, complete_dossier, member
from tests.factories import AMIFactory, PrestataireFactory, UserFactory
from tests.pdfs import pdf_text
from tests.web import flash, login

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)


@pytest.fixture
def candidate(reference):
    ami = AMIFactory(reference="ami-2026", titre="Organisation de réunions d'APP – 2026", date_limite=DEADLINE)
    prestataire = PrestataireFactory(raison_sociale="Horizons Supervision", siret="73282932000074")
    user = member(prestataire, "claire@horizons.fr")
    dossier = complete_dossier(ami=ami, prestataire=prestataire)
    return {"ami": ami, "prestataire": prestataire, "user": user, "dossier": dossier, "client": login(user)}


def submit(candidate):
    return candidate["client"].post(reverse("ami:dossier_submit", args=[candidate["dossier"].pk]))


@pytest.mark.django_db
def test_submission_at_235959_is_accepted_with_a_receipt(candidate, django_capture_on_commit_callbacks):
    with time_machine.travel(DEADLINE, tick=False), django_capture_on_commit_callbacks(execute=True):
        page = flash(submit(candidate))

    assert "Votre dossier est déposé : version 1, reçue le 29 mai 2026 à 23\xa0h\xa059\xa0min\xa059\xa0s." in page
    version = DossierVersion.objects.get()
    assert version.submitted_at == DEADLINE
    assert Dossier.objects.get().status == Dossier.Status.DEPOSE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@horizons.fr"]
    assert message.subject == "Accusé de réception – Organisation de réunions d'APP – 2026 (version 1)"
    assert f"Empreinte SHA-256 : {version.sha256}" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("accuse-reception-ami-2026-v1.pdf", "application/pdf")
    text = pdf_text(content)
    assert "Accusé de réception" in text
    assert "Horizons Supervision (SIRET 73282932000074)" in text
    assert "vendredi 29 mai 2026 à 23 h 59 min 59 s (heure de Paris)" in " ".join(text.split())
    assert version.sha256[:40] in text.replace("\n", "")
    assert "cv-marc-olivier.pdf" in text


@pytest.mark.django_db
def test_submission_one_second_after_the_deadline_is_refused_and_the_draft_is_kept(candidate):
    dossier = candidate["dossier"]
    # the page was opened before the deadline …
    with time_machine.travel(DEADLINE - datetime.timedelta(minutes=5), tick=False):
        assert candidate["client"].get(reverse("ami:dossier", args=[dossier.pk])).status_code == 200
    # … and posted one second after it
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        page = flash(submit(candidate))

    assert (
        "La date limite de dépôt (vendredi 29 mai 2026 à 23\xa0h\xa059, heure de Paris) est dépassée : "
        "votre dossier n'a pas été déposé. Votre brouillon est conservé tel quel."
    ) in page
    assert DossierVersion.objects.count() == 0
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.BROUILLON
    assert dossier.presentation == "Cabinet de psychologues du travail fondé en 2009 à Toulouse."
    assert dossier.fichiers.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_incomplete_dossier_cannot_be_submitted(candidate):
    Dossier.objects.filter(pk=candidate["dossier"].pk).update(presentation="")
    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=False):
        with pytest.raises(Refused, match="Le dossier est incomplet : complétez d'abord « 1. Structure »"):
            dossier_submit(dossier=candidate["dossier"], user=candidate["user"])
    assert DossierVersion.objects.count() == 0


@pytest.mark.django_db
def test_submitted_version_is_unchanged_by_later_edits_and_resubmission_makes_version_2(candidate):
    dossier = candidate["dossier"]
    with time_machine.travel(DEADLINE - datetime.timedelta(days=2), tick=False):
        first = dossier_submit(dossier=dossier, user=candidate["user"])
    frozen = dict(first.contenu)
    old_cv = dossier.fichiers.get()

    Dossier.objects.filter(pk=dossier.pk).update(presentation="Nouvelle présentation")
    old_cv.detache_at = datetime.datetime(2026, 5, 28, tzinfo=PARIS)
    old_cv.save()
    attach(dossier, Fichier.Kind.CV, "cv-2.pdf", content=b"%PDF-1.4 nouveau CV", intervenant=dossier.intervenants.get())

    first.refresh_from_db()
    assert first.contenu == frozen
    assert first.contenu["structure"]["presentation"] == "Cabinet de psychologues du travail fondé en 2009 à Toulouse."
    assert [f.nom for f in first.fichiers.all()] == ["cv-marc-olivier.pdf"]
    assert version_verify(first)

    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=False):
        second = dossier_submit(dossier=Dossier.objects.get(pk=dossier.pk), user=candidate["user"])
    assert second.numero == 2
    assert second.sha256 != first.sha256
    assert second.contenu["structure"]["presentation"] == "Nouvelle présentation"
    assert [f.nom for f in second.fichiers.all()] == ["cv-2.pdf"]
    assert DossierVersion.objects.count() == 2
    assert version_verify(first) and version_verify(second)


@pytest.mark.django_db
def test_two_submissions_of_the_same_content_make_one_version(candidate, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(DEADLINE - datetime.timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(candidate)
        submit(candidate)
    assert DossierVersion.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_hash_is_recomputed_from_the_stored_version_and_detects_tampering(candidate):
    with time_machine.travel(DEADLINE, tick=False):
        version = dossier_submit(dossier=candidate["dossier"], user=candidate["user"])
    assert version_verify(version)

    stored = version.fichiers.get()
    with open(stored.fichier.path, "wb") as handle:
        handle.write(b"%PDF-1.4 falsifie")
    assert not version_verify(version)

    DossierVersion.objects.filter(pk=version.pk).update(
        contenu={**version.contenu, "structure": {**version.contenu["structure"], "presentation": "autre"}}
    )
    with open(stored.fichier.path, "wb") as handle:
        handle.write(candidate_bytes())
    version.refresh_from_db()
    assert not version_verify(version)


def candidate_bytes():
    from tests.dossiers import PDF_BYTES

    return PDF_BYTES


@pytest.mark.django_db
def test_withdrawal_before_the_deadline_only(candidate):
    dossier = candidate["dossier"]
    client = candidate["client"]
    url = reverse("ami:dossier_withdraw", args=[dossier.pk])
    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=False):
        dossier_submit(dossier=dossier, user=candidate["user"])
        page = flash(client.post(url))
        assert "Cochez la case de confirmation pour retirer votre candidature." in page
        page = flash(client.post(url, {"confirmer": "oui"}))
        assert "Votre candidature est retirée. Les versions déposées restent archivées." in page
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RETIRE
    assert dossier.versions.count() == 1

    with time_machine.travel(DEADLINE - datetime.timedelta(hours=2), tick=False):
        dossier_submit(dossier=dossier, user=candidate["user"])
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        page = flash(client.post(url, {"confirmer": "oui"}))
    assert "est passée : le dossier ne peut plus être retiré." in page
    assert Dossier.objects.get().status == Dossier.Status.DEPOSE


@pytest.mark.django_db
def test_receipt_is_downloadable_by_the_organisation_only(candidate):
    with time_machine.travel(DEADLINE, tick=False):
        dossier_submit(dossier=candidate["dossier"], user=candidate["user"])
    url = reverse("ami:receipt", args=[candidate["dossier"].pk, 1])
    response = candidate["client"].get(url)
    assert response.status_code == 200
    assert "Horizons Supervision" in pdf_text(response.content)

    other = member(PrestataireFactory(), "autre@concurrent.fr")
    assert login(other).get(url).status_code == 403
    assert candidate["client"].get(reverse("ami:receipt", args=[candidate["dossier"].pk, 2])).status_code == 404


@pytest.mark.django_db
def test_reminders_7_days_and_1_day_before_each_sent_once(candidate):
    late = complete_dossier(ami=candidate["ami"], prestataire=PrestataireFactory(raison_sociale="Brouillon & Cie"))
    member(late.prestataire, "brouillon@cie.fr", first_name="Paul")
    with time_machine.travel(DEADLINE - datetime.timedelta(days=2), tick=False):
        dossier_submit(dossier=candidate["dossier"], user=candidate["user"])
    mail.outbox.clear()

    with time_machine.travel(datetime.datetime(2026, 5, 22, 9, 0, tzinfo=PARIS), tick=False):
        remind_draft_dossiers.apply()
        remind_draft_dossiers.apply()
    assert [m.to for m in mail.outbox] == [["brouillon@cie.fr"]]
    assert mail.outbox[0].subject == (
        "Rappel : votre candidature à « Organisation de réunions d'APP – 2026 » n'est pas déposée"
    )
    assert (
        "La date limite de dépôt est le vendredi 29 mai 2026 à 23\xa0h\xa059 (heure de Paris)." in mail.outbox[0].body
    )

    with time_machine.travel(datetime.datetime(2026, 5, 25, 9, 0, tzinfo=PARIS), tick=False):
        remind_draft_dossiers.apply()
    assert len(mail.outbox) == 1

    with time_machine.travel(datetime.datetime(2026, 5, 28, 9, 0, tzinfo=PARIS), tick=False):
        remind_draft_dossiers.apply()
        remind_draft_dossiers.apply()
    assert len(mail.outbox) == 2
    assert list(
        OutgoingMessage.objects.filter(kind="dossier.reminder")
        .order_by("occurrence")
        .values_list("occurrence", flat=True)
    ) == ["J-1", "J-7"]


@pytest.mark.django_db
def test_dossiers_are_sealed_until_the_deadline_then_open(candidate):
    staff = UserFactory(email="achats@ml31.org", role="staff", is_staff=True, antenne=None)
    evaluateur = UserFactory(email="eval@ml31.org", role="evaluateur", antenne=None)
    outsider = UserFactory(email="eval2@ml31.org", role="evaluateur", antenne=None)
    candidate["ami"].evaluateurs.add(evaluateur)
    dossier = candidate["dossier"]
    fichier = dossier.fichiers.get()
    urls = {
        "read": reverse("ami:dossier_read", args=[dossier.pk]),
        "pdf": reverse("ami:dossier_pdf", args=[dossier.pk]),
        "zip": reverse("ami:dossier_zip", args=[dossier.pk]),
        "file": reverse("ami:fichier_download", args=[dossier.pk, fichier.pk]),
    }
    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=True):
        dossier_submit(dossier=dossier, user=candidate["user"])
        listing = login(staff).get(reverse("ami:staff_dossiers", args=["ami-2026"])).content.decode()
        assert "scellés jusqu'à la date limite" in listing
        assert "Horizons Supervision" in listing and "Déposé" in listing
        read = login(staff).get(urls["read"]).content.decode()
        assert "scellé jusqu'à la date limite" in read
        assert "Cabinet de psychologues" not in read
        for key in ("pdf", "zip", "file"):
            assert login(staff).get(urls[key]).status_code == 403, key
            assert login(evaluateur).get(urls[key]).status_code == 403, key

    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=True):
        # an evaluator reads a dossier once recevable and after declaring no conflict of interest
        dossier_set_eligibility(dossier=Dossier.objects.get(pk=dossier.pk), recevable=True, user=staff)
        evaluation_declare(dossier=dossier, user=evaluateur, conflit=False)
        read = login(evaluateur).get(urls["read"]).content.decode()
        assert "Cabinet de psychologues du travail fondé en 2009 à Toulouse." in read
        assert login(outsider).get(urls["read"]).status_code == 403
        assert login(outsider).get(urls["file"]).status_code == 403
        pdf = login(staff).get(urls["pdf"])
        assert pdf["Content-Type"] == "application/pdf"
        text = pdf_text(pdf.content)
        for title in (
            "1. Présentation de la structure",
            "2. Équipe d'intervenants",
            "3. Proposition méthodologique",
            "4. Références",
            "5. Proposition financière",
            "6. Disponibilités",
        ):
            assert title in text
        assert "Marc Olivier" in text
        archive = zipfile.ZipFile(io.BytesIO(login(staff).get(urls["zip"]).content))
        assert sorted(archive.namelist()) == ["dossier-horizons-supervision-v1.pdf", "pieces/CV - cv-marc-olivier.pdf"]
        assert archive.read("pieces/CV - cv-marc-olivier.pdf").startswith(b"%PDF")
        download = login(evaluateur).get(urls["file"])
        assert download.status_code == 200


@pytest.mark.django_db
def test_the_overview_tells_whether_the_draft_changed_since_the_deposit_without_reloading_it(
    candidate, django_assert_max_num_queries
):
    from mlhg_app.models import Antenne

    url = reverse("ami:dossier", args=[candidate["dossier"].pk])
    with time_machine.travel(DEADLINE - datetime.timedelta(days=1), tick=False):
        submit(candidate)
        unchanged = candidate["client"].get(url).content.decode()
        dossier = Dossier.objects.get(pk=candidate["dossier"].pk)
        dossier.antennes_couvertes.remove(Antenne.objects.filter(kind="antenne").first())  # the last section
        changed = candidate["client"].get(url).content.decode()
        dossier.antennes_couvertes.set(Antenne.objects.filter(kind="antenne"))  # back as deposited
        with django_assert_max_num_queries(17):
            back = candidate["client"].get(url).content.decode()
    assert "version 1, reçue le 28 mai 2026" in unchanged and "Aucune modification depuis." in unchanged
    assert "Vous avez modifié le dossier depuis la version 1" in changed
    assert "Aucune modification depuis." in back
