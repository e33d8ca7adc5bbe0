"""iCalendar documents of the séances: invitations (REQUEST / CANCEL) and subscription feeds.

Every séance keeps one UID for its whole life (`{seance.uid}@{settings.SITE_DOMAIN}`);
a change is sent with a higher SEQUENCE (`seance.sequence`), so that Outlook,
Google Calendar or Thunderbird update the event instead of adding a second one.
Times are written in Europe/Paris with a VTIMEZONE.
"""

import datetime
import zoneinfo
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from mlhg_app import french
from mlhg_app.identity import sender, structure_of

TZID = "Europe/Paris"
PARIS = zoneinfo.ZoneInfo(TZID)
METHODS = {"REQUEST", "CANCEL"}
# Not validated by the responsable yet: never sent as an invitation, TENTATIVE in a feed.
UNVALIDATED = {"proposee"}
NOT_VALIDATED = "Cette séance n’est pas encore validée : son invitation partira avec la convocation."


# ---------------------------------------------------------------------------
# Words and values shared by the .ics, the emails and the pages
# ---------------------------------------------------------------------------


def seance_uid(seance) -> str:
    return f"{seance.uid}@{settings.SITE_DOMAIN}"


def seance_start(seance) -> datetime.datetime:
    return datetime.datetime.combine(seance.date, seance.heure_debut, tzinfo=PARIS)


def seance_end(seance) -> datetime.datetime:
    return seance_start(seance) + datetime.timedelta(minutes=seance.programme.duree_minutes)


def seance_summary(seance) -> str:
    return f"Analyse de pratiques professionnelles – {seance.groupe}"


def antenne_address(antenne) -> str:
    """The postal address of a site: « 18 Rue Adolphine Bonnet, 31600 Muret »."""
    return f"{antenne.adresse}, {antenne.code_postal} {antenne.ville}"


def seance_location(seance) -> str:
    antenne = seance.groupe.antenne
    return f"{structure_of(antenne).nom} – {antenne.nom}, {antenne_address(antenne)}"


def duration_text(minutes: int) -> str:
    """120 → « 2 heures », 90 → « 1 h 30 », 60 → « 1 heure »."""
    hours, rest = divmod(minutes, 60)
    if rest:
        return f"{hours} h {rest:02d}" if hours else f"{rest} minutes"
    return f"{hours} heure{'s' if hours > 1 else ''}"


# 09:30 → « 09 h 30 »; « mardi 13 octobre 2026 », « jeudi 1er octobre 2026 » (mlhg_app.french).
time_text = french.clock_time
date_text = french.long_date


def seance_when_text(seance) -> str:
    """« mardi 13 octobre 2026 à 09 h 30 »."""
    return f"{date_text(seance.date)} à {time_text(seance.heure_debut)}"


def intervenant_name(seance) -> str:
    return f"{seance.intervenant.prenom} {seance.intervenant.nom}"


def my_seances_url() -> str:
    return f"{settings.SITE_URL}{reverse('seances:my_seances')}"


def seance_description(seance) -> str:
    """The event's text, in French: what the séance is and its rules."""
    return "\n".join(
        [
            f"Séance d'analyse de pratiques professionnelles de {duration_text(seance.programme.duree_minutes)}, "
            f"animée par {intervenant_name(seance)}.",
            f"Lieu : {seance_location(seance)}.",
            "La séance se tient hors présence hiérarchique : aucun responsable n'y participe.",
            "Confidentialité : ce qui se dit dans le groupe reste dans le groupe.",
            f"Mes séances : {my_seances_url()}",
        ]
    )


def seance_attendees(seance) -> list[tuple[str, str, str]]:
    """(email, name, role) of everyone invited: the group's active members, then the intervenant."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    members = seance.groupe.membres.filter(is_active=True).order_by("last_name", "first_name", "email")
    for member in members:
        email = member.email.strip().lower()
        if email and email not in seen:
            seen.add(email)
            out.append((email, member.get_full_name() or email, "REQ-PARTICIPANT"))
    email = seance.intervenant.email.strip().lower()
    if email and email not in seen:
        out.append((email, intervenant_name(seance), "CHAIR"))
    return out


# ---------------------------------------------------------------------------
# iCalendar
# ---------------------------------------------------------------------------


def _offset_change(component, tzname: str, hours_from: int, hours_to: int, first: datetime.datetime):
    """A VTIMEZONE's yearly change to `tzname` (UTC+`hours_to`), on the last Sunday of `first`'s month."""
    component.add("tzname", tzname)
    component.add("tzoffsetfrom", datetime.timedelta(hours=hours_from))
    component.add("tzoffsetto", datetime.timedelta(hours=hours_to))
    component.add("dtstart", first)
    component.add("rrule", {"freq": "yearly", "bymonth": first.month, "byday": "-1su"})
    return component


def paris_vtimezone() -> Timezone:
    """Europe/Paris with the EU summer-time rule (last Sunday of March / of October), as Outlook writes it."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    # Summer time from the last Sunday of March at 2:00, winter time from the last Sunday of October at 3:00.
    tz.add_component(_offset_change(TimezoneDaylight(), "CEST", 1, 2, datetime.datetime(1981, 3, 29, 2, 0, 0)))
    tz.add_component(_offset_change(TimezoneStandard(), "CET", 2, 1, datetime.datetime(1996, 10, 27, 3, 0, 0)))
    return tz


def ics_prodid(structure) -> str:
    """« -//Mission Locale Haute-Garonne//MLHG APP séances//FR »: the calendar's maker, the structure."""
    if structure is None:
        return "-//Plateforme APP//APP séances//FR"
    return f"-//{structure.nom}//{structure.nom_court} APP séances//FR"


def ics_organizer(about=None) -> vCalAddress:
    """The organiser of an event about `about`: its structure's sender address and name."""
    name, address = parseaddr(sender(structure_of(about)))
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "APP")
    return organizer


def ics_calendar(method: str | None, about=None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", ics_prodid(structure_of(about)))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add_component(paris_vtimezone())
    return cal


def seance_event(seance, *, method: str | None) -> Event:
    """The VEVENT of a séance. With a method (REQUEST / CANCEL): organizer and attendees, as an invitation;
    without (a subscription feed): the event and its organizer, no attendee's address. A séance not
    validated yet (« proposée ») is STATUS:TENTATIVE, never CONFIRMED."""
    cancelled = method == "CANCEL" or seance.status == "annulee"
    status = "CANCELLED" if cancelled else ("TENTATIVE" if seance.status in UNVALIDATED else "CONFIRMED")
    event = Event()
    event.add("uid", seance_uid(seance))
    event.add("sequence", seance.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", seance_start(seance))
    event.add("dtend", seance_end(seance))
    event.add("summary", seance_summary(seance))
    event.add("location", seance_location(seance))
    event.add("description", seance_description(seance))
    event.add("status", status)
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    if seance.updated_at:
        event.add("last-modified", seance.updated_at.astimezone(datetime.UTC))
    event.add("organizer", ics_organizer(seance))
    if method:
        for email, name, role in seance_attendees(seance):
            attendee = vCalAddress(f"mailto:{email}")
            attendee.params["cn"] = vText(name)
            attendee.params["role"] = vText(role)
            attendee.params["cutype"] = vText("INDIVIDUAL")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            attendee.params["rsvp"] = vText("FALSE")
            event.add("attendee", attendee, encode=0)
    return event


def seance_ics(seance, method: str = "REQUEST") -> bytes:
    """The invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL) of one séance."""
    if method not in METHODS:
        raise ValueError(f"méthode iCalendar inconnue : {method}")
    if method == "REQUEST" and seance.status in UNVALIDATED:
        raise ValueError(NOT_VALIDATED)
    cal = ics_calendar(method, seance)
    cal.add_component(seance_event(seance, method=method))
    return cal.to_ical()


def feed_ics(seances, name: str) -> bytes:
    """A subscription feed (METHOD:PUBLISH) of séances, for Outlook or Google Calendar."""
    cal = ics_calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    cal.add("name", name)
    cal.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for seance in seances:
        cal.add_component(seance_event(seance, method=None))
    return cal.to_ical()


def feed_name(feed) -> str:
    if feed.kind == "site" and feed.antenne_id:
        return f"APP – {feed.antenne.nom}"
    if feed.kind == "intervenant":
        return "APP – séances que j'anime"
    return "APP – mes séances"
