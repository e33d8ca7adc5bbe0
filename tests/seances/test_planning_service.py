"""Planning a programme from the database: séances written (or not), the manual-move check, the command."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mlhg_app.refusals import Refused
from seances.models import Fenetre, Seance
from seances.services.planning import programme_plan, programme_plan_input, programme_plan_preview, seance_move_check
from tests.factories import (
    AntenneFactory,
    FenetreFactory,
    GroupeFactory,
    IndisponibiliteFactory,
    IntervenantProgrammeFactory,
    ProgrammeFactory,
    SeanceFactory,
)
from tests.seances_world import AFTERNOON, MORNING

D = datetime.date
S = Seance.Status


# The programme 2026-2027: three windows, Ouest, Comminges (closed on Wednesdays) and the
# Muretain in two sub-groups; Marc covers Ouest and Muretain, Julie Muretain and Comminges.
WINDOWS = [
    (1, D(2026, 9, 1), D(2026, 12, 19), [10, 11]),
    (2, D(2027, 1, 4), D(2027, 3, 31), [2, 3]),
    (3, D(2027, 4, 1), D(2027, 6, 30), [6]),
]


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory()
    sites = {
        "ouest": AntenneFactory(code="ouest", nom="Antenne Ouest"),
        "comminges": AntenneFactory(code="comminges", nom="Antenne Comminges", jours_indisponibles=[2]),
        "muretain": AntenneFactory(code="muretain", nom="Antenne Muretain"),
    }
    for numero, debut, fin, mois in WINDOWS:
        FenetreFactory(programme=programme, numero=numero, debut=debut, fin=fin, mois_indicatifs=mois)
    GroupeFactory(programme=programme, antenne=sites["ouest"])
    GroupeFactory(programme=programme, antenne=sites["comminges"])
    for numero in (1, 2):
        GroupeFactory(programme=programme, antenne=sites["muretain"], numero=numero, nb_groupes_site=2)
    IntervenantProgrammeFactory(
        programme=programme, antennes=[sites["ouest"], sites["muretain"]], indisponibles=[D(2026, 10, 13)]
    )
    IntervenantProgrammeFactory(
        programme=programme, prenom="Julie", nom="Bernard", antennes=[sites["muretain"], sites["comminges"]]
    )
    return programme


def groupe(programme, code, numero=1):
    return programme.groupes.get(antenne__code=code, numero=numero)


def fenetre(programme, numero):
    return programme.fenetres.get(numero=numero)


def intervenant(programme, prenom):
    return programme.intervenants.get(prenom=prenom)


def seance(programme, code, numero, day, start, prenom, status, groupe_numero=1):
    return SeanceFactory(
        programme=programme,
        groupe=groupe(programme, code, groupe_numero),
        fenetre=fenetre(programme, numero),
        date=day,
        heure_debut=start,
        intervenant=intervenant(programme, prenom),
        status=status,
    )


def test_the_plan_is_written_as_proposed_seances(programme):
    result = programme_plan(programme=programme)
    assert result.ok and result.optimal
    seances = list(Seance.objects.filter(programme=programme).select_related("groupe__antenne", "intervenant"))
    assert len(seances) == 4 * 3
    assert {s.status for s in seances} == {S.PROPOSEE}
    assert {(s.groupe_id, s.fenetre_id) for s in seances} == {
        (g.pk, f.pk) for g in programme.groupes.all() for f in programme.fenetres.all()
    }
    written = {(s.groupe_id, s.fenetre_id, s.date, s.heure_debut, s.intervenant_id) for s in seances}
    assert written == {(a.group_key, a.window_key, a.date, a.start, a.intervenant_key) for a in result.assignments}
    for s in seances:
        assert s.intervenant.antennes.filter(pk=s.groupe.antenne_id).exists()
        assert s.date.weekday() < 5 and s.date.weekday() not in s.groupe.antenne.jours_indisponibles
    assert D(2026, 10, 13) not in {s.date for s in seances if s.intervenant.prenom == "Marc"}


def test_every_active_seance_stays_and_a_proposed_one_is_replaced_only_on_demand(programme):
    validated = seance(programme, "ouest", 1, D(2026, 9, 15), AFTERNOON, "Marc", S.VALIDEE)
    proposed = seance(programme, "ouest", 2, D(2027, 1, 5), MORNING, "Marc", S.PROPOSEE)
    cancelled = seance(programme, "comminges", 1, D(2026, 10, 1), MORNING, "Julie", S.ANNULEE)
    result = programme_plan(programme=programme)
    assert result.ok
    assert (result.placed, result.kept) == (10, 2)
    validated.refresh_from_db()
    assert (validated.date, validated.heure_debut, validated.status) == (D(2026, 9, 15), AFTERNOON, S.VALIDEE)
    proposed.refresh_from_db()
    assert (proposed.date, proposed.status) == (D(2027, 1, 5), S.PROPOSEE)  # kept: it has a date
    cancelled.refresh_from_db()
    assert (cancelled.date, cancelled.status) == (D(2026, 10, 1), S.ANNULEE)
    active = Seance.objects.filter(programme=programme).exclude(status=S.ANNULEE)
    assert active.count() == 12
    assert active.filter(groupe=cancelled.groupe, fenetre=cancelled.fenetre, status=S.PROPOSEE).count() == 1
    # « Replanifier cette séance »: only it moves, into the indicative months
    before = dict(active.exclude(pk=proposed.pk).values_list("pk", "date"))
    result = programme_plan(programme=programme, seance=proposed)
    assert result.ok and result.placed == 1
    proposed.refresh_from_db()
    assert (proposed.date.month in (2, 3), proposed.placement) == (True, Seance.Placement.AUTO)
    assert dict(active.exclude(pk=proposed.pk).values_list("pk", "date")) == before


def test_a_dry_run_writes_nothing(programme):
    result = programme_plan(programme=programme, dry_run=True)
    assert result.ok and len(result.assignments) == 12
    assert not Seance.objects.exists()


def test_an_impossible_plan_writes_nothing(programme):
    proposed = seance(programme, "ouest", 1, D(2026, 10, 5), MORNING, "Marc", S.PROPOSEE)
    intervenant(programme, "Julie").antennes.remove(groupe(programme, "comminges").antenne)
    result = programme_plan(programme=programme)
    assert result.ok is False and result.assignments == []
    assert result.reasons == [
        f"Antenne Comminges : plus aucune date possible en fenêtre {n} pour le groupe Antenne Comminges "
        "(aucun intervenant ne couvre le site)."
        for n in (1, 2, 3)
    ]
    assert list(Seance.objects.values_list("pk", "date")) == [(proposed.pk, D(2026, 10, 5))]


def test_the_input_is_read_in_a_constant_number_of_queries(programme):
    seance(programme, "ouest", 1, D(2026, 9, 15), AFTERNOON, "Marc", S.VALIDEE)
    with CaptureQueriesContext(connection) as small:
        programme_plan_input(programme=programme)
    extra = AntenneFactory(code="lauragais", nom="Antenne Lauragais")
    for numero in (1, 2, 3):
        GroupeFactory(programme=programme, antenne=extra, numero=numero, nb_groupes_site=3)
    IntervenantProgrammeFactory(
        programme=programme, prenom="Anne", nom="Roux", antennes=[extra], indisponibles=[D(2026, 11, 2)]
    )
    seance(programme, "comminges", 1, D(2026, 10, 15), MORNING, "Julie", S.CONVOQUEE)
    with CaptureQueriesContext(connection) as large:
        inp = programme_plan_input(programme=programme)
    assert len(large.captured_queries) == len(small.captured_queries) == 7  # with the first-year question
    assert len(inp.groups) == 7 and len(inp.intervenants) == 3 and len(inp.fixed) == 2
    comminges = next(g for g in inp.groups if g.antenne_name == "Antenne Comminges")
    assert comminges.unavailable_weekdays == {2}
    assert D(2026, 11, 11) in inp.public_holidays and D(2026, 10, 20) in inp.school_holidays


def test_a_manual_move_is_checked_against_the_hard_rules(programme):
    seance(programme, "muretain", 1, D(2026, 11, 12), MORNING, "Marc", S.VALIDEE)
    moved = seance(programme, "ouest", 1, D(2026, 10, 8), MORNING, "Marc", S.PROPOSEE)
    marc, julie = intervenant(programme, "Marc"), intervenant(programme, "Julie")
    # the prestation's first year: the Ouest's only séance stays in September–October
    assert seance_move_check(seance=moved, date=D(2026, 11, 12), heure_debut=AFTERNOON, intervenant=marc) == [
        "Première année de la prestation : la première séance de l'Antenne Ouest doit avoir lieu en "
        "septembre ou octobre 2026."
    ]
    ProgrammeFactory(annee_debut=2025, prestataire=programme.prestataire)  # now a later year: the other rules
    assert seance_move_check(seance=moved, date=D(2026, 10, 15), heure_debut=MORNING, intervenant=marc) == []
    assert seance_move_check(seance=moved, date=D(2026, 11, 11), heure_debut=MORNING, intervenant=marc) == [
        "Le 11 novembre 2026 est un jour férié."
    ]
    assert seance_move_check(seance=moved, date=D(2026, 11, 12), heure_debut=MORNING, intervenant=marc) == [
        "Marc Olivier anime déjà une séance ce matin-là (Antenne Muretain)."
    ]
    assert seance_move_check(seance=moved, date=D(2026, 11, 12), heure_debut=AFTERNOON, intervenant=marc) == []
    assert seance_move_check(seance=moved, date=D(2026, 10, 13), heure_debut=MORNING, intervenant=julie) == [
        "Julie Bernard ne couvre pas l'Antenne Ouest."
    ]
    assert seance_move_check(seance=moved, date=D(2027, 7, 6), heure_debut=MORNING, intervenant=marc) == [
        "Juillet et août sont exclus.",
        "Hors de la fenêtre 1 (1er septembre – 19 décembre 2026).",
    ]


# -- The command -------------------------------------------------------------------------------


@pytest.fixture
def tight_programme(programme):
    """One possible day per window, so that the plan is known in advance."""
    Fenetre.objects.filter(programme=programme, numero=1).update(debut=D(2026, 10, 12), fin=D(2026, 10, 12))
    Fenetre.objects.filter(programme=programme, numero=2).update(debut=D(2027, 2, 1), fin=D(2027, 2, 1))
    Fenetre.objects.filter(programme=programme, numero=3).update(debut=D(2027, 6, 1), fin=D(2027, 6, 1))
    programme.groupes.exclude(antenne__code="ouest").delete()
    return programme


def test_the_command_prints_the_plan(tight_programme):
    out = StringIO()
    call_command("plan_seances", "--programme", str(tight_programme.pk), "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "lundi 12 octobre 2026 à 9\xa0h\xa030 – Antenne Ouest – Marc Olivier",
        "lundi 1er février 2027 à 9\xa0h\xa030 – Antenne Ouest – Marc Olivier",
        "mardi 1er juin 2027 à 9\xa0h\xa030 – Antenne Ouest – Marc Olivier",
        "Objectif : 49 (optimal), calculé en " + out.getvalue().split("calculé en ")[1].splitlines()[0],
        "Simulation : 3 séance(s) à proposer, 0 conservée(s), rien n'a été enregistré.",
    ]
    assert not Seance.objects.exists()
    call_command("plan_seances", "--programme", str(tight_programme.pk), stdout=StringIO())
    assert Seance.objects.filter(status=S.PROPOSEE).count() == 3
    out = StringIO()
    call_command("plan_seances", "--programme", str(tight_programme.pk), stdout=out)
    assert out.getvalue() == "Toutes les séances sont planifiées : rien à placer, 3 conservée(s).\n"


def test_the_command_explains_an_impossible_plan_and_exits_with_1(tight_programme):
    IndisponibiliteFactory(intervenant=intervenant(tight_programme, "Marc"), date=D(2027, 2, 1))
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("plan_seances", "--programme", str(tight_programme.pk), stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "Aucun plan possible pour le Programme 2026-2027 :",
        "- Antenne Ouest : plus aucune date possible en fenêtre 2 pour le groupe Antenne Ouest "
        "(indisponibilités des intervenants).",
    ]
    assert not Seance.objects.exists()


def test_a_validated_seance_is_never_replanned(programme):
    validated = seance(programme, "ouest", 1, D(2026, 9, 15), AFTERNOON, "Marc", S.VALIDEE)
    with pytest.raises(Refused, match="Seule une séance proposée se replanifie"):
        programme_plan(programme=programme, seance=validated)
    validated.refresh_from_db()
    assert (validated.date, validated.heure_debut) == (D(2026, 9, 15), AFTERNOON)
    assert list(Seance.objects.values_list("pk", flat=True)) == [validated.pk]


def test_the_preview_counts_what_is_left_and_what_is_kept(programme):
    assert programme_plan_preview(programme=programme).text == "12 séances à placer, 0 conservée"
    seance(programme, "ouest", 1, D(2026, 9, 15), AFTERNOON, "Marc", S.VALIDEE)
    seance(programme, "ouest", 2, D(2027, 2, 2), MORNING, "Marc", S.PROPOSEE)
    seance(programme, "comminges", 1, D(2026, 10, 1), MORNING, "Julie", S.ANNULEE)
    preview = programme_plan_preview(programme=programme)
    assert (preview.text, preview.manual) == ("10 séances à placer, 2 conservées", 2)
    result = programme_plan(programme=programme)
    assert (result.placed, result.kept) == (10, 2)
    assert programme_plan_preview(programme=programme).text == "0 séance à placer, 12 conservées"
