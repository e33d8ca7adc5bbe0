"""Dates, times and amounts as French readers expect them, in Europe/Paris.

- ``long_date``: « lundi 12 octobre 2026 », « jeudi 1er octobre 2026 »;
- ``clock_time``: « 14 h 00 », « 09 h 30 »;
- ``euros``: « 1 234,50 € » (non-breaking spaces: the amount never breaks across lines).

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
