"""The AMI's deadline in words, as the public page shows it (Europe/Paris, to the second)."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def deadline_long_text(deadline: datetime.datetime) -> str:
    """ "29 mai 2026 à 23 h 59 min 59 s" in the site's time zone (Europe/Paris)."""
    local = timezone.localtime(deadline)
    return f"{date_format(local, 'j F Y')} à {local.hour} h {local.minute:02d} min {local.second:02d} s"


def deadline_text(ami) -> str:
    """ "29 mai 2026 à 23:59:59" (Europe/Paris): the deadline in messages, emails and staff pages."""
    local = timezone.localtime(ami.date_limite)
    return f"{date_format(local, 'j F Y')} à {local:%H:%M:%S}"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def time_left_text(deadline: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """The time left before the deadline, in its two largest units, or "Date limite dépassée".

    A submission at the deadline second is on time, so the deadline itself still has time left.
    """
    now = now or timezone.now()
    if now > deadline:
        return "Date limite dépassée"
    seconds = int((deadline - now).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        parts = [_count(days, "jour", "jours")] + ([_count(hours, "heure", "heures")] if hours else [])
    elif hours:
        parts = [_count(hours, "heure", "heures")] + ([_count(minutes, "minute", "minutes")] if minutes else [])
    elif minutes:
        parts = [_count(minutes, "minute", "minutes")] + ([_count(secs, "seconde", "secondes")] if secs else [])
    elif secs:
        parts = [_count(secs, "seconde", "secondes")]
    else:
        return "Il reste moins d'une seconde"
    return "Il reste " + ", ".join(parts)
