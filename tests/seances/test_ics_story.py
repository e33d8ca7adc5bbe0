"""Every calendar follows every change: a convocation → move → cancel story, read back with an independent
iCalendar parser (vobject, not the icalendar package that writes them), and the rules of what goes out."""

import datetime
import email
import re
import zoneinfo

import pytest
import time_machine
import vobject
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from mlhg_app.models import OutgoingMessage
from seances.calendar import feed_ics, seance_ics
from seances.models import Seance
from seances.services.billing import seance_cancel
from seances.services.convocations import seance_convoke
from seances.services.programme import groupe_remove_member
from tests.factories import UserFactory
from tests.seances_world import build_programme
from tests.web import flash, login

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DOMAIN = "app-test.ml31.example"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def world():
    """15 September 2026 (summer time), the site's domain configured."""
    with (
        override_settings(SITE_DOMAIN=DOMAIN),
        time_machine.travel(datetime.datetime(2026, 9, 15, 10, 0, tzinfo=PARIS), tick=False),
    ):
        yield


@pytest.fixture
def seance(users):
    programme = build_programme(users)
    s = programme.seances.get()
    s.groupe.membres.add(
        UserFactory(email="collegue@exemple.fr", first_name="Lina", last_name="Martin", antenne=s.groupe.antenne)
    )
    Seance.objects.filter(pk=s.pk).update(status=Seance.Status.VALIDEE)
    s.refresh_from_db()
    return s


@pytest.fixture
def claire(users):
    staff = users["staff"]
    staff.first_name, staff.last_name = "Claire", "Delmas"
    staff.save()
    return staff


def parse(ics: bytes):
    """The calendar and its one VEVENT, read by vobject."""
    cal = vobject.readOne(ics.decode())
    (event,) = cal.vevent_list
    return cal, event


def ics_of(message) -> bytes:
    (attachment,) = message.attachments
    content = attachment[1]
    return content.encode() if isinstance(content, str) else content


def sent_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def check_event(cal, event):
    """What every invitation carries: ORGANIZER, DTSTART in Europe/Paris with its VTIMEZONE, our domain."""
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Europe/Paris"]
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Paris"]  # vobject's TZID, read from its VTIMEZONE
    assert vobject.icalendar.TimezoneComponent.pickTzid(event.dtstart.value.tzinfo) == "Europe/Paris"
    assert event.dtstart.value.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert event.organizer.value.startswith("mailto:")
    assert event.uid.value.endswith(f"@{DOMAIN}")


def move(client, seance, day, hour):
    return client.post(
        reverse("seances:seance_move", args=[seance.pk]),
        {"date": day.isoformat(), "heure_debut": hour, "intervenant": seance.intervenant_id},
    )


def test_convocation_move_cancel_is_one_event_whose_sequence_grows(
    seance, users, claire, django_capture_on_commit_callbacks
):
    conseiller = users["conseiller"].email
    seance_convoke(seance=seance)
    with django_capture_on_commit_callbacks(execute=True):
        response = move(login(claire), seance, datetime.date(2026, 10, 15), "14:00")
    assert flash(response) == (
        "Séance déplacée au jeudi 15 octobre 2026 ; les participants reçoivent le nouvel horaire "
        "et l’invitation mise à jour."
    )
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE  # still convoked: the new slot is valid at once
    assert seance.history.first().history_change_reason == "Déplacée par Claire Delmas (administration)"
    with django_capture_on_commit_callbacks(execute=True):
        seance_cancel(seance=seance, user=claire, motif="Salle indisponible")

    story = sent_to(conseiller)
    assert [m.subject.split(" :")[0] for m in story] == ["Convocation", "Séance déplacée", "Séance annulée"]
    moved = story[1]
    assert "Ancien horaire : mardi 13 octobre 2026 à 9\xa0h\xa030" in moved.body
    assert "Nouvel horaire : jeudi 15 octobre 2026 à 14\xa0h\xa000" in moved.body
    assert "déplacée par Claire Delmas (administration)" in moved.body
    assert "est annulée par Claire Delmas (administration)." in story[2].body
    events = [parse(ics_of(m)) for m in story]
    assert [cal.method.value for cal, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({event.uid.value for _, event in events}) == 1
    sequences = [int(event.sequence.value) for _, event in events]
    assert sequences == sorted(set(sequences)) and len(sequences) == 3, sequences
    for cal, event in events:
        check_event(cal, event)
    assert events[1][1].dtstart.value == datetime.datetime(2026, 10, 15, 14, 0, tzinfo=PARIS)
    assert events[2][1].status.value == "CANCELLED"
    # the intervenant follows the same story
    assert [parse(ics_of(m))[1].sequence.value for m in sent_to("intervenant@exemple.fr")] == [
        str(s) for s in sequences
    ]


def test_the_withdrawal_of_a_member_who_leaves_comes_after_their_invitation(
    seance, users, django_capture_on_commit_callbacks
):
    seance_convoke(seance=seance)
    (invitation,) = sent_to("collegue@exemple.fr")
    leaver = seance.groupe.membres.get(email="collegue@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        groupe_remove_member(groupe=seance.groupe, user=leaver)
    withdrawal = sent_to("collegue@exemple.fr")[-1]
    (cal, cancel), (_, request) = parse(ics_of(withdrawal)), parse(ics_of(invitation))
    assert cal.method.value == "CANCEL" and cancel.uid.value == request.uid.value
    assert int(cancel.sequence.value) > int(request.sequence.value)
    # the others' next update is higher still
    with django_capture_on_commit_callbacks(execute=True):
        move(login(users["prestataire"]), seance, datetime.date(2026, 10, 15), "14:00")
    update = parse(ics_of(sent_to(users["conseiller"].email)[-1]))[1]
    assert int(update.sequence.value) > int(cancel.sequence.value)


def test_a_refused_move_says_which_rule_changes_nothing_and_sends_nothing(seance, claire):
    seance_convoke(seance=seance)
    seance.refresh_from_db()
    mail.outbox.clear()
    before = (seance.date, seance.heure_debut, seance.sequence, seance.status)
    response = move(login(claire), seance, datetime.date(2026, 11, 11), "09:30")
    assert "Le 11 novembre 2026 est un jour férié." in flash(response)
    seance.refresh_from_db()
    assert (seance.date, seance.heure_debut, seance.sequence, seance.status) == before
    assert mail.outbox == []
    assert not OutgoingMessage.objects.filter(kind="seance.modification").exists()


def test_the_board_states_the_move_rule(seance, users):
    board = login(users["prestataire"]).get(reverse("seances:board", args=[seance.programme_id])).content.decode()
    assert "Une séance déjà convoquée que l’on déplace reste convoquée" in board


def test_a_proposed_seance_is_never_an_invitation_and_is_tentative_in_feeds(seance, users):
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    seance.refresh_from_db()
    with pytest.raises(ValueError, match="pas encore validée"):
        seance_ics(seance, "REQUEST")
    cal, event = parse(feed_ics([seance], "APP – séances que j'anime"))
    assert cal.method.value == "PUBLISH"
    assert event.status.value == "TENTATIVE"
    assert event.organizer.value.startswith("mailto:")
    assert not hasattr(event, "attendee")
    check_event(cal, event)
    # « Mes séances » of the intervenant: shown « à valider », no invitation to download
    client = login(users["intervenant"])
    page = client.get(reverse("seances:my_seances")).content.decode()
    assert "à valider" in page
    assert reverse("seances:seance_ics", args=[seance.pk]) not in page
    assert client.get(reverse("seances:seance_ics", args=[seance.pk])).status_code == 404


def test_a_validated_seance_is_confirmed_in_feeds_with_its_organizer(seance):
    cal, event = parse(feed_ics([seance], "APP – mes séances"))
    assert event.status.value == "CONFIRMED"
    check_event(cal, event)


def test_emails_carry_our_domain_and_paris_time(seance, users, django_capture_on_commit_callbacks):
    seance_convoke(seance=seance)
    raw = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    assert re.fullmatch(rf"<[^@>]+@{re.escape(DOMAIN)}>", raw["Message-ID"])
    assert raw["Date"].endswith("+0200"), raw["Date"]  # 15 September: summer time
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS), tick=False):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            seance_cancel(seance=seance, user=users["prestataire"], motif="Grève")
        raw = email.message_from_bytes(mail.outbox[0].message().as_bytes())
        assert raw["Date"].endswith("+0100"), raw["Date"]  # December: winter time


def test_a_late_convocation_task_after_a_move_tells_nobody_twice(seance, users, django_capture_on_commit_callbacks):
    seance_convoke(seance=seance)
    with django_capture_on_commit_callbacks(execute=True):
        move(login(users["prestataire"]), seance, datetime.date(2026, 10, 15), "14:00")
    assert seance_convoke(seance=seance) == 0  # the validation's task, run late or again
    assert [m.subject.split(" :")[0] for m in sent_to(users["conseiller"].email)] == ["Convocation", "Séance déplacée"]


def test_a_feed_reads_the_structure_of_its_places_once_whatever_its_length(seance, structure):
    """Each event's place names its structure (« Mission Locale … – site »): read from the request's or the
    task's scope, not once per séance through its site."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mlhg_app.structures import structure_scope
    from seances.models import Groupe
    from tests.factories import SeanceFactory

    for groupe in Groupe.objects.filter(programme=seance.programme).exclude(pk=seance.groupe_id):
        SeanceFactory(
            programme=seance.programme, groupe=groupe, fenetre=seance.fenetre, date=seance.date,
            intervenant=seance.intervenant, status=Seance.Status.CONVOQUEE,
        )  # fmt: skip
    every = Seance.objects.select_related("groupe__antenne", "programme", "intervenant").order_by("pk")
    assert every.values("groupe__antenne").distinct().count() > 2  # places of several sites
    counts = []
    with structure_scope(structure):
        for seances in (list(every[:1]), list(every)):
            with CaptureQueriesContext(connection) as queries:
                text = feed_ics(seances, "APP – séances du site").decode()
            counts.append(len(queries))
            assert f"{structure.nom} – " in text.replace("\r\n ", "")
    assert counts[0] == counts[1], counts
