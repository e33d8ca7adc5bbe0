"""Dates, times and amounts as French readers expect them, in Europe/Paris.

- ``long_date``: « lundi 12 octobre 2026 », « jeudi 1er octobre 2026 »;
- ``clock_time``: « 14 h 00 », « 09 h 30 »;
- ``euros``: « 1 234,50 € » (non-breaking spaces: the amount never breaks across lines);
- a deadline to the second: ``deadline_text`` « 29 mai 2026 à 23:59:59 », ``deadline_long_text``
  « 29 mai 2026 à 23 h 59 min 59 s », and ``time_left_text`` « Il reste 2 jours, 3 heures ».

Django's French localisation gives the day and month names and the number format; an
aware datetime is first turned into Paris time. The same functions serve the template
filters (``{% load french %}``), the emails and the PDFs. An empty value gives « — ».
"""

import datetime
from decimal import Decimal

from django.utils import formats, timezone, translation

EMPTY = "—"
NBSP = "\u00a0"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """« lundi 12 octobre 2026 »; the first of the month is « 1er »."""
    if value is None or value == "":
        return EMPTY
    value = _local(value)
    with translation.override("fr"):
        weekday, month = formats.date_format(value, "l"), formats.date_format(value, "F")
    day = "1er" if value.day == 1 else str(value.day)
    return f"{weekday} {day} {month} {value.year}"


def clock_time(value: datetime.time | datetime.datetime | None) -> str:
    """« 14 h 00 » (hours on two digits, as the convocations print them)."""
    if value is None or value == "":
        return EMPTY
    value = _local(value)
    return f"{value.hour:02d} h {value.minute:02d}"


def euros(value: Decimal | int | float | str | None) -> str:
    """« 1 234,50 € »: two decimals, grouped thousands, the euro sign after a non-breaking space."""
    if value is None or value == "":
        return EMPTY
    with translation.override("fr"):
        amount = formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
    return f"{amount}{NBSP}€"


def deadline_long_text(deadline: datetime.datetime) -> str:
    """ "29 mai 2026 à 23 h 59 min 59 s" in the site's time zone (Europe/Paris)."""
    local = timezone.localtime(deadline)
    return f"{formats.date_format(local, 'j F Y')} à {local.hour} h {local.minute:02d} min {local.second:02d} s"


def deadline_text(deadline: datetime.datetime) -> str:
    """ "29 mai 2026 à 23:59:59" (Europe/Paris): the deadline in messages, emails and staff pages."""
    local = timezone.localtime(deadline)
    return f"{formats.date_format(local, 'j F Y')} à {local:%H:%M:%S}"


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
