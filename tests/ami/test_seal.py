"""The seal and the committee's independence hold on every door: the archive, the history, the reading pages."""

import datetime
import html
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse

from ami.documents import exports as ami_exports
from ami.models import Dossier, Fichier
from ami.services.evaluation import evaluation_declare
from mlhg_app import exports
from mlhg_app.models import StoredExport
from tests.committee import AFTER, DEADLINE, recevable
from tests.web import login

BEFORE = DEADLINE - datetime.timedelta(hours=2)


def zip_names(export) -> list[str]:
    export.refresh_from_db()
    with export.fichier.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read())).namelist()


# -- hole 1: the archive -------------------------------------------------------------


@pytest.mark.django_db
def test_hole_01_the_archive_of_an_open_ami_is_refused_in_french(
    committee,
    django_capture_on_commit_callbacks,
):
    staff = login(committee["staff"])
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(reverse("ami:archive", args=["ami-2026"]), follow=True)
    body = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert "L'archive de l'AMI ne peut être préparée qu'après la date limite" in body
    assert StoredExport.objects.count() == 0


@pytest.mark.django_db
def test_hole_01_an_archive_queued_before_the_deadline_is_refused_by_the_job(committee):
    export = exports.export_request(kind=ami_exports.ARCHIVE, object_id=committee["ami"].pk, user=committee["staff"])
    with time_machine.travel(BEFORE, tick=False):
        exports.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == StoredExport.Status.ECHEC
    assert (
        export.erreur == "L'archive de l'AMI ne peut être préparée qu'après la date limite : les dossiers sont scellés."
    )
    assert not export.fichier


@pytest.mark.django_db
def test_hole_01_the_archive_holds_only_what_its_requester_may_read(committee):
    """After the deadline, a dossier never submitted (a draft with a CV) stays out of the archive."""
    draft = Dossier.objects.get(pk=committee["dossiers"]["A"].pk)
    Dossier.objects.filter(pk=draft.pk).update(status=Dossier.Status.BROUILLON)
    export = exports.export_request(kind=ami_exports.ARCHIVE, object_id=committee["ami"].pk, user=committee["staff"])
    with time_machine.travel(AFTER, tick=False):
        exports.export_run(export_id=export.pk)
    names = zip_names(export)
    assert not [n for n in names if n.startswith("dossiers/candidat-a/")]
    assert [n for n in names if n.startswith("dossiers/candidat-b/v1/pieces/")]


# -- hole 2: the history -------------------------------------------------------------


@pytest.mark.django_db
def test_hole_02_the_history_of_a_sealed_dossier_is_refused(committee):
    dossier = committee["dossiers"]["A"]
    url = reverse("history", kwargs={"label": "ami.dossier", "pk": dossier.pk})
    staff = login(committee["staff"])
    with time_machine.travel(BEFORE, tick=False):
        response = staff.get(url)
    assert response.status_code == 403
    assert "fondé en 2009" not in response.content.decode()
    with time_machine.travel(AFTER, tick=False):
        opened = staff.get(url)
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "Brouillon → <strong>Déposé</strong>" in page
    assert "fondé en 2009" not in page and "450" not in page  # the draft's fields: the versions are read elsewhere


@pytest.mark.django_db
def test_hole_02_a_model_without_a_read_permission_has_no_history_page(committee):
    from mlhg_app.history import PERMISSIONS, SHOWN

    assert set(PERMISSIONS) == set(SHOWN)
    version = committee["dossiers"]["A"].versions.get()
    response = login(committee["staff"]).get(
        reverse("history", kwargs={"label": "ami.dossierversion", "pk": version.pk})
    )
    assert response.status_code == 404


# -- hole 8: the evaluators' independence -------------------------------------------


def _doors(dossier):
    fichier = Fichier.objects.filter(versions__dossier=dossier).first()
    return {
        "lecture": reverse("ami:dossier_read", args=[dossier.pk]),
        "pdf": reverse("ami:dossier_pdf", args=[dossier.pk]),
        "zip": reverse("ami:dossier_zip", args=[dossier.pk]),
        "fichier": reverse("ami:fichier_download", args=[dossier.pk, fichier.pk]),
    }


@pytest.mark.django_db
def test_hole_08_an_evaluator_in_conflict_reads_nothing_of_the_dossier(committee):
    e1, _e2, e3 = committee["evaluators"]
    with time_machine.travel(AFTER, tick=True):
        dossier = recevable(committee)
        evaluation_declare(dossier=dossier, user=e3, conflit=True, motif="Associé")
        evaluation_declare(dossier=dossier, user=e1, conflit=False)
        for name, url in _doors(dossier).items():
            refused = login(e3).get(url)
            assert refused.status_code == 403, name
            assert "Vous avez déclaré un conflit d'intérêts pour ce dossier" in html.unescape(refused.content.decode())
            assert login(e1).get(url).status_code == 200, name


@pytest.mark.django_db
def test_hole_08_an_evaluator_reads_the_content_only_after_declaring_no_conflict(committee):
    e1 = committee["evaluators"][0]
    with time_machine.travel(AFTER, tick=True):
        dossier = recevable(committee)
        doors = _doors(dossier)
        page = login(e1).get(doors["lecture"])
        assert page.status_code == 200
        body = page.content.decode()
        assert "Cabinet de psychologues" not in body
        assert "Déclarez d'abord l'absence de conflit d'intérêts" in body
        for name in ("pdf", "zip", "fichier"):
            assert login(e1).get(doors[name]).status_code == 403, name
        evaluation_declare(dossier=dossier, user=e1, conflit=False)
        assert (
            "Cabinet de psychologues du travail fondé en 2009 à Toulouse."
            in login(e1).get(doors["lecture"]).content.decode()
        )


@pytest.mark.django_db
def test_staff_read_no_content_and_no_file_before_the_deadline(committee):
    dossier = committee["dossiers"]["A"]
    with time_machine.travel(BEFORE, tick=True):
        doors = _doors(dossier)
        staff = login(committee["staff"])
        assert "Cabinet de psychologues" not in staff.get(doors["lecture"]).content.decode()
        for name in ("pdf", "zip", "fichier"):
            refused = staff.get(doors[name])
            assert refused.status_code == 403, name
            assert "Ce dossier est scellé jusqu'à la date limite" in html.unescape(refused.content.decode())


@pytest.mark.django_db
def test_hole_01_a_superuser_reads_no_sealed_dossier_either(committee):
    """The technical console's superusers hold every Django permission, never a rule on an object (the seal)."""
    from tests.factories import UserFactory

    root = UserFactory(email="root@ml31.org", role="staff", is_staff=True, is_superuser=True, antenne=None)
    dossier = committee["dossiers"]["A"]
    with time_machine.travel(BEFORE, tick=True):
        doors = _doors(dossier)
        for name in ("pdf", "zip", "fichier"):
            assert login(root).get(doors[name]).status_code == 403, name
        assert not root.has_perm("ami.read_dossier", dossier)
        assert not root.has_perm("ami.archive_ami", committee["ami"])
