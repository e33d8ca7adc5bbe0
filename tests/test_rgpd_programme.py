"""RGPD: a finished programme goes 10 years after its last window, with the retained dossier and its
convention; the AMI's decision stays; nothing goes a day earlier."""

import datetime
import zoneinfo

import pytest
import time_machine

from ami.models import Convention, Dossier, Fichier
from bilans.services.opening import bilan_open
from mlhg_app import retention
from seances.models import Programme, Seance
from seances.services.programme import programme_create_from_convention
from tests.committee import AFTER, decide, scored

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.django_db
def test_the_programme_the_retained_dossier_and_its_convention_go_ten_years_after_the_programme(
    committee,
    users,
):
    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        decision = decide(committee)
    convention = Convention.objects.get()
    retained = convention.dossier
    assert Fichier.objects.filter(dossier=retained).exists()
    programme = programme_create_from_convention(convention=convention, responsable=users["responsable"])
    bilan = bilan_open(programme=programme, user=retained.prestataire.membres.first().user)
    end = max(programme.fenetres.values_list("fin", flat=True))

    just_before = datetime.datetime.combine(end, datetime.time(12), tzinfo=PARIS).replace(year=end.year + 10)
    counts = retention.purge_expired(now=just_before)["bilans.programmes_acheves"]
    assert counts["programmes"] == 0 and Programme.objects.filter(pk=programme.pk).exists()

    after = just_before + datetime.timedelta(days=2)
    counts = retention.purge_expired(now=after)["bilans.programmes_acheves"]
    assert counts["programmes"] == 1 and counts["conventions"] == 1 and counts["dossiers"] == 1
    assert not Programme.objects.filter(pk=programme.pk).exists()
    assert not Seance.objects.filter(programme_id=programme.pk).exists()
    assert not Convention.objects.exists() and not Dossier.objects.filter(pk=retained.pk).exists()
    assert not Fichier.objects.filter(dossier_id=retained.pk).exists()
    assert not bilan.__class__.objects.filter(pk=bilan.pk).exists()
    assert not Dossier.history.filter(id=retained.pk).exists()
    decision.refresh_from_db()
    assert decision.dossier is None and decision.kind  # the AMI's decision is kept, without the dossier
    # Run twice: nothing more.
    assert retention.purge_expired(now=after)["bilans.programmes_acheves"]["programmes"] == 0
