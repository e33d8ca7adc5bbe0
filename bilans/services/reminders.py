"""Reminders of the bilan to remit: 30 and 7 days before the due date, then weekly, each once."""

import datetime

from bilans.models import Bilan
from bilans.services.notifications import bilan_url, prestataire_recipients
from bilans.services.opening import bilan_opened, due_date
from mlhg_app.messaging import message_send
from seances import calendar
from seances.models import Programme

REMINDER_KIND = "bilan.rappel"


def reminder_occurrence(echeance: datetime.date, today: datetime.date) -> str:
    """Which reminder is due today ('' for none): « j-30 » from 30 days before, « j-7 » from 7 days before,
    then « retard-1 », « retard-2 »… one per week after the due date."""
    days = (echeance - today).days
    if days > 30:
        return ""
    if days > 7:
        return "j-30"
    if days >= 0:
        return "j-7"
    return f"retard-{(-days - 1) // 7 + 1}"


def reminders_due(today: datetime.date) -> list[tuple[int, str]]:
    """(programme id, occurrence) for each programme whose bilan is not yet remitted and has a reminder due."""
    due = []
    year = today.year
    programmes = Programme.objects.filter(annee_debut__in=[year - 2, year - 1, year]).exclude(
        bilan__status__in=[Bilan.Status.REMIS, Bilan.Status.COMMENTE, Bilan.Status.VALIDE]
    )
    for programme in programmes.select_related("bilan"):
        bilan = getattr(programme, "bilan", None)
        echeance = bilan.echeance if bilan else due_date(programme)
        occurrence = reminder_occurrence(echeance, today)
        if occurrence:
            due.append((programme.pk, occurrence))
    return due


def bilan_remind(*, programme_id: int, occurrence: str) -> int:
    """Email the prestataire's accounts once per occurrence; opens the bilan if it is not yet."""
    programme = Programme.objects.select_related("prestataire").filter(pk=programme_id).first()
    if programme is None:
        return 0
    bilan = bilan_opened(programme)
    if bilan.status != Bilan.Status.BROUILLON:
        return 0
    late = occurrence.startswith("retard")
    subject = (
        f"Bilan annuel {bilan.annee} : la date de remise ({calendar.date_text(bilan.echeance)}) est passée"
        if late
        else f"Bilan annuel {bilan.annee} à remettre avant le {calendar.date_text(bilan.echeance)}"
    )
    sent = 0
    for user in prestataire_recipients(bilan):
        sent += message_send(
            kind=REMINDER_KIND,
            recipient=user.email,
            subject=subject,
            template="bilan_rappel",
            context={"bilan": bilan, "user": user, "url": bilan_url(bilan), "late": late,
                     "echeance": calendar.date_text(bilan.echeance)},
            obj=bilan,
            occurrence=occurrence,
        )  # fmt: skip
    return sent
