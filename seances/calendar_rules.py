"""Calendar facts the planner needs: French public holidays, zone C school holidays, French dates.

Pure Python (no Django): the planner and its tests use it without a database.

Both holiday sets come from the `holidays` package (≥ 0.109):

- public holidays: ``holidays.France(years=...)`` (metropolitan France, the "public" category:
  1er janvier, lundi de Pâques, 1er et 8 mai, Ascension, lundi de Pentecôte, 14 juillet,
  15 août, Toussaint, 11 novembre, Noël);
- school holidays: the same class with ``subdiv="Zone C"`` (Toulouse belongs to the académie de
  Toulouse, zone C) and ``categories=("school",)``. The package lists every day of each break
  (week-ends included, e.g. "All Saints' Break" 17 octobre – 1er novembre 2026), and also the
  "Ascension Break" bridge and the summer break; the planner only uses them as a soft goal.
"""

import datetime
from collections.abc import Iterable

import holidays

from mlhg_app import french

SCHOOL_ZONE = "Zone C"

WEEKDAYS_FR = french.WEEKDAYS
MONTHS_FR = french.MONTHS


def public_holidays(years: Iterable[int]) -> set[datetime.date]:
    """French public holidays (metropolitan France) of the given calendar years."""
    years = sorted(set(years))
    if not years:
        return set()
    return set(holidays.France(years=years).keys())


def school_holidays_zone_c(years: Iterable[int]) -> set[datetime.date]:
    """Every day of the zone C (Toulouse) school holidays of the given calendar years."""
    years = sorted(set(years))
    if not years:
        return set()
    return set(holidays.France(years=years, subdiv=SCHOOL_ZONE, categories=("school",)).keys())


def programme_years(*dates: datetime.date) -> set[int]:
    """The calendar years spanned by a set of dates (a programme runs September to August)."""
    if not dates:
        return set()
    return set(range(min(d.year for d in dates), max(d.year for d in dates) + 1))


# The dates and times in French are mlhg_app.french's (« 1er février 2027 », « 9 h 30 »).
date_fr = french.day_date
time_fr = french.clock_time
date_long_fr = french.long_date


def date_range_fr(start: datetime.date, end: datetime.date) -> str:
    """ "1er septembre – 19 décembre 2026", or with both years when they differ."""
    if start.year == end.year:
        return f"{french.day_month(start)} – {date_fr(end)}"
    return f"{date_fr(start)} – {date_fr(end)}"
