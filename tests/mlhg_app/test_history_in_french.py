"""Journal and histories speak French with people's names (issue 17): the fields' French names
(« Fenêtre », « Validée par », « Décidée par »), the intervenant's name instead of « n° 2 → n° 1 », a
programme titled once, and a constant number of queries as the history grows."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from seances.models import Seance
from seances.services.board import seance_validate
from tests.committee import AFTER, decide, scored
from tests.factories import IntervenantProgrammeFactory, SeanceFactory
from tests.seances_world import build_programme
from tests.web import login


def body(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_a_seance_history_names_the_fields_in_french_and_the_people_by_name(users):
    programme = build_programme(users)
    first = programme.intervenants.get()
    other = IntervenantProgrammeFactory(programme=programme, prenom="Inès", nom="Delmas")
    seance = SeanceFactory(
        programme=programme, groupe=programme.groupes.last(), fenetre=programme.fenetres.get(numero=2),
        date=datetime.date(2027, 2, 9), heure_debut=datetime.time(14, 0), intervenant=first,
    )  # fmt: skip
    seance_validate(seance=seance, user=users["responsable"])
    seance = Seance.objects.get(pk=seance.pk)
    seance.intervenant = other
    seance.save()
    staff = login(users["staff"])
    url = reverse("history", kwargs={"label": "seances.seance", "pk": seance.pk})
    page = body(staff.get(url))
    assert f"Fenêtre : — → <strong>{programme.fenetres.get(numero=2)}</strong>" in page
    assert f"Validée par : — → <strong>{users['responsable']}</strong>" in page
    assert f"Intervenant : {first} → <strong>{other}</strong>" in page
    assert "n° " not in page.split("<h1>")[1]
    assert "Validated by" not in page and "Fenetre" not in page

    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n in range(5):
        seance.intervenant = first if n % 2 == 0 else other
        seance.save()
    with CaptureQueriesContext(connection) as many:
        assert staff.get(url).status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_programme_history_names_it_once(users):
    programme = build_programme(users)
    programme.save()  # a history record
    page = body(
        login(users["staff"]).get(reverse("history", kwargs={"label": "seances.programme", "pk": programme.pk}))
    )
    assert f"<h1>Historique : {programme}</h1>" in page
    assert "Programme Programme" not in page


@pytest.mark.django_db
def test_the_journal_says_who_decided_in_french(committee):
    with time_machine.travel(AFTER, tick=True):
        scored(committee)
        decide(committee)
        page = body(login(committee["staff"]).get(reverse("ami:audit", args=["ami-2026"])))
    assert f"Décidée par : — → <strong>{committee['staff']}</strong>" in page
    assert "Decided by" not in page
    assert '<td class="changes">' in page
