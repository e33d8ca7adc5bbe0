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
from seances.services.planning import programme_plan, seance_move_check
from tests.factories import IntervenantProgrammeFactory
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
    assert flash(response) == f"{proposed} séances validées ; les convocations partent aux membres et aux intervenants."
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
def test_a_convoked_seance_moved_by_the_prestataire_stays_convoked_and_its_people_are_told_once(
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
    assert flash(response) == (
        f"Séance déplacée au {long_date(new_date)} ; les participants reçoivent le nouvel horaire "
        "et l’invitation mise à jour."
    )
    seance.refresh_from_db()
    assert (seance.status, seance.date, seance.sequence) == (Seance.Status.CONVOQUEE, new_date, sequence + 1)
    told = [m for m in mail.outbox if m.to == [users["conseiller"].email]]
    assert [m.subject.split(" :")[0] for m in told] == ["Séance déplacée"]
    assert "Convocation" not in " ".join(m.subject for m in mail.outbox)


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


# -- The planner keeps people's work (issue 16) -------------------------------------------------


@pytest.fixture
def planned_two(users):
    """The programme planned with two intervenants covering every site."""
    programme = build_programme(users)
    IntervenantProgrammeFactory(
        programme=programme,
        prenom="Anne",
        nom="Sabatier",
        antennes=list(programme.groupes.values_list("antenne", flat=True)),
    )
    assert programme_plan(programme=programme).ok
    return programme


def _free_date(seance, candidates, intervenant=None):
    """The first candidate date to which ``seance`` may be moved by hand (the hard rules pass)."""
    intervenant = intervenant or seance.intervenant
    return next(
        day
        for day in candidates
        if not seance_move_check(seance=seance, date=day, heure_debut=seance.heure_debut, intervenant=intervenant)
    )


def _april_and_may(year):
    start = datetime.date(year, 4, 6)
    return [start + datetime.timedelta(days=n) for n in range(50)]


@pytest.mark.django_db
def test_the_planner_keeps_a_manual_change_of_intervenant_and_a_moved_seance(planned_two, users):
    planned = planned_two
    proposed = list(planned.seances.filter(status=Seance.Status.PROPOSEE).select_related("fenetre").order_by("pk"))
    anne = planned.intervenants.get(prenom="Anne")
    marc = planned.intervenants.get(prenom="Marc")
    changed = next(
        s
        for s in proposed
        if not seance_move_check(
            seance=s, date=s.date, heure_debut=s.heure_debut, intervenant=anne if s.intervenant_id == marc.pk else marc
        )
    )
    other = anne if changed.intervenant_id == marc.pk else marc
    seance_move(
        seance=changed, date=changed.date, heure_debut=changed.heure_debut, intervenant=other, user=users["prestataire"]
    )
    moved = next(s for s in proposed if s.fenetre.numero == 3 and s.groupe_id != changed.groupe_id)
    new_date = _free_date(moved, _april_and_may(planned.annee_debut + 1))  # outside the indicative June
    seance_move(
        seance=moved,
        date=new_date,
        heure_debut=moved.heure_debut,
        intervenant=moved.intervenant,
        user=users["prestataire"],
    )
    gone = next(s for s in proposed if s.pk not in {changed.pk, moved.pk})
    gone_key = (gone.groupe_id, gone.fenetre_id)
    gone.delete()  # one (group, window) left to plan
    result = programme_plan(programme=planned)
    assert result.ok, result.reasons
    assert result.placed == 1
    changed.refresh_from_db()
    moved.refresh_from_db()
    assert (changed.intervenant_id, changed.placement) == (other.pk, Seance.Placement.MANUELLE)
    assert (moved.date, moved.placement) == (new_date, Seance.Placement.MANUELLE)
    again = planned.seances.get(groupe_id=gone_key[0], fenetre_id=gone_key[1])
    assert (again.status, again.placement) == (Seance.Status.PROPOSEE, Seance.Placement.AUTO)


@pytest.mark.django_db
def test_the_plan_page_says_what_it_will_do_before_it_writes(planned, users):
    due = planned.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE]).count()
    planned.seances.filter(status=Seance.Status.PROPOSEE, fenetre__numero=3).order_by("pk")[:1].get().delete()
    page = login(users["prestataire"]).get(reverse("seances:plan", args=[planned.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"1 séance à placer, {due - 1} conservées" in text
    assert planned.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE]).count() == due - 1
    response = login(users["prestataire"]).post(reverse("seances:plan", args=[planned.pk]))
    assert flash(response) == f"Planification proposée : 1 séance placée, {due - 1} conservées."
    assert planned.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE]).count() == due


@pytest.mark.django_db
def test_at_full_plan_the_button_is_not_the_main_action_and_running_it_places_nothing(planned, users):
    due = planned.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE]).count()
    board = login(users["prestataire"]).get(reverse("seances:board", args=[planned.pk])).content.decode()
    assert "Toutes les séances sont planifiées" in board
    assert "btn btn-primary" not in board.split("Planifier automatiquement")[0].rsplit("<form", 1)[-1]
    before = list(planned.seances.values_list("pk", "date", "heure_debut", "intervenant_id").order_by("pk"))
    response = login(users["prestataire"]).post(reverse("seances:plan", args=[planned.pk]))
    assert flash(response) == f"Planification proposée : 0 séance placée, {due} conservées."
    assert list(planned.seances.values_list("pk", "date", "heure_debut", "intervenant_id").order_by("pk")) == before
    # with something left, the button is the main action again
    planned.seances.filter(status=Seance.Status.PROPOSEE).order_by("pk")[:1].get().delete()
    board = login(users["prestataire"]).get(reverse("seances:board", args=[planned.pk])).content.decode()
    assert "Toutes les séances sont planifiées" not in board
    assert 'class="btn btn-primary" href="' + reverse("seances:plan", args=[planned.pk]) in board


@pytest.mark.django_db
def test_one_seance_is_replanned_on_demand_and_only_it_moves(planned, users):
    seance = planned.seances.filter(status=Seance.Status.PROPOSEE, fenetre__numero=3).order_by("pk").first()
    seance_move(
        seance=seance,
        date=_free_date(seance, _april_and_may(planned.annee_debut + 1)),
        heure_debut=seance.heure_debut,
        intervenant=seance.intervenant,
        user=users["prestataire"],
    )
    before = dict(planned.seances.exclude(pk=seance.pk).values_list("pk", "date"))
    response = login(users["prestataire"]).post(reverse("seances:seance_replan", args=[seance.pk]))
    seance.refresh_from_db()
    assert flash(response) == f"Séance replanifiée au {long_date(seance.date)}."
    assert (seance.date.month, seance.placement) == (6, Seance.Placement.AUTO)  # back in the indicative June
    assert dict(planned.seances.exclude(pk=seance.pk).values_list("pk", "date")) == before


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


@pytest.mark.django_db
def test_the_calendar_lists_the_seances_of_one_moment_in_the_sites_order(users):
    """Séances of the same day and time were listed as the database returned them (an order that changed
    with the query's plan): now in the sites' order, whatever the order they were planned in."""
    import re

    from seances.models import Groupe
    from tests.seances_world import make_seance

    programme = build_programme(users)
    groupes = list(Groupe.objects.filter(programme=programme).order_by("-antenne__ordre", "numero"))
    for groupe in groupes:  # planned the last site first
        make_seance(programme, groupe, datetime.date(2027, 4, 6), status=Seance.Status.VALIDEE, fenetre=3)
    board = login(users["responsable"]).get(reverse("seances:board", args=[programme.pk])).content.decode()
    day = re.search(
        r'<div class="small">6(?: <span[^>]*>[^<]*</span>)?</div>\s*((?:<div class="small seance-pill[^>]*>[^<]*</div>)+)',
        board,
    )
    pills = re.findall(r">9\xa0h\xa030 ([^<]*)</div>", day.group(1))
    assert pills == [g.antenne.nom.replace("Antenne ", "") for g in reversed(groupes)]


@pytest.mark.django_db
def test_a_cell_s_move_form_shows_the_seance_and_submits_with_its_own_csrf_field(planned, users):
    """The board's cells are written in the view (seances.views.board.board_cells): a séance's « Déplacer » form
    holds its date, time and intervenant, and its CSRF field is accepted by a client that checks CSRF."""
    import re

    from django.test import Client

    seance = planned.seances.filter(status=Seance.Status.PROPOSEE).order_by("date").first()
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["prestataire"], backend="django.contrib.auth.backends.ModelBackend")
    board = client.get(reverse("seances:board", args=[planned.pk])).content.decode()
    action = reverse("seances:seance_move", args=[seance.pk])
    form = board[board.index(f'<form method="post" action="{action}">') :].split("</form>")[0]
    assert f'id="date-{seance.pk}" value="{seance.date.isoformat()}"' in form
    assert f'value="{seance.heure_debut:%H:%M}"' in form
    assert f'<option value="{seance.intervenant_id}" selected>' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = {"csrfmiddlewaretoken": token, "date": "2026-11-11", "heure_debut": "09:30"}
    response = client.post(action, {**data, "intervenant": seance.intervenant_id})
    assert response.status_code == 302  # through CSRF: refused by the rule (a holiday), not by a 403
    assert "Le 11 novembre 2026 est un jour férié." in flash(response)
