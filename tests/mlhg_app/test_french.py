"""Dates, times and amounts in French (mlhg_app.french and its template filters)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from mlhg_app.french import (
    clock_time,
    counted,
    date_at,
    day_date,
    day_month,
    deadline_text,
    euros,
    long_date,
    number,
    percent,
    precise_time,
)
from mlhg_app.messaging import render_text
from mlhg_app.templatetags.french import css_string

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
    # No leading zero, and no-break spaces: « 9 h 30 » is never split over two lines.
    assert clock_time(datetime.time(14, 0)) == "14\xa0h\xa000"
    assert clock_time(datetime.time(9, 30)) == "9\xa0h\xa030"
    # Winter time: 13:05 UTC is 14:05 in Paris.
    assert clock_time(datetime.datetime(2026, 12, 1, 13, 5, tzinfo=UTC)) == "14\xa0h\xa005"


def test_euros_with_grouped_thousands_and_a_comma():
    # A narrow no-break space groups the thousands, a no-break space comes before €.
    assert euros(Decimal("1234.5")) == "1\u202f234,50\xa0€"
    assert euros(Decimal("1234567.891")) == "1\u202f234\u202f567,89\xa0€"
    assert euros(Decimal("12096")) == "12\u202f096,00\xa0€"
    assert euros(Decimal("-1234.5")) == "-1\u202f234,50\xa0€"
    assert euros(480) == "480,00\xa0€"
    assert euros(Decimal("0")) == "0,00\xa0€"


def test_empty_values_show_a_dash():
    assert (long_date(None), clock_time(None), euros(None), euros("")) == ("—", "—", "—", "—")


def test_template_filters():
    template = Template("{% load french %}{{ jour|long_date }} à {{ heure|clock_time }} : {{ prix|euros }}")
    context = Context({"jour": datetime.date(2026, 10, 12), "heure": datetime.time(14, 0), "prix": Decimal("1234.5")})
    assert template.render(context) == "lundi 12 octobre 2026 à 14\xa0h\xa000 : 1\u202f234,50\xa0€"


def test_the_first_of_the_month_is_1er_everywhere():
    assert day_date(datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert day_date(datetime.date(2026, 9, 2)) == "2 septembre 2026"
    assert day_month(datetime.date(2026, 9, 1)) == "1er septembre"
    assert day_month(datetime.date(2027, 3, 15)) == "15 mars"
    assert date_at(datetime.datetime(2026, 12, 1, 8, 30, tzinfo=UTC)) == "1er décembre 2026 à 9\xa0h\xa030"


def test_a_deadline_is_written_one_way():
    # Stored at 23:59:59 Paris time, written to the minute, with its weekday.
    deadline = datetime.datetime(2026, 5, 29, 21, 59, 59, tzinfo=UTC)
    assert deadline_text(deadline) == "vendredi 29 mai 2026 à 23\xa0h\xa059"
    # The receipt time keeps its second, as evidence, in the same words.
    assert precise_time(deadline) == "23\xa0h\xa059\xa0min\xa059\xa0s"


def test_years_and_ids_print_bare_amounts_and_counts_grouped():
    assert not settings.USE_THOUSAND_SEPARATOR
    rendered = Template('{{ year }} <option value="{{ pk }}">').render(Context({"year": 2026, "pk": 1002}))
    assert rendered == '2026 <option value="1002">'
    assert number(14832) == "14\u202f832"
    assert number(980) == "980"
    assert counted(1, "présent", "présents") == "1 présent"
    assert counted(3, "présent", "présents") == "3 présents"
    assert counted(1002, "ligne", "lignes") == "1\u202f002 lignes"


def test_percentages_are_exact_not_rounded_down_to_5():
    assert percent(8, 21) == "38\xa0%"
    assert percent(Decimal("4368"), Decimal("14832")) == "29\xa0%"
    assert percent(1, 0) == "—"


def test_css_string_escapes_for_css_not_html():
    escaped = css_string("L'Atelier d'Analyse & fils <b> \"quoted\" \\ \nsuite")
    assert "&#x27;" not in escaped and "&amp;" not in escaped
    assert escaped == "L'Atelier d'Analyse & fils \\3c b\\3e  \\22 quoted\\22  \\5c  \\a suite"


def test_email_text_is_rendered_without_html_escaping():
    text = render_text("emails/dossier_receipt.txt", {"ami": {"titre": 'Analyse d\'une pratique & <co> "x"'}})
    assert 'd\'une pratique & <co> "x"' in text
    assert "&#x27;" not in text and "&amp;" not in text and "&lt;" not in text


@pytest.mark.django_db  # the letterhead is the structure's (mlhg_app.identity)
def test_pdf_running_header_shows_a_company_name_as_typed_and_the_edition_date_with_1er():
    import subprocess

    import time_machine

    from mlhg_app.pdf import render_pdf

    name = "L'Atelier d'Analyse & <Fils> \"Conseil\""
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 5, tzinfo=UTC), tick=False):
        pdf = render_pdf("pdf/lettre.html", {"ami": {"titre": name, "reference": "ami-x"}})
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.replace("\xa0", " ").split())
    assert f"Notification – {name}" in flat
    assert "&#x27;" not in text and "&amp;" not in text and "&lt;" not in text and "\\22" not in text
    assert "Édité le 1er décembre 2026 à 9 h 05" in flat
