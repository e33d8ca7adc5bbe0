"""The demo's second structure (Mission Locale Ariège-Pyrénées): its call and Horizons Supervision's dossier,
the e-mails and PDFs in its own name, its export archive and its deletion (issue 19)."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import ami.demo
import mlhg_app.demo
from ami.models import AMI, Dossier, Fichier, Prestataire
from ami.reference import REFERENCE
from mlhg_app.models import Antenne, Structure, User
from mlhg_app.structure_archive import structure_export
from tests.pdfs import pdf_words

LETTERHEAD = "Mission Locale Ariège-Pyrénées · 12 allées de Villote, 09000 Foix · SIRET 42918736500011"


@pytest.fixture
def second(reference, settings, django_capture_on_commit_callbacks):
    """MLHG's reference data, then the second structure as the demo makes it (its file, its accounts, its call
    and Horizons Supervision's dossier, submitted); the e-mails sent at commit."""
    settings.DEBUG = True
    call_command("load_structure", str(mlhg_app.demo.SECOND_FILE), stdout=StringIO())
    mlap = Structure.objects.get(slug="mlap")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True), mlhg_app.demo._working_for(mlap):
        mlhg_app.demo.load_second(today=timezone.localdate())
        ami.demo.load_second(today=timezone.localdate())
    return mlap


def test_the_receipt_of_the_second_structure_comes_in_its_name_with_its_letterhead(second):
    (message,) = [m for m in mail.outbox if m.subject.startswith("Accusé de réception")]
    assert message.from_email == "MLAP APP <ne-pas-repondre@mlap.demo>"
    assert message.to == ["contact@horizons-supervision.demo"]
    assert "Mission Locale Ariège-Pyrénées accuse réception de la candidature de Horizons Supervision" in message.body
    assert "Plateforme APP de la Mission Locale Ariège-Pyrénées" in message.body
    assert "Haute-Garonne" not in message.body and "MLHG" not in message.body
    ((name, pdf, mimetype),) = message.attachments
    words = pdf_words(pdf)
    assert mimetype == "application/pdf"
    assert LETTERHEAD in words
    assert "La Mission Locale Ariège-Pyrénées accuse réception du dossier de candidature suivant." in words
    assert "Haute-Garonne" not in words and "MLHG" not in words


def test_the_export_holds_the_second_structure_rows_and_files_and_nothing_of_mlhg(second):
    handle = io.BytesIO()
    manifest = structure_export(structure=second, handle=handle)
    archive = zipfile.ZipFile(handle)

    def rows(label):
        return json.loads(archive.read(f"donnees/{label}.json"))

    names = archive.namelist()
    assert json.loads(archive.read("structure.json")) == manifest
    assert manifest["structure"] == {"slug": "mlap", "nom": "Mission Locale Ariège-Pyrénées", "siret": "42918736500011"}
    assert [row["fields"]["reference"] for row in rows("ami.ami")] == ["ami-app-mlap"]
    assert [row["fields"]["nom"] for row in rows("mlhg_app.antenne")] == [
        "Siège de Foix",
        "Antenne de Pamiers",
        "Antenne du Couserans",
        "Antenne du Pays d'Olmes",
    ]
    dossier = Dossier.objects.get(ami__structure=second)
    assert [row["pk"] for row in rows("ami.dossier")] == [dossier.pk]
    assert sorted(row["fields"]["email"] for row in rows("mlhg_app.user")) == sorted(
        email for _role, email, *_rest in mlhg_app.demo.SECOND_PEOPLE
    )
    assert all("password" not in row["fields"] for row in rows("mlhg_app.user"))
    assert "donnees/ami.prestataire.json" not in names  # shared by every structure
    cvs = Fichier.objects.filter(dossier=dossier)
    assert cvs.exists() and {f"fichiers/{f.fichier.name}" for f in cvs} <= set(names)
    assert archive.read(f"fichiers/{cvs[0].fichier.name}") == cvs[0].fichier.open("rb").read()
    assert manifest["contenu"]["ami.fichier"] == {"lignes": cvs.count(), "fichiers": cvs.count()}
    everything = b"".join(archive.read(name) for name in names if name.endswith(".json")).decode()
    assert "Haute-Garonne" not in everything and "ml31.org" not in everything


def test_deleting_the_second_structure_is_refused_while_its_call_is_open_then_forced(
    second, monkeypatch, django_capture_on_commit_callbacks
):
    mlhg_amis = set(AMI.objects.filter(structure__slug="mlhg").values_list("pk", flat=True))
    dossier = Dossier.objects.get(ami__structure=second)
    cv = Fichier.objects.filter(dossier__ami__structure=second).first().fichier
    storage, name = cv.storage, cv.name
    with pytest.raises(CommandError) as refused:
        call_command("delete_structure", "mlap", "--noinput", stdout=StringIO())
    assert str(refused.value) == (
        "La structure Mission Locale Ariège-Pyrénées n'est pas supprimée : l'AMI « Analyse de Pratiques "
        f"Professionnelles – Mission Locale Ariège-Pyrénées {AMI.objects.get(structure=second).annee} » est en cours "
        "(publié). Attendez la fin de l'AMI ou du programme, ou passez --force."
    )
    monkeypatch.setattr("builtins.input", lambda prompt: "mlhg")
    with pytest.raises(CommandError, match="^Confirmation non reçue : rien n'a été supprimé.$"):
        call_command("delete_structure", "mlap", "--force", stdout=StringIO())
    assert Structure.objects.filter(slug="mlap").exists() and storage.exists(name)

    monkeypatch.setattr("builtins.input", lambda prompt: "mlap")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # its files go once the deletion is committed
        call_command("delete_structure", "mlap", "--force", stdout=out)

    assert out.getvalue().startswith("Mission Locale Ariège-Pyrénées supprimée : ")
    assert list(Structure.objects.values_list("slug", flat=True)) == ["mlhg"]
    assert not storage.exists(name)
    assert not Antenne.objects.exclude(structure__slug="mlhg").exists()
    assert not User.objects.filter(email__endswith="@mlap.demo").exists()
    assert set(AMI.objects.values_list("pk", flat=True)) == mlhg_amis
    assert AMI.objects.get(reference=REFERENCE).structure.slug == "mlhg"
    assert Prestataire.objects.filter(raison_sociale="Horizons Supervision").exists()  # shared: kept
    assert not AMI.history.filter(structure_id=second.pk).exists()  # no history row left behind
    assert not Dossier.history.filter(id=dossier.pk).exists()
