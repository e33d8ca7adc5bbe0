"""RGPD: the privacy page, a person's own data as JSON, and the purge of what is past its retention period."""

import datetime
import html
import json
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from ami.models import Dossier, DossierVersion, Evaluation, Fichier, Lettre
from ami.services.decision import decision_make, letters_send
from mlhg_app import retention
from mlhg_app.tasks import purge_expired
from seances.models import Emargement, Seance
from seances.services.attendance import attendance_record
from tests.committee import AFTER, WITHOUT_ALL_GRIDS
from tests.dossiers import complete_dossier
from tests.factories import AMIFactory, MembreFactory, PrestataireFactory, UserFactory
from tests.seances_world import add_seance, build_programme
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text(response) -> str:
    return html.unescape(response.content.decode())


# -- privacy page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_privacy_page_is_public_linked_from_the_footer_and_states_the_periods_in_force(client, settings):
    settings.RETENTION_DOSSIER_NON_RETENU_YEARS = 6
    settings.RETENTION_COMPTE_RENDU_GRACE_DAYS = 45
    home = text(client.get(reverse("home")))
    assert '<a href="/confidentialite/">Données personnelles et confidentialité</a>' in home
    page = client.get(reverse("privacy"))
    assert page.status_code == 200
    body = " ".join(text(page).split())
    assert "6 ans après la notification de la décision, puis suppression, pièces jointes comprises" in body
    assert "10 ans après la fin du programme" in body
    assert "10 ans après la période facturée" in body
    assert "Jusqu'à la validation du bilan de l'année, puis 45 jours, puis suppression" in body


# -- one's own data ---------------------------------------------------------------------------


def download(client) -> dict:
    response = client.get(reverse("personal_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-mlhg-app-')
    return json.loads(response.content)


@pytest.mark.django_db
def test_a_prestataire_downloads_its_account_and_its_dossiers_metadata_and_nothing_of_others(users):

    mine = PrestataireFactory(raison_sociale="Horizons Supervision")
    MembreFactory(user=users["prestataire"], prestataire=mine, email_verified_at=None)
    dossier = complete_dossier(ami=AMIFactory(reference="ami-2026"), prestataire=mine)
    other = complete_dossier(
        ami=AMIFactory(reference="ami-autre"), prestataire=PrestataireFactory(raison_sociale="Rival")
    )
    data = download(login(users["prestataire"]))
    assert data["compte"]["adresse_electronique"] == "prestataire@exemple.fr"
    assert data["compte"]["role"] == "prestataire"
    assert data["organisation"]["raison_sociale"] == "Horizons Supervision"
    assert [d["ami"] for d in data["dossiers"]] == ["ami-2026"]
    assert data["dossiers"][0]["statut"] == dossier.status
    assert sorted(p["nom"] for p in data["dossiers"][0]["pieces"]) == sorted(f.nom for f in dossier.fichiers.all())
    dumped = json.dumps(data, ensure_ascii=False)
    for secret in ("Rival", "ami-autre", other.presentation, dossier.presentation, "staff@exemple.fr"):
        assert secret not in dumped, secret
    assert "evaluations" not in data and "convocations" not in data


@pytest.mark.django_db
def test_a_conseiller_downloads_their_convocations_and_own_attendance_never_the_other_members(users):
    programme = build_programme(users)
    seance = programme.seances.get()
    colleague = UserFactory(
        email="zoe.azema@exemple.fr", first_name="Zoé", last_name="Azéma", antenne=seance.groupe.antenne
    )
    seance.groupe.membres.add(colleague)
    with time_machine.travel(datetime.datetime(2026, 10, 13, 12, 0, tzinfo=PARIS), tick=False):
        attendance_record(seance=seance, user=users["intervenant"], presents=[colleague])
    data = download(login(users["conseiller"]))
    assert data["compte"]["site_de_rattachement"] == users["conseiller"].antenne.nom
    assert data["convocations"]["seances"] == [
        {"date": "2026-10-13", "heure": "09:30", "groupe": str(seance.groupe), "statut": "realisee", "presence": False}
    ]
    assert "Azéma" not in json.dumps(data, ensure_ascii=False)
    colleague_data = download(login(colleague))
    assert colleague_data["convocations"]["seances"][0]["presence"] is True


@pytest.mark.django_db
def test_the_data_download_is_for_logged_in_people_only(client):
    response = client.get(reverse("personal_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- retention -----------------------------------------------------------------------------------


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


@pytest.fixture
def notified(ranked, django_capture_on_commit_callbacks):
    """The AMI decided for B, the four letters sent at AFTER."""
    with time_machine.travel(AFTER, tick=False):
        decision = decision_make(
            ami=ranked["ami"],
            user=ranked["staff"],
            dossier=ranked["dossiers"]["B"],
            justification_grilles=WITHOUT_ALL_GRIDS,
        )
        with django_capture_on_commit_callbacks(execute=True):
            letters_send(decision=decision, user=ranked["staff"])
    return ranked


@pytest.mark.django_db
def test_non_retained_dossiers_are_deleted_with_their_files_after_five_years_the_retained_one_is_kept(
    notified, django_capture_on_commit_callbacks
):
    d = notified["dossiers"]
    files = {name: [f.fichier.name for f in Fichier.objects.filter(dossier=d[name])] for name in "ABCD"}
    letters = {name: Lettre.objects.get(dossier=d[name]).fichier.name for name in "ABCD"}
    assert all(stored(f) for names in files.values() for f in names) and all(stored(f) for f in letters.values())

    inside = AFTER + datetime.timedelta(days=5 * 365)  # a day before the fifth anniversary (2027 and 2031 are not leap)
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=inside)
    assert counts["ami.dossiers_non_retenus"]["dossiers"] == 0
    assert Dossier.objects.count() == 4

    past = AFTER.replace(year=AFTER.year + 5) + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=past)
    assert counts["ami.dossiers_non_retenus"] == {
        "dossiers": 3,
        "fichiers": sum(len(files[name]) for name in "ACD"),
        "versions": 3,
        "evaluations": 6,  # A and C by three evaluators, D irrecevable
        "lettres": 3,
    }
    assert list(Dossier.objects.values_list("pk", flat=True)) == [d["B"].pk]
    for name in "ACD":
        assert not any(stored(f) for f in files[name]), name
        assert not stored(letters[name]), name
        assert not Dossier.history.filter(id=d[name].pk).exists()  # the audit trail does not keep the content
    assert all(stored(f) for f in files["B"]) and stored(letters["B"])
    assert DossierVersion.objects.filter(dossier=d["B"]).count() == 1
    assert Evaluation.objects.filter(dossier=d["B"]).count() == 2
    # a second run deletes nothing more
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_expired(now=past)["ami.dossiers_non_retenus"]["dossiers"] == 0


@pytest.mark.django_db
def test_the_beat_task_purges_and_logs_counts_and_reasons_never_content(
    notified, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="mlhg_app.retention")
    with time_machine.travel(AFTER.replace(year=AFTER.year + 6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = purge_expired.apply().get()
    assert result["ami.dossiers_non_retenus"]["dossiers"] == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "mlhg_app.retention"]
    assert any(
        line.startswith("purge ami.dossiers_non_retenus : dossiers supprimés : 3, fichiers supprimés : ")
        and "conservés 5 ans après la notification" in line
        for line in lines
    ), lines
    assert not any("Candidat" in line for line in lines)


def two_held_seances(users, sheet=None):
    """The programme's séance of October 2026 and one of February 2027, their attendance recorded on the day
    (with the signed `sheet` when given)."""
    programme = build_programme(users)
    old = programme.seances.get()
    recent = add_seance(programme, date=datetime.date(2027, 2, 10))
    for seance in (old, recent):
        with time_machine.travel(datetime.datetime.combine(seance.date, datetime.time(14), PARIS), tick=False):
            attendance_record(seance=seance, user=users["intervenant"], presents=[users["conseiller"]], sheet=sheet)
    return programme, old, recent


@pytest.mark.django_db
def test_attendance_past_ten_years_is_deleted_with_its_scan_a_recent_one_is_kept(
    users, django_capture_on_commit_callbacks
):
    _programme, old, recent = two_held_seances(users, sheet=(PNG, "png"))
    old_scan, recent_scan = (Emargement.objects.get(seance=s).feuille_signee.name for s in (old, recent))
    assert stored(old_scan) and stored(recent_scan)

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=datetime.datetime(2036, 11, 1, tzinfo=PARIS))
    assert counts["seances.emargements"] == {"emargements": 1, "releves": 0, "fichiers": 1}
    assert list(Emargement.objects.values_list("seance_id", flat=True)) == [recent.pk]
    assert not stored(old_scan) and stored(recent_scan)
    assert not Emargement.history.filter(seance_id=old.pk).exists()
    assert Seance.objects.filter(pk=old.pk).exists()  # the séance itself stays (planning, bilan counts)


@pytest.mark.django_db
def test_billed_attendance_is_kept_ten_years_after_the_period_billed_and_the_last_statement_stays(
    users, django_capture_on_commit_callbacks
):
    from seances.models import Releve
    from seances.services.billing import statement_create

    programme, old, recent = two_held_seances(users)
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=PARIS), tick=False):
        first = statement_create(
            programme=programme, debut=datetime.date(2026, 9, 1), fin=datetime.date(2026, 12, 31), user=users["staff"]
        )
        second = statement_create(
            programme=programme, debut=datetime.date(2027, 1, 1), fin=datetime.date(2027, 2, 28), user=users["staff"]
        )
    first_pdf = first.fichier.name

    # ten years after the séance but not after the end of the period billed: kept
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=datetime.datetime(2036, 11, 1, tzinfo=PARIS))
    assert counts["seances.emargements"] == {"emargements": 0, "releves": 0, "fichiers": 0}

    # ten years after both periods: the first statement and its attendance go; the last statement stays
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.purge_expired(now=datetime.datetime(2037, 3, 2, tzinfo=PARIS))
    assert counts["seances.emargements"] == {"emargements": 2, "releves": 1, "fichiers": 1}
    assert list(Releve.objects.values_list("pk", flat=True)) == [second.pk]
    assert not stored(first_pdf) and stored(second.fichier.name)
    assert not Releve.history.filter(id=first.pk).exists()
