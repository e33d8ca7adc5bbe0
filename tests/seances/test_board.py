"""The planning board: the responsable validates, asks for a change; the prestataire moves a séance."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mlhg_app.french import long_date
from mlhg_app.refusals import Refused
from seances.models import Seance
from seances.services.board import seance_move
from seances.services.planning import programme_plan
from tests.seances_world import build_programme
from tests.web import flash, login


@pytest.fixture
def planned(users):
    programme = build_programme(users)
    result = programme_plan(programme=programme)
    assert result.ok, result.reasons
    return programme


@pytest.mark.django_db
def test_the_responsable_validates_all_and_convocations_leave(planned, users, django_capture_on_commit_callbacks):
    proposed = planned.seances.filter(status=Seance.Status.PROPOSEE).count()
    assert proposed == 7 * 3 - 1
    board = login(users["responsable"]).get(reverse("seances:board", args=[planned.pk])).content.decode()
    assert f"Valider les {proposed} séances proposées" in board
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users["responsable"]).post(
            reverse("seances:validate_all", args=[planned.pk]), {"confirme": "1"}
        )
    assert (
        flash(response)
        == f"{proposed} séance(s) validée(s) ; les convocations partent aux membres et aux intervenants."
    )
    assert planned.seances.filter(status=Seance.Status.CONVOQUEE).count() == proposed + 1
    # the intervenant gets one invitation per séance, the conseiller one for their group's séances
    assert sum(1 for m in mail.outbox if m.to == [users["intervenant"].email]) == proposed
    assert sum(1 for m in mail.outbox if m.to == [users["conseiller"].email]) == 2


@pytest.mark.django_db
def test_a_move_onto_a_holiday_or_weekend_is_refused_naming_the_rule(planned, users):
    seance = planned.seances.filter(status=Seance.Status.PROPOSEE, fenetre__numero=1).first()
    url = reverse("seances:seance_move", args=[seance.pk])
    client = login(users["prestataire"])
    data = {"heure_debut": "09:30", "intervenant": seance.intervenant_id}
    response = client.post(url, {**data, "date": "2026-11-11"})
    assert "Le 11 novembre 2026 est un jour férié." in flash(response)
    response = client.post(url, {**data, "date": "2026-10-17"})
    assert "Samedi : les séances ont lieu en semaine." in flash(response)
    response = client.post(url, {**data, "date": "2027-07-06"})
    assert "Juillet et août sont exclus." in flash(response)
    seance.refresh_from_db()
    assert seance.date != datetime.date(2026, 11, 11)


@pytest.mark.django_db
def test_a_validated_seance_moved_by_the_prestataire_returns_to_proposee_and_the_responsable_is_told(
    planned, users, django_capture_on_commit_callbacks
):
    seance = planned.seances.get(groupe__membres=users["conseiller"], fenetre__numero=1)  # convoked
    sequence = seance.sequence
    new_date = seance.date + datetime.timedelta(days=1)
    while new_date.weekday() > 3:
        new_date += datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(users["prestataire"]).post(
            reverse("seances:seance_move", args=[seance.pk]),
            {"date": new_date.isoformat(), "heure_debut": "14:00", "intervenant": seance.intervenant_id},
        )
    assert flash(response) == f"Séance déplacée au {long_date(new_date)}."
    seance.refresh_from_db()
    assert (seance.status, seance.date, seance.sequence) == (Seance.Status.PROPOSEE, new_date, sequence + 1)
    told = [m for m in mail.outbox if m.to == [users["responsable"].email]]
    assert len(told) == 1
    assert told[0].subject.startswith("Séance déplacée à valider")


@pytest.mark.django_db
def test_the_responsable_asks_for_a_change_with_a_comment(planned, users):
    seance = planned.seances.filter(status=Seance.Status.PROPOSEE).first()
    url = reverse("seances:seance_request_change", args=[seance.pk])
    assert flash(login(users["responsable"]).post(url, {"commentaire": " "})) == "Expliquez la modification demandée."
    response = login(users["responsable"]).post(
        url, {"commentaire": "Le mardi matin est pris par la réunion d'équipe."}
    )
    assert flash(response) == "Demande de modification transmise au prestataire."
    assert [m.to for m in mail.outbox] == [[users["prestataire"].email]]
    board = login(users["prestataire"]).get(reverse("seances:board", args=[planned.pk])).content.decode()
    assert "Modification demandée : Le mardi matin est pris par la réunion d&#x27;équipe." in board
    # only the responsable validates
    assert login(users["prestataire"]).post(reverse("seances:seance_validate", args=[seance.pk])).status_code == 403


@pytest.mark.django_db
def test_the_move_permission_is_the_services_rule_and_the_board_offers_moves_by_it(planned, users):
    prestataire = users["prestataire"]
    seance = planned.seances.filter(status=Seance.Status.PROPOSEE).first()
    movable = {Seance.Status.PROPOSEE, Seance.Status.VALIDEE, Seance.Status.CONVOQUEE}
    for status in Seance.Status:
        seance.status = status
        assert prestataire.has_perm("seances.move_seance", seance) == (status in movable), status
    assert not users["responsable"].has_perm("seances.move_seance", planned.seances.first())
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.REALISEE)
    seance.refresh_from_db()
    with pytest.raises(Refused, match="Cette séance ne peut plus être déplacée."):
        seance_move(
            seance=seance,
            date=seance.date,
            heure_debut=seance.heure_debut,
            intervenant=seance.intervenant,
            user=prestataire,
        )
    board = login(prestataire).get(reverse("seances:board", args=[planned.pk])).content.decode()
    shown = planned.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE])
    assert board.count('<summary class="small">Déplacer</summary>') == shown.filter(status__in=movable).count()


@pytest.mark.django_db
def test_the_sites_page_queries_do_not_grow_with_the_number_of_sites(planned, users):
    client = login(users["staff"])
    url = reverse("seances:sites", args=[planned.pk])
    with CaptureQueriesContext(connection) as several:
        assert client.get(url).status_code == 200
    assert planned.sites.count() > 1
    first = planned.sites.order_by("antenne__ordre").first()
    planned.sites.exclude(pk=first.pk).delete()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    assert len(several.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_validating_all_asks_for_confirmation_and_says_how_many_people_are_convoked(planned, users):
    from seances.calendar import seance_attendees

    proposed = planned.seances.filter(status=Seance.Status.PROPOSEE)
    count = proposed.count()
    attendees = [seance_attendees(s) for s in proposed]
    invitations = sum(len(a) for a in attendees)
    people = {email for a in attendees for email, _name, _role in a}
    assert invitations > len(people) > 1
    client = login(users["responsable"])
    board = client.get(reverse("seances:board", args=[planned.pk])).content.decode()
    assert f'action="{reverse("seances:validate_all", args=[planned.pk])}"' in board
    response = client.post(reverse("seances:validate_all", args=[planned.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"Valider les {count} séances proposées enverra {invitations} convocations à {len(people)} personnes "
        "(membres des groupes et intervenants)." in page
    )
    assert 'name="confirme" value="1"' in page
    assert planned.seances.filter(status=Seance.Status.PROPOSEE).count() == count
    assert mail.outbox == []
