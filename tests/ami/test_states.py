"""The state functions of the AMI and the dossier: one table of transitions, history, no-op, refusals."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from ami.models import AMI, Dossier
from ami.services.states import AMI_TRANSITIONS, DOSSIER_TRANSITIONS, ami_set_state, dossier_set_state
from mlhg_app.refusals import Refused
from tests.dossiers import complete_dossier
from tests.factories import AMIFactory

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
BEFORE = DEADLINE - datetime.timedelta(days=1)
AFTER = DEADLINE + datetime.timedelta(seconds=1)

AMI_ALLOWED = [(src, dst) for src, targets in AMI_TRANSITIONS.items() for dst in sorted(targets)]
DOSSIER_ALLOWED = [(src, dst) for src, targets in DOSSIER_TRANSITIONS.items() for dst in sorted(targets)]


def test_the_tables_name_every_status_and_the_design_s_path():
    assert set(AMI_TRANSITIONS) == set(AMI.Status.values)
    assert set(DOSSIER_TRANSITIONS) == set(Dossier.Status.values)
    path = ["brouillon", "publie", "clos", "en_analyse", "attribue"]
    assert all(b in AMI_TRANSITIONS[a] for a, b in zip(path, path[1:], strict=False))
    assert "sans_suite" in AMI_TRANSITIONS["en_analyse"]


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst"), AMI_ALLOWED)
def test_every_allowed_ami_transition_is_saved_with_its_history(src, dst, users):
    ami = AMIFactory(status=src, date_limite=DEADLINE)
    now = BEFORE if dst == AMI.Status.PUBLIE else AFTER

    assert ami_set_state(ami=ami, status=dst, by=users["staff"], now=now) is True

    ami.refresh_from_db()
    assert ami.status == dst
    last = ami.history.latest()
    assert (last.status, last.history_user, last.history_change_reason) == (
        dst,
        users["staff"],
        f"Statut : {AMI.Status(dst).label}",
    )
    assert ami.history.earliest().status == src


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst"), DOSSIER_ALLOWED)
def test_every_allowed_dossier_transition_is_saved_with_its_history(src, dst, users, reference):
    dossier = complete_dossier(ami=AMIFactory(date_limite=DEADLINE))
    Dossier.objects.filter(pk=dossier.pk).update(status=src)  # the test's starting point, not a product path
    dossier.refresh_from_db()

    assert dossier_set_state(dossier=dossier, status=dst, by=users["staff"], motif="Motif du test") is True

    dossier.refresh_from_db()
    assert dossier.status == dst
    last = dossier.history.latest()
    assert (last.status, last.history_user, last.history_change_reason) == (dst, users["staff"], "Motif du test")


@pytest.mark.django_db
def test_a_forbidden_transition_is_refused_in_french_and_changes_nothing(reference):
    ami = AMIFactory(status=AMI.Status.ATTRIBUE, date_limite=DEADLINE)
    entries = ami.history.count()
    with pytest.raises(Refused, match="^L'AMI ne peut pas passer de « Attribué » à « Publié ».$"):
        ami_set_state(ami=ami, status=AMI.Status.PUBLIE, now=BEFORE)
    dossier = complete_dossier(ami=ami)
    with pytest.raises(Refused, match="^Le dossier ne peut pas passer de « Brouillon » à « Recevable ».$"):
        dossier_set_state(dossier=dossier, status=Dossier.Status.RECEVABLE)

    ami.refresh_from_db()
    dossier.refresh_from_db()
    assert (ami.status, ami.history.count(), dossier.status) == (AMI.Status.ATTRIBUE, entries, Dossier.Status.BROUILLON)


@pytest.mark.django_db
def test_setting_the_current_status_is_a_no_op_without_history(reference):
    ami = AMIFactory(status=AMI.Status.PUBLIE, date_limite=DEADLINE)
    dossier = complete_dossier(ami=ami)
    entries = (ami.history.count(), dossier.history.count())

    assert ami_set_state(ami=ami, status=AMI.Status.PUBLIE) is False
    assert dossier_set_state(dossier=dossier, status=Dossier.Status.BROUILLON) is False

    assert (ami.history.count(), dossier.history.count()) == entries


@pytest.mark.django_db
def test_an_open_ami_is_not_closed_before_its_deadline(reference):
    ami = AMIFactory(status=AMI.Status.PUBLIE, date_limite=DEADLINE)
    with pytest.raises(
        Refused, match=r"reste ouvert aux dépôts jusqu'à sa date limite \(vendredi 29 mai 2026 à 23\xa0h\xa059\)"
    ):
        ami_set_state(ami=ami, status=AMI.Status.CLOS, now=DEADLINE)
    ami.refresh_from_db()
    assert ami.status == AMI.Status.PUBLIE
