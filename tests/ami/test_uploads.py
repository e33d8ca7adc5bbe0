"""Uploaded files: type by content, sizes, names, download and removal."""

import datetime
import hashlib
import html
import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ami.models import Fichier
from ami.services.dossier import fichier_add
from mlhg_app.uploads import DOCX, MO, ODT, detect_type, format_mo, sanitize_filename
from tests.factories import (
    AMIFactory,
    DossierFactory,
    DossierVersionFactory,
    FichierFactory,
    MembreFactory,
    UserFactory,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("docProps/core.xml", "<cp:coreProperties/>")
        archive.writestr("docProps/app.xml", "<Properties/>")
        archive.writestr("word/styles.xml", "<w:styles/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def odt_bytes(mimetype="application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def membre(db):
    return MembreFactory()


@pytest.fixture
def dossier(membre):
    ami = AMIFactory(reference="ami-fichiers", date_limite=timezone.now() + datetime.timedelta(days=10))
    return DossierFactory(ami=ami, prestataire=membre.prestataire)


@pytest.fixture
def client(membre):
    c = Client()
    c.force_login(membre.user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def refusal(dossier, name, content) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        fichier_add(dossier=dossier, upload=upload(name, content), kind="recommandation")
    return exc.value.messages


# -- type by content ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (docx_bytes(), DOCX),
        (odt_bytes(), ODT),
        (b"Bonjour, ceci est du texte.", None),
        (odt_bytes("application/vnd.oasis.opendocument.spreadsheet"), None),
    ],
)
def test_type_is_read_from_the_content(content, expected):
    assert detect_type(io.BytesIO(content)) == expected


def test_a_docx_built_with_zipfile_is_accepted_whatever_its_name(dossier):
    fichier = fichier_add(dossier=dossier, upload=upload("lettre.bin", docx_bytes()), kind="recommandation")
    assert (fichier.type_mime, fichier.nom) == (DOCX, "lettre.docx")  # the extension follows the content
    assert fichier_add(dossier=dossier, upload=upload("cv.odt", odt_bytes()), kind="cv").type_mime == ODT


@pytest.mark.parametrize(
    "content, seen",
    [
        (b"Je ne suis pas un PDF.\n", "texte"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "exécutable"),
        (b"\x7fELF\x02\x01\x01\x00", "exécutable"),
        (b"\x00\x01\x02\x03\xfe\xff\x00", "inconnu"),
        (b"GIF89a\x01\x00", "image GIF"),
    ],
)
def test_a_file_claiming_pdf_that_is_not_one_is_refused(dossier, content, seen):
    assert refusal(dossier, "x.pdf", content) == [
        f"Le fichier « x.pdf » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : {seen})."
    ]
    assert Fichier.objects.count() == 0


def test_a_zip_that_is_no_docx_is_refused(dossier):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # no [Content_Types].xml
    assert refusal(dossier, "faux.docx", buffer.getvalue()) == [
        "Le fichier « faux.docx » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : archive ZIP)."
    ]


def test_an_oversize_file_is_refused_with_its_size(dossier):
    big = PDF + b"0" * (13_000_000 - len(PDF))
    assert refusal(dossier, "x.pdf", big) == ["Le fichier « x.pdf » pèse 12,4 Mo : la limite est de 10 Mo par fichier."]
    assert format_mo(10 * MO + 1) == "10,1 Mo"
    # Exactly 10 Mo is accepted.
    assert fichier_add(dossier=dossier, upload=upload("ok.pdf", PDF + b"0" * (10 * MO - len(PDF))), kind="cv")


def test_the_dossier_total_is_limited_to_50_mo(dossier):
    # Four stored files of 9,5 Mo (rows only: the limit counts the recorded sizes) = 38 Mo.
    for n in range(4):
        FichierFactory(dossier=dossier, kind="cv", nom=f"cv{n}.pdf", taille=int(9.5 * MO), type_mime="x")
    fichier_add(dossier=dossier, upload=upload("cinquieme.pdf", PDF + b"0" * (9 * MO)), kind="cv")  # 47 Mo
    assert refusal(dossier, "sixieme.pdf", PDF + b"0" * (4 * MO)) == [
        "Le fichier « sixieme.pdf » (4,1 Mo) ne peut pas être ajouté : les pièces du dossier pèsent déjà "
        "47,1 Mo et la limite est de 50 Mo par dossier."
    ]
    # A detached file no longer counts for the draft.
    Fichier.objects.filter(nom="cv0.pdf").update(detache_at=timezone.now())
    assert fichier_add(dossier=dossier, upload=upload("sixieme.pdf", PDF + b"0" * (4 * MO)), kind="cv")


def test_a_refused_file_is_named_at_the_field_on_the_page(client, dossier):
    data = {
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "lettres": [upload("programme.pdf", b"#!/bin/sh\nrm -rf /\n"), upload("bonne.pdf", PDF)],
    }
    url = reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": "references"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["lettres_form"].errors == {
        "lettres": [
            "Le fichier « programme.pdf » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : exécutable)."
        ]
    }
    assert "contenu reconnu : exécutable" in html.unescape(response.content.decode())
    assert [f.nom for f in dossier.fichiers.all()] == ["bonne.pdf"]


def test_stored_file_has_its_hash_size_and_a_clean_name(dossier):
    fichier = fichier_add(dossier=dossier, upload=upload("../../etc/Lettre été (1).pdf", PDF), kind="recommandation")
    assert fichier.nom == "Lettre_ete_1_.pdf"
    assert fichier.taille == len(PDF)
    assert fichier.sha256 == hashlib.sha256(PDF).hexdigest()
    assert fichier.fichier.name.startswith(f"dossiers/{dossier.pk}/{fichier.sha256[:2]}/")
    with fichier.fichier.open("rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(
    "name, expected",
    [
        ("C:\\Users\\moi\\CV Hélène.pdf", "CV_Helene.pdf"),
        ("/tmp/../cv.pdf", "cv.pdf"),
        ("..", "fichier"),
        ("Ça marche ?.docx", "Ca_marche_.docx"),
        ("a" * 150 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_names_are_sanitised(name, expected):
    assert sanitize_filename(name) == expected
    assert len(sanitize_filename(name)) <= 100


# -- download and removal -------------------------------------------------------------------------


def test_download_is_an_attachment_with_nosniff(client, dossier):
    fichier = fichier_add(dossier=dossier, upload=upload("CV été.pdf", PDF), kind="cv")
    response = client.get(reverse("ami:fichier_download", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="CV_ete.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_a_draft_file_is_deleted_with_its_stored_file(client, dossier, django_capture_on_commit_callbacks):
    fichier = fichier_add(dossier=dossier, upload=upload("lettre.pdf", PDF), kind="recommandation")
    path = fichier.fichier.path
    url = reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    section = reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": "references"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": section})
    assert response["Location"] == section
    assert not Fichier.objects.filter(pk=fichier.pk).exists()
    assert not os.path.exists(path)
    # An outside "next" is ignored.
    other = fichier_add(dossier=dossier, upload=upload("b.pdf", PDF), kind="recommandation")
    response = client.post(
        reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": other.pk}),
        {"next": "https://ailleurs.example/"},
    )
    assert response["Location"] == reverse("ami:dossier", kwargs={"pk": dossier.pk})


def test_a_removed_file_of_a_submitted_version_stays(client, dossier, membre):
    fichier = fichier_add(dossier=dossier, upload=upload("cv.pdf", PDF), kind="cv")
    version = DossierVersionFactory(dossier=dossier, submitted_by=membre.user)
    version.fichiers.add(fichier)
    url = reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    assert client.post(url).status_code == 302
    fichier.refresh_from_db()
    assert fichier.detache_at is not None
    assert list(version.fichiers.all()) == [fichier]
    assert os.path.exists(fichier.fichier.path)
    assert list(dossier.fichiers.filter(detache_at__isnull=True)) == []
    # Still downloadable (it belongs to the version); no longer removable from the draft.
    download = reverse("ami:fichier_download", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    assert client.get(download).status_code == 200
    assert client.post(url).status_code == 404


def test_another_organisation_cannot_download_or_remove(dossier):
    fichier = fichier_add(dossier=dossier, upload=upload("cv.pdf", PDF), kind="cv")
    other_membre = MembreFactory()
    other = Client()
    other.force_login(other_membre.user, backend="django.contrib.auth.backends.ModelBackend")
    kwargs = {"pk": dossier.pk, "fichier_pk": fichier.pk}
    assert other.get(reverse("ami:fichier_download", kwargs=kwargs)).status_code == 403
    assert other.post(reverse("ami:fichier_remove", kwargs=kwargs)).status_code == 403
    # The file's id under the other organisation's own dossier does not work either.
    own = DossierFactory(ami=dossier.ami, prestataire=other_membre.prestataire)
    assert (
        other.get(reverse("ami:fichier_download", kwargs={"pk": own.pk, "fichier_pk": fichier.pk})).status_code == 404
    )
    staff = Client()
    staff.force_login(UserFactory(role="staff", antenne=None), backend="django.contrib.auth.backends.ModelBackend")
    assert staff.get(reverse("ami:fichier_download", kwargs=kwargs)).status_code == 403  # sealed, never submitted


@pytest.mark.parametrize(
    "next_value", ["x", "ami:dossier", "admin:index", "javascript:alert(1)", "//ailleurs.example/", "\x00"]
)
def test_hole_13_a_crafted_next_falls_back_to_the_dossier_page(client, dossier, next_value):
    fichier = fichier_add(dossier=dossier, upload=upload("lettre.pdf", PDF), kind="recommandation")
    url = reverse("ami:fichier_remove", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk})
    response = client.post(url, {"next": next_value})
    assert response.status_code == 302
    assert response["Location"] == reverse("ami:dossier", kwargs={"pk": dossier.pk})
    assert not Fichier.objects.filter(pk=fichier.pk, detache_at__isnull=True).exists()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("rapport.html", PDF, "rapport.pdf"),
        ("rapport", PDF, "rapport.pdf"),
        ("photo.pdf", JPEG, "photo.jpg"),
        ("photo.jpeg", JPEG, "photo.jpeg"),
        ("CV.PDF", PDF, "CV.PDF"),
        ("lettre.pdf", docx_bytes(), "lettre.docx"),
        ("a" * 150 + ".html", PDF, "a" * 95 + ".pdf"),
    ],
)
def test_hole_14_the_stored_name_takes_the_extension_of_the_content(client, dossier, name, content, expected):
    fichier = fichier_add(dossier=dossier, upload=upload(name, content), kind="recommandation")
    assert fichier.nom == expected
    assert fichier.fichier.name.endswith("-" + expected)
    response = client.get(reverse("ami:fichier_download", kwargs={"pk": dossier.pk, "fichier_pk": fichier.pk}))
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert response["Content-Type"] == fichier.type_mime
