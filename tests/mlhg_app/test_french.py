"""Dates, times and amounts in French (mlhg_app.french and its template filters)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from mlhg_app.french import clock_time, euros, long_date

UTC = datetime.UTC


def test_the_site_speaks_french_in_paris_time():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("fr-fr", "Europe/Paris", True)


def test_long_date_names_the_day_and_the_month():
    assert long_date(datetime.date(2026, 10, 12)) == "lundi 12 octobre 2026"
    assert long_date(datetime.date(2026, 10, 1)) == "jeudi 1er octobre 2026"
    assert long_date(datetime.date(2027, 2, 28)) == "dimanche 28 février 2027"


def test_long_date_of_a_moment_is_its_day_in_paris():
    # 23:30 UTC on 30 September is already 1 October in Paris (summer time, UTC+2).
    assert long_date(datetime.datetime(2026, 9, 30, 23, 30, tzinfo=UTC)) == "jeudi 1er octobre 2026"


def test_long_date_stays_french_whatever_the_active_language():
    with translation.override("en"):
        assert long_date(datetime.date(2026, 12, 7)) == "lundi 7 décembre 2026"


def test_clock_time_in_hours_and_minutes():
    assert clock_time(datetime.time(14, 0)) == "14 h 00"
    assert clock_time(datetime.time(9, 30)) == "09 h 30"
    # Winter time: 13:05 UTC is 14:05 in Paris.
    assert clock_time(datetime.datetime(2026, 12, 1, 13, 5, tzinfo=UTC)) == "14 h 05"


def test_euros_with_grouped_thousands_and_a_comma():
    assert euros(Decimal("1234.5")) == "1\xa0234,50\xa0€"
    assert euros(Decimal("1234567.891")) == "1\xa0234\xa0567,89\xa0€"
    assert euros(480) == "480,00\xa0€"
    assert euros(Decimal("0")) == "0,00\xa0€"


def test_empty_values_show_a_dash():
    assert (long_date(None), clock_time(None), euros(None), euros("")) == ("—", "—", "—", "—")


def test_template_filters():
    template = Template("{% load french %}{{ jour|long_date }} à {{ heure|clock_time }} : {{ prix|euros }}")
    context = Context({"jour": datetime.date(2026, 10, 12), "heure": datetime.time(14, 0), "prix": Decimal("1234.5")})
    assert template.render(context) == "lundi 12 octobre 2026 à 14 h 00 : 1\xa0234,50\xa0€"
