"""Files on S3-compatible object storage (S3_BUCKET; README « Plusieurs serveurs »), against a real S3 server
(SeaweedFS, tests/object_storage.py): what is uploaded or generated lands in the private bucket, never on the
local disk, and reaches a person only through the views that check who asks; the purge removes the objects, a
backup holds them and a restore puts them back."""

import datetime
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
import requests
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ami.models import Fichier
from ami.services.dossier import fichier_add
from mlhg_app import retention
from mlhg_app.models import StoredExport
from tests.committee import AFTER, decide, scored
from tests.dossiers import complete_dossier
from tests.factories import AMIFactory, DossierFactory, MembreFactory
from tests.web import login

# One xdist worker starts SeaweedFS once and runs these tests and the two servers' (`make test` uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("object_storage")

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def local_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.django_db
def test_a_file_uploaded_to_a_dossier_is_in_the_private_bucket_and_only_the_checked_view_hands_it_out(
    s3_files, seaweedfs, settings, django_capture_on_commit_callbacks
):
    membre = MembreFactory()
    ami = AMIFactory(reference="ami-s3", date_limite=timezone.now() + datetime.timedelta(days=10))
    dossier = DossierFactory(ami=ami, prestataire=membre.prestataire)
    client = login(membre.user)
    section = reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": "references"})
    data = {"references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0"}
    data["lettres"] = [SimpleUploadedFile("Lettre été.pdf", PDF)]
    assert client.post(section, data).status_code == 302

    fichier = Fichier.objects.get(dossier=dossier)
    assert seaweedfs.objects(s3_files) == {fichier.fichier.name: PDF}
    assert local_files(settings) == []
    # the bucket is private: its address without the keys answers 403
    assert requests.get(seaweedfs.public_url(s3_files, fichier.fichier.name), timeout=10).status_code == 403

    download = reverse("ami:fichier_download", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Lettre_ete.pdf"'
    assert b"".join(response.streaming_content) == PDF
    assert login(MembreFactory().user).get(download).status_code == 403
    assert Client().get(download).status_code == 302  # to the login page

    remove = reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove, {"next": section}).status_code == 302
    assert seaweedfs.objects(s3_files) == {}
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_the_ami_archive_reads_the_dossiers_files_from_the_bucket_is_stored_there_and_purged_with_its_object(
    s3_files, seaweedfs, settings, committee, django_capture_on_commit_callbacks
):
    client = login(committee["staff"])
    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        decide(committee)  # the letters and the convention: PDFs generated into the bucket
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(reverse("ami:archive", args=["ami-2026"]))
        status = client.get(asked["Location"] + "statut/").json()
        response = client.get(status["url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    stored = seaweedfs.objects(s3_files)
    cv = Fichier.objects.filter(dossier=committee["dossiers"]["A"], kind=Fichier.Kind.CV).get()
    assert archive.read("dossiers/candidat-a/v1/pieces/CV - cv-marc-olivier.pdf") == stored[cv.fichier.name]
    lettre = committee["ami"].decision.lettres.get(dossier=committee["dossiers"]["A"])
    assert archive.read("lettres/lettre-candidat-a-ami-2026.pdf") == stored[lettre.fichier.name]
    assert stored[lettre.fichier.name].startswith(b"%PDF")
    export = StoredExport.objects.get(kind="ami.archive")
    assert zipfile.ZipFile(io.BytesIO(stored[export.fichier.name])).namelist() == archive.namelist()
    assert local_files(settings) == []

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(
            now=timezone.now() + datetime.timedelta(days=settings.RETENTION_EXPORT_DAYS + 1)
        )
    assert counts["mlhg_app.exports"] == {"exports": 1, "fichiers": 1}
    assert export.fichier.name not in seaweedfs.objects(s3_files)
    assert lettre.fichier.name in seaweedfs.objects(s3_files)


def test_a_backup_holds_the_bucket_s_files_and_a_restore_puts_them_back_into_another_storage(
    s3_files, seaweedfs, settings, users, fresh_database, tmp_path
):
    dossiers = [complete_dossier(ami=AMIFactory(reference=f"ami-s3-sauvegarde-{i}")) for i in (1, 2)]
    before = seaweedfs.objects(s3_files)
    assert sorted(before) == sorted(Fichier.objects.filter(dossier__in=dossiers).values_list("fichier", flat=True))

    archive = Path(call_command("backup", output_dir=tmp_path, stdout=io.StringIO()))
    with tarfile.open(archive) as tar:
        held = {m.name.removeprefix("media/"): tar.extractfile(m).read() for m in tar if m.name.startswith("media/")}
    assert held == before

    other = seaweedfs.new_prefix()  # another storage, holding one file already
    seaweedfs.put(other, "deja-la.txt", b"avant")
    settings.STORAGES = {**settings.STORAGES, "default": seaweedfs.storage(other)}
    out = io.StringIO()
    call_command("restore", archive, database_url=fresh_database["url"], noinput=True, stdout=out)
    assert out.getvalue().splitlines() == [
        f"Sauvegarde restaurée ({fresh_database['engine']}, {len(before)} fichiers).",
        "1 fichier du stockage absent de la sauvegarde laissé en place.",
    ]
    restored = seaweedfs.objects(other)
    assert restored == {**before, "deja-la.txt": b"avant"}
    for name, sha256 in Fichier.objects.values_list("fichier", "sha256"):
        assert hashlib.sha256(restored[name]).hexdigest() == sha256


@pytest.mark.django_db
def test_a_file_removed_while_the_bucket_refuses_the_deletion_is_removed_for_the_person_and_logged(
    s3_files, seaweedfs, settings, django_capture_on_commit_callbacks, caplog
):
    membre = MembreFactory()
    ami = AMIFactory(reference="ami-s3-refus", date_limite=timezone.now() + datetime.timedelta(days=10))
    dossier = DossierFactory(ami=ami, prestataire=membre.prestataire)
    fichier = fichier_add(dossier=dossier, upload=SimpleUploadedFile("cv.pdf", PDF), kind=Fichier.Kind.CV)
    refusing = seaweedfs.storage(s3_files)
    refusing["OPTIONS"]["secret_key"] = "pas-la-bonne-cle"
    settings.STORAGES = {**settings.STORAGES, "default": refusing}

    remove = reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = login(membre.user).post(remove)
    assert response.status_code == 302
    assert not Fichier.objects.filter(pk=fichier.pk).exists()
    assert f"purge: fichier {fichier.fichier.name} non supprimé" in caplog.text
    assert seaweedfs.objects(s3_files) == {fichier.fichier.name: PDF}  # left in the bucket, named in the log


@pytest.mark.django_db
def test_healthz_says_whether_the_bucket_answers_with_the_keys(s3_files, seaweedfs, settings, client):
    assert client.get("/healthz/").json() == {"database": "ok", "broker": "eager", "stockage": "ok"}
    refusing = seaweedfs.storage(s3_files)
    refusing["OPTIONS"]["secret_key"] = "pas-la-bonne-cle"
    settings.STORAGES = {**settings.STORAGES, "default": refusing}
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "eager", "stockage": "indisponible"}
