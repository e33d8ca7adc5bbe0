"""Convocations: the .ics (parsed with icalendar), invitation emails, updates, cancellations, reminders."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from icalendar import Calendar

from mlhg_app.celery import app as celery_app
from mlhg_app.models import OutgoingMessage
from seances import tasks
from seances.calendar import feed_ics, seance_ics
from seances.models import Seance
from seances.services.convocations import seance_convoke, seance_notify_cancel, seance_notify_change
from tests.factories import IntervenantProgrammeFactory, UserFactory
from tests.seances_world import build_programme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def seance(users):
    programme = build_programme(users)
    s = programme.seances.get()
    # A second member in the group, and one whose account is closed (never invited).
    groupe = s.groupe
    groupe.membres.add(
        UserFactory(email="collegue@exemple.fr", first_name="Lina", last_name="Martin", antenne=groupe.antenne),
        UserFactory(email="parti@exemple.fr", antenne=groupe.antenne, is_active=False),
    )
    Seance.objects.filter(pk=s.pk).update(status=Seance.Status.VALIDEE)
    s.refresh_from_db()
    return s


def _event(ics: bytes):
    cal = Calendar.from_ical(ics)
    (event,) = cal.events
    return cal, event


def _attachment_ics(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    return filename, content.encode() if isinstance(content, str) else content, mimetype


def _recipients(messages):
    return sorted(m.to[0] for m in messages)


EXPECTED = ["collegue@exemple.fr", "conseiller@exemple.fr", "intervenant@exemple.fr"]


# --- The .ics --------------------------------------------------------------------------------------------------


def test_invitation_ics_content(seance):
    cal, event = _event(seance_ics(seance, "REQUEST"))
    assert cal["METHOD"] == "REQUEST"
    assert "MLHG" in str(cal["PRODID"])
    assert [tz["TZID"] for tz in cal.timezones] == ["Europe/Paris"]
    start = event.start
    assert start == datetime.datetime(2026, 10, 13, 9, 30, tzinfo=PARIS)
    assert start.tzinfo.key == "Europe/Paris"
    assert start.utcoffset() == datetime.timedelta(hours=2)  # summer time in October before the 25th
    assert event.end == datetime.datetime(2026, 10, 13, 11, 30, tzinfo=PARIS)
    assert b"DTSTART;TZID=Europe/Paris:20261013T093000" in seance_ics(seance)
    assert str(event["UID"]) == f"{seance.uid}@app.ml31.org"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Analyse de pratiques professionnelles – Antenne Muretain"
    assert str(event["LOCATION"]) == (
        "Mission Locale Haute-Garonne – Antenne Muretain, 18 Rue Adolphine Bonnet, 31600 Muret"
    )
    description = str(event["DESCRIPTION"])
    assert "2 heures" in description
    assert "hors présence hiérarchique" in description
    assert "ce qui se dit dans le groupe reste dans le groupe" in description
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = sorted(str(a).removeprefix("mailto:") for a in event["ATTENDEE"])
    assert attendees == EXPECTED


def test_winter_seance_is_in_paris_standard_time(seance):
    seance.date = datetime.date(2027, 2, 9)
    _cal, event = _event(seance_ics(seance))
    assert event.start.tzinfo.key == "Europe/Paris"
    assert event.start.utcoffset() == datetime.timedelta(hours=1)


def test_feed_has_no_attendees_nor_request(seance):
    cal = Calendar.from_ical(feed_ics([seance], "APP – mes séances"))
    assert cal.get("METHOD") in (None, "PUBLISH")
    (event,) = cal.events
    assert "ATTENDEE" not in event
    assert str(event["UID"]) == f"{seance.uid}@app.ml31.org"


# --- Convocation -----------------------------------------------------------------------------------------------


def test_convocation_emails_members_and_intervenant_once(seance, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.convoke_seance.delay(seance_id=seance.pk).get() == 3
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE
    assert seance.history.first().status == Seance.Status.CONVOQUEE
    assert _recipients(mail.outbox) == EXPECTED
    message = next(m for m in mail.outbox if m.to == ["conseiller@exemple.fr"])
    assert message.subject == (
        "Convocation : analyse de pratiques professionnelles le mardi 13 octobre 2026 à 9\xa0h\xa030"
    )
    assert "mardi 13 octobre 2026 à 9\xa0h\xa030" in message.body
    assert "Antenne Muretain, 18 Rue Adolphine Bonnet, 31600 Muret" in message.body
    assert "Intervenant : Marc Olivier" in message.body
    assert "Mes séances : https://app.test/seances/mes-seances/" in message.body
    assert "&#x27;" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "mardi 13 octobre 2026 à 9\xa0h\xa030" in html
    filename, content, attachment_type = _attachment_ics(message)
    assert filename == "invitation.ics"
    assert attachment_type == "text/calendar; method=REQUEST"
    cal, event = _event(content)
    assert cal["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert OutgoingMessage.objects.filter(kind="seance.convocation", occurrence="seq0").count() == 3

    # Run twice: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.convoke_seance.delay(seance_id=seance.pk).get() == 0
    assert len(mail.outbox) == 3


def test_intervenant_email_says_they_facilitate(seance):
    seance_convoke(seance=seance)
    message = next(m for m in mail.outbox if m.to == ["intervenant@exemple.fr"])
    assert "Vous animerez la séance" in message.body


def test_a_proposed_seance_is_not_convoked(seance):
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    assert seance_convoke(seance=seance) == 0
    seance.refresh_from_db()
    assert seance.status == Seance.Status.PROPOSEE
    assert mail.outbox == []


def test_convoke_task_for_a_deleted_seance_is_quiet(db):
    assert tasks.convoke_seance.delay(seance_id=987654).get() == 0


# --- Change and cancellation -----------------------------------------------------------------------------------


def _move(seance, **changes):
    seance.refresh_from_db()
    for name, value in changes.items():
        setattr(seance, name, value)
    seance.sequence += 1
    seance.save()


def _sent_to_the_three(task, seance):
    """`task` run for `seance` emails each of EXPECTED once: the first message."""
    assert task.delay(seance_id=seance.pk).get() == 3
    assert _recipients(mail.outbox) == EXPECTED
    return mail.outbox[0]


def test_change_resends_with_same_uid_and_higher_sequence(seance):
    seance_convoke(seance=seance)
    _cal, first = _event(_attachment_ics(mail.outbox[0])[1])
    mail.outbox.clear()

    _move(seance, date=datetime.date(2026, 10, 20), heure_debut=datetime.time(14, 0))
    message = _sent_to_the_three(tasks.notify_seance_change, seance)
    assert message.subject == (
        "Séance déplacée : analyse de pratiques professionnelles le mardi 20 octobre 2026 à 14\xa0h\xa000"
    )
    assert "est déplacée" in message.body
    cal, update = _event(_attachment_ics(message)[1])
    assert cal["METHOD"] == "REQUEST"
    assert str(update["UID"]) == str(first["UID"]) == f"{seance.uid}@{settings.SITE_DOMAIN}"
    assert update["SEQUENCE"] == 1 > first["SEQUENCE"]
    assert update.start == datetime.datetime(2026, 10, 20, 14, 0, tzinfo=PARIS)
    assert OutgoingMessage.objects.filter(kind="seance.modification", occurrence="seq1").count() == 3

    # Twice: once. A second change: sent again with SEQUENCE 2.
    assert seance_notify_change(seance=seance) == 0
    _move(seance, heure_debut=datetime.time(9, 0))
    assert seance_notify_change(seance=seance) == 3
    assert _event(_attachment_ics(mail.outbox[-1])[1])[1]["SEQUENCE"] == 2


def test_a_former_intervenant_gets_the_cancellation(seance, users):
    seance_convoke(seance=seance)
    mail.outbox.clear()
    other = IntervenantProgrammeFactory(
        programme=seance.programme, prenom="Sophie", nom="Bernard", email="sophie.bernard@exemple.fr"
    )
    _move(seance, intervenant=other)
    seance_notify_change(seance=seance)
    assert _recipients(mail.outbox) == sorted(
        ["collegue@exemple.fr", "conseiller@exemple.fr", "sophie.bernard@exemple.fr", "intervenant@exemple.fr"]
    )
    former = next(m for m in mail.outbox if m.to == ["intervenant@exemple.fr"])
    assert "confiée à un autre intervenant" in former.body
    cal, event = _event(_attachment_ics(former)[1])
    assert cal["METHOD"] == "CANCEL"


def test_cancellation_sends_method_cancel(seance):
    seance_convoke(seance=seance)
    mail.outbox.clear()
    _move(seance, status=Seance.Status.ANNULEE)
    message = _sent_to_the_three(tasks.notify_seance_cancel, seance)
    assert message.subject == (
        "Séance annulée : analyse de pratiques professionnelles du mardi 13 octobre 2026 à 9\xa0h\xa030"
    )
    assert "est annulée" in message.body
    filename, content, mimetype = _attachment_ics(message)
    assert (filename, mimetype) == ("annulation.ics", "text/calendar; method=CANCEL")
    cal, event = _event(content)
    assert cal["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{seance.uid}@app.ml31.org"
    assert event["SEQUENCE"] == 1
    assert seance_notify_cancel(seance=seance) == 0
    # A cancelled séance gets no "update".
    assert seance_notify_change(seance=seance) == 0


# --- Reminders -------------------------------------------------------------------------------------------------


def _at(day: datetime.date, hour=8):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS), tick=False)


def test_beat_schedules_the_reminders():
    entry = celery_app.conf.beat_schedule["seances-remind"]
    assert entry["task"] == "mlhg_app.tasks.for_each_structure"  # once per structure
    assert entry["kwargs"] == {"task": "seances.tasks.remind_seances"}


def test_reminders_j7_and_j1_each_sent_once(seance):
    seance_convoke(seance=seance)
    mail.outbox.clear()

    with _at(datetime.date(2026, 10, 5)):  # J-8: nothing
        assert tasks.remind_seances.delay().get() == 0
    with _at(datetime.date(2026, 10, 6)):  # J-7
        assert tasks.remind_seances.delay().get() == 1
        assert tasks.remind_seances.delay().get() == 1  # queued again, but sent once
    assert _recipients(mail.outbox) == EXPECTED
    assert mail.outbox[0].subject == (
        "Rappel : analyse de pratiques professionnelles dans 7 jours, le mardi 13 octobre 2026 à 9\xa0h\xa030"
    )
    assert "a lieu dans 7 jours" in mail.outbox[0].body
    mail.outbox.clear()

    with _at(datetime.date(2026, 10, 9)):
        tasks.remind_seances.delay().get()
    assert mail.outbox == []
    with _at(datetime.date(2026, 10, 12), hour=8):  # J-1
        tasks.remind_seances.delay().get()
    with _at(datetime.date(2026, 10, 12), hour=18):
        tasks.remind_seances.delay().get()
    assert _recipients(mail.outbox) == EXPECTED
    assert mail.outbox[0].subject.startswith("Rappel : analyse de pratiques professionnelles demain, le mardi 13")
    assert OutgoingMessage.objects.filter(kind="seance.rappel", occurrence="J-7").count() == 3
    assert OutgoingMessage.objects.filter(kind="seance.rappel", occurrence="J-1").count() == 3


def test_no_reminder_for_a_seance_not_convoked(seance):
    # Validated but not convoked, then cancelled: no reminder either way.
    with _at(datetime.date(2026, 10, 6)):
        assert tasks.remind_seances.delay().get() == 0
        assert tasks.remind_seance.delay(seance_id=seance.pk, occurrence="J-7").get() == 0
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.ANNULEE)
    with _at(datetime.date(2026, 10, 12)):
        assert tasks.remind_seances.delay().get() == 0
    assert mail.outbox == []


def test_a_late_reminder_task_for_a_moved_seance_sends_nothing(seance):
    seance_convoke(seance=seance)
    mail.outbox.clear()
    _move(seance, date=datetime.date(2026, 11, 17))
    with _at(datetime.date(2026, 10, 6)):
        assert tasks.remind_seance.delay(seance_id=seance.pk, occurrence="J-7").get() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_conseiller_removed_then_added_back_gets_the_withdrawal_then_the_invitation(
    users, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.web import login

    programme = build_programme(users)  # the conseiller's group has a séance convoquée on 13 October 2026
    seance = programme.seances.get()
    conseiller = users["conseiller"]
    staff = login(users["staff"])
    url = reverse("seances:sites", kwargs={"pk": programme.pk})
    with time_machine.travel(datetime.datetime(2026, 10, 1, 10, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(url, {"action": "retirer", "groupe": seance.groupe_id, "user": conseiller.pk})
        assert [m.to for m in mail.outbox] == [[conseiller.email]]
        withdrawal = mail.outbox[0]
        assert "ne faites plus partie du groupe" in withdrawal.subject
        cancel = Calendar.from_ical(withdrawal.attachments[0][1])
        assert cancel["METHOD"] == "CANCEL" and str(cancel.walk("VEVENT")[0]["UID"]).startswith(str(seance.uid))
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(url, {"action": "ajouter", "groupe": seance.groupe_id, "user": conseiller.pk})
        assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Convocation")
        assert Calendar.from_ical(mail.outbox[1].attachments[0][1])["METHOD"] == "REQUEST"
    # after the séance: leaving the group sends nothing about it
    with time_machine.travel(datetime.datetime(2026, 10, 20, 10, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(url, {"action": "retirer", "groupe": seance.groupe_id, "user": conseiller.pk})
    assert len(mail.outbox) == 2
