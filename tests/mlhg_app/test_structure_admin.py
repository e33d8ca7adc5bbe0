"""The structures in the console: superusers only read and edit them (the slug fixed), nobody deletes one
there, and the export action downloads the structure's archive."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from mlhg_app.models import Structure, User
from mlhg_app.structure_file import IDENTITY_REQUIRED
from tests.web import login


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="technique@exemple.fr", password="mot-de-passe-solide-42")


def _form(structure: Structure, **changes) -> dict:
    fields = [name for name in IDENTITY_REQUIRED if name != "slug"]  # the slug is fixed once created
    data = {name: getattr(structure, name) for name in fields}
    return {**data, "domaine": "", "retention": "{}", "avis_k": "", "sso": "{}", **changes}


def test_staff_do_not_reach_the_structures_a_superuser_edits_one_but_not_its_slug(users, superuser):
    mlhg = Structure.objects.get(slug="mlhg")
    change = reverse("admin:mlhg_app_structure_change", args=[mlhg.pk])
    for url in (reverse("admin:mlhg_app_structure_changelist"), change):
        response = login(users["staff"]).get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url

    root = login(superuser)
    assert "Mission Locale Haute-Garonne" in root.get(reverse("admin:mlhg_app_structure_changelist")).content.decode()
    page = root.get(change).content.decode()
    assert 'name="slug"' not in page and 'name="siret"' in page
    response = root.post(change, _form(mlhg, signataire_nom="Jeanne Durand", slug="autre"))
    assert response.status_code == 302, response.content.decode()
    mlhg.refresh_from_db()
    assert (mlhg.signataire_nom, mlhg.slug) == ("Jeanne Durand", "mlhg")


def test_a_bad_siret_is_refused_in_french_and_no_structure_is_deleted_in_the_console(users, superuser):
    mlhg = Structure.objects.get(slug="mlhg")
    root = login(superuser)
    page = root.post(reverse("admin:mlhg_app_structure_change", args=[mlhg.pk]), _form(mlhg, siret="123"))
    assert page.status_code == 200 and "Le SIRET compte 14 chiffres." in page.content.decode()
    assert root.get(reverse("admin:mlhg_app_structure_delete", args=[mlhg.pk])).status_code == 403
    assert Structure.objects.get(pk=mlhg.pk).siret == "78231405200047"


def test_the_export_action_downloads_the_archive_of_the_structure(users, superuser):
    mlhg = Structure.objects.get(slug="mlhg")
    response = login(superuser).post(
        reverse("admin:mlhg_app_structure_changelist"), {"action": "export", "_selected_action": [mlhg.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="structure-mlhg-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("structure.json"))
    assert manifest["structure"] == {"slug": "mlhg", "nom": "Mission Locale Haute-Garonne", "siret": "78231405200047"}
    rows = json.loads(archive.read("donnees/mlhg_app.structure.json"))
    assert [row["fields"]["nom"] for row in rows] == ["Mission Locale Haute-Garonne"]
