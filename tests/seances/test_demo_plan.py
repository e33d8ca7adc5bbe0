"""The demo's plan keeps the seed's calendar (AMI §8: each site's first séance in September or October 2026)
and a person's change survives the planner."""

import datetime

import pytest

from seances.models import Seance
from seances.services.planning import programme_plan


@pytest.fixture
def demo(demo_programme):
    return demo_programme


def test_the_demo_plan_gives_each_site_its_first_seance_in_september_or_october(demo):
    active = demo.seances.exclude(status__in=[Seance.Status.ANNULEE, Seance.Status.REPORTEE])
    first = {}
    for seance in active.select_related("groupe__antenne"):
        name = seance.groupe.antenne.nom
        first[name] = min(first.get(name, seance.date), seance.date)
    assert len(first) == 7
    late = {
        name: day for name, day in first.items() if not datetime.date(2026, 9, 1) <= day <= datetime.date(2026, 10, 31)
    }
    assert late == {}


def test_the_demo_keeps_a_persons_change_when_the_planner_runs_again(demo):
    manual = list(demo.seances.filter(placement=Seance.Placement.MANUELLE, status=Seance.Status.PROPOSEE))
    assert len(manual) == 1
    before = list(demo.seances.values_list("pk", "date", "heure_debut", "intervenant_id", "status").order_by("pk"))
    result = programme_plan(programme=demo)
    assert result.ok, result.reasons
    assert [a for a in result.assignments if not a.fixed] == []
    assert (
        list(demo.seances.values_list("pk", "date", "heure_debut", "intervenant_id", "status").order_by("pk")) == before
    )
