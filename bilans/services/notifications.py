"""The bilan's emails: who receives them, the remise, a comment, the validation, the réunion's invitation
(with its .ics). Each sent once per occurrence (the outgoing-message log); called by bilans/tasks.py."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Event, vCalAddress, vText

from ami import selectors as ami_selectors
from bilans.models import Commentaire
from bilans.selectors import bilans_base, reunion_text
from mlhg_app.messaging import messages_send
from mlhg_app.models import User
from seances import calendar


def prestataire_recipients(bilan) -> list[User]:
    return ami_selectors.prestataire_recipients(bilan.programme.prestataire)


def responsable_recipients(bilan) -> list[User]:
    """The programme's référent responsable (the only one who may open the bilan)."""
    if bilan.programme.responsable and bilan.programme.responsable.is_active:
        return [bilan.programme.responsable]
    return []


def bilan_url(bilan) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("bilans:detail", kwargs={"pk": bilan.pk})


def _notify(bilan, users, kind, subject, *, occurrence, context=None, attachments=None) -> int:
    """One email of `kind` to each of `users` about `bilan`, from the template named after the kind
    (« bilan.remis » → `bilan_remis`); returns how many were addressed."""
    messages_send(
        users=users,
        kind=kind,
        subject=subject,
        template=kind.replace(".", "_"),
        context={"bilan": bilan, "url": bilan_url(bilan), **(context or {})},
        obj=bilan,
        occurrence=occurrence,
        attachments=attachments,
    )
    return len(users)


def notify_remise(*, bilan_id: int, numero: int) -> int:
    bilan = bilans_base().filter(pk=bilan_id).first()
    if bilan is None:
        return 0
    subject = f"Bilan annuel {bilan.annee} remis par {bilan.programme.prestataire}"
    users = responsable_recipients(bilan)
    return _notify(bilan, users, "bilan.remis", subject, occurrence=f"version-{numero}", context={"numero": numero})


def notify_comment(*, commentaire_id: int) -> int:
    commentaire = Commentaire.objects.select_related("version__bilan").filter(pk=commentaire_id).first()
    if commentaire is None:
        return 0
    bilan = bilans_base().get(pk=commentaire.version.bilan_id)
    subject = f"Bilan annuel {bilan.annee} : un commentaire du responsable de secteur"
    context = {"commentaire": commentaire}
    users = prestataire_recipients(bilan)
    return _notify(
        bilan, users, "bilan.commentaire", subject, occurrence=f"commentaire-{commentaire.pk}", context=context
    )


def notify_validation(*, bilan_id: int) -> int:
    bilan = bilans_base().filter(pk=bilan_id).first()
    if bilan is None:
        return 0
    subject = f"Bilan annuel {bilan.annee} validé"
    return _notify(bilan, prestataire_recipients(bilan), "bilan.valide", subject, occurrence="validation")


def reunion_ics(bilan) -> bytes:
    """The réunion's invitation (iCalendar REQUEST; its SEQUENCE grows each time it is moved)."""
    cal = calendar.ics_calendar("REQUEST", bilan)
    event = Event()
    start = timezone.localtime(bilan.reunion_le)
    event.add("uid", f"bilan-{bilan.reunion_uid}@{settings.SITE_DOMAIN}")
    event.add("sequence", bilan.reunion_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(hours=2))
    event.add("summary", f"Réunion de bilan APP {bilan.annee}")
    event.add("location", bilan.reunion_lieu or "À préciser")
    event.add(
        "description", f"Réunion de bilan annuel entre le prestataire et le responsable de secteur.\n{bilan_url(bilan)}"
    )
    event.add("status", "CONFIRMED")
    event.add("organizer", calendar.ics_organizer(bilan))
    for user in responsable_recipients(bilan) + prestataire_recipients(bilan):
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.get_full_name() or user.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def notify_reunion(*, bilan_id: int, sequence: int) -> int:
    bilan = bilans_base().filter(pk=bilan_id).first()
    if bilan is None or bilan.reunion_le is None:
        return 0
    users = responsable_recipients(bilan) + prestataire_recipients(bilan)
    ics = reunion_ics(bilan)
    when = reunion_text(bilan)
    return _notify(
        bilan,
        users,
        "bilan.reunion",
        f"Réunion de bilan APP {bilan.annee} : {when}",
        occurrence=f"reunion-{sequence}",
        context={"quand": when, "sequence": sequence},
        attachments=[("reunion-bilan.ics", ics, "text/calendar; method=REQUEST")],
    )
