"""Dates, times, numbers and amounts as French readers expect them, in Europe/Paris.

One way to write each thing, used by the pages, the PDFs, the emails and the exports:

- ``day_date``: « 12 octobre 2026 », « 1er octobre 2026 » (the first of the month is « 1er »);
- ``long_date``: « lundi 12 octobre 2026 », « jeudi 1er octobre 2026 »;
- ``clock_time``: « 14 h 00 », « 9 h 30 » (no leading zero; no-break spaces: never split over two lines);
- ``date_at``: « 1er décembre 2026 à 9 h 30 » (a moment: an edition, a submission, a history entry);
- ``precise_time``: « 23 h 59 min 30 s »: only where the second is evidence (the receipt time of a dossier);
- a deadline: ``deadline_text`` « vendredi 29 mai 2026 à 23 h 59 » everywhere (a deadline stored at
  23:59:59 is written to the minute), and ``time_left_text`` « Il reste 2 jours, 3 heures »;
- ``number``: « 14 832 » (a narrow no-break space groups thousands; years and ids are never grouped:
  ``USE_THOUSAND_SEPARATOR`` is off, so ``{{ ami.annee }}`` prints « 2026 » and ``value="1002"`` stays bare);
- ``decimal``: « 12,50 » (a score or points to a fixed number of decimals, half up, no grouping);
- ``euros``: « 12 096,00 € » (narrow no-break space for thousands, comma decimals, no-break space before €);
- ``percent``: « 38 % » (exact, rounded to the unit);
- ``counted``: « 1 présent », « 3 présents » (real plurals).

Django's French localisation gives the day and month names; an aware datetime is first turned
into Paris time. The template filters are ``{% load french %}``. An empty value gives « — ».
"""

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

EMPTY = "—"
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the thousands separator


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


# The names Django's French locale gives (formats "F" and "l"), written out: activating a language for each
# date cost more than the rest of a planning board's cell.
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _empty_if_blank(write):
    """`write(value, ...)`, or « — » for an empty value (None or "")."""

    @functools.wraps(write)
    def written(value, *args, **kwargs):
        if value is None or value == "":
            return EMPTY
        return write(value, *args, **kwargs)

    return written


@_empty_if_blank
def day_date(value: datetime.date | datetime.datetime | None) -> str:
    """« 12 octobre 2026 »; the first of the month is « 1er »."""
    value = _local(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


@_empty_if_blank
def day_month(value: datetime.date | datetime.datetime | None) -> str:
    """« 1er mars », « 12 octobre » (a date whose year is obvious from its neighbour)."""
    return day_date(value).rsplit(" ", 1)[0]


@_empty_if_blank
def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """« lundi 12 octobre 2026 »; the first of the month is « 1er »."""
    return f"{WEEKDAYS[_local(value).weekday()]} {day_date(value)}"


@_empty_if_blank
def clock_time(value: datetime.time | datetime.datetime | None) -> str:
    """« 14 h 00 », « 9 h 30 »: no leading zero, no-break spaces (never split over two lines)."""
    value = _local(value)
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


@_empty_if_blank
def precise_time(value: datetime.time | datetime.datetime | None) -> str:
    """« 23 h 59 min 30 s »: a time to the second, where the second is evidence (a receipt)."""
    value = _local(value)
    return f"{clock_time(value)}{NBSP}min{NBSP}{value.second:02d}{NBSP}s"


@_empty_if_blank
def date_at(value: datetime.datetime | None) -> str:
    """« 1er décembre 2026 à 9 h 30 »: a moment, in Paris time."""
    return f"{day_date(value)} à {clock_time(value)}"


@_empty_if_blank
def moment_text(value: datetime.datetime | None) -> str:
    """« 30 mai 2026 à 0 h 00 min 31 s »: a receipt time, to the second (the evidence of a deposit on time)."""
    return f"{day_date(value)} à {precise_time(value)}"


@_empty_if_blank
def number(value: int | Decimal | float | str | None) -> str:
    """« 14 832 », « 980 »: an integer count, thousands grouped by a narrow no-break space."""
    return f"{int(value):,}".replace(",", NNBSP)


@_empty_if_blank
def decimal(value: Decimal | int | float | str | None, places: int = 2) -> str:
    """« 12,50 », « 7,5 »: `places` decimals (half up, as Django's `floatformat`), a decimal comma, no grouping."""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:.{places}f}".replace(".", ",")


@_empty_if_blank
def euros(value: Decimal | int | float | str | None) -> str:
    """« 12 096,00 € »: two decimals, thousands grouped by a narrow no-break space, a no-break space before €."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    units, cents = f"{abs(amount):.2f}".split(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{number(units)},{cents}{NBSP}€"


def percent_value(part, whole) -> int | None:
    """38 for 8 of 21, 29 for 4 368 of 14 832: the exact share in %, rounded to the unit (half up)."""
    if not whole:
        return None
    return int((Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent(part, whole) -> str:
    """« 38 % » for 8 of 21 (never rounded down to a step); « — » when the whole is 0."""
    value = percent_value(part, whole)
    return EMPTY if value is None else f"{value}{NBSP}%"


@_empty_if_blank
def deadline_text(deadline: datetime.datetime | None) -> str:
    """« vendredi 29 mai 2026 à 23 h 59 » (Europe/Paris): THE way to write a deadline, in pages, PDFs and emails."""
    return f"{long_date(deadline)} à {clock_time(deadline)}"


def counted(n: int, singular: str, plural: str) -> str:
    """« 1 présent », « 3 présents », « 1 002 lignes »."""
    return f"{number(n)} {singular if n == 1 else plural}"


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
        parts = [counted(days, "jour", "jours")] + ([counted(hours, "heure", "heures")] if hours else [])
    elif hours:
        parts = [counted(hours, "heure", "heures")] + ([counted(minutes, "minute", "minutes")] if minutes else [])
    elif minutes:
        parts = [counted(minutes, "minute", "minutes")] + ([counted(secs, "seconde", "secondes")] if secs else [])
    elif secs:
        parts = [counted(secs, "seconde", "secondes")]
    else:
        return "Il reste moins d'une seconde"
    return "Il reste " + ", ".join(parts)
