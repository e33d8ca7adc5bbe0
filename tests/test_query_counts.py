"""Pages keep a constant number of queries as data grows (1 item, then 10)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ami.services.eligibility import dossier_set_eligibility
from ami.services.submission import dossier_submit
from tests.committee import DEADLINE, grade
from tests.dossiers import complete_dossier, member
from tests.factories import AMIFactory, PrestataireFactory, UserFactory
from tests.web import login

AFTER = DEADLINE + datetime.timedelta(days=2)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_dossiers(ami, n, evaluators, staff, start=0):
    from ami.models import AMI

    AMI.objects.filter(pk=ami.pk).update(status=AMI.Status.PUBLIE)  # reopen for the next batch
    dossiers = []
    for i in range(start, start + n):
        prestataire = PrestataireFactory(raison_sociale=f"Candidat {i:02d}")
        user = member(prestataire, f"c{i}@candidat.fr")
        dossier = complete_dossier(ami=ami, prestataire=prestataire)
        with time_machine.travel(DEADLINE - datetime.timedelta(hours=1), tick=False):
            dossier_submit(dossier=dossier, user=user)
        dossiers.append(dossier)
    for dossier in dossiers:
        with time_machine.travel(AFTER, tick=False):
            dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
            for evaluator in evaluators:
                grade(evaluator, dossier, [7, 6, 8])


@pytest.mark.django_db
def test_selection_pages_do_not_grow_with_the_number_of_dossiers(reference):
    ami = AMIFactory(reference="ami-2026", date_limite=DEADLINE)
    staff = UserFactory(email="achats@ml31.org", role="staff", is_staff=True, antenne=None)
    evaluators = [UserFactory(email=f"e{i}@ml31.org", role="evaluateur", antenne=None) for i in range(2)]
    ami.evaluateurs.set(evaluators)
    pages = [
        (staff, reverse("ami:staff_dossiers", args=["ami-2026"])),
        (staff, reverse("ami:eligibility", args=["ami-2026"])),
        (staff, reverse("ami:results", args=["ami-2026"])),
        (staff, reverse("ami:results_csv", args=["ami-2026"])),
        (staff, reverse("home")),
        (evaluators[0], reverse("ami:my_evaluations")),
    ]
    add_dossiers(ami, 1, evaluators, staff)
    with time_machine.travel(AFTER, tick=True):
        once = [count(login(user), url) for user, url in pages]
    add_dossiers(ami, 9, evaluators, staff, start=1)
    with time_machine.travel(AFTER, tick=True):
        ten = [count(login(user), url) for user, url in pages]
    assert ten == once
