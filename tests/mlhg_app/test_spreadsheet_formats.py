"""Every XLSX the product makes is ready to use in a French office (issue 17): numbers are numbers with
French-ready formats (money with €, points with two decimals, integers), dates are dates shown dd/mm/yyyy,
the header row is bold, frozen and filtered, the columns are as wide as their content (bounded)."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from mlhg_app.spreadsheets import DATE, DATE_TIME, MONEY, xlsx_bytes
from tests.committee import AFTER, scored
from tests.web import login


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def assert_ready(sheet, columns: int):
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=columns).column_letter}{sheet.max_row}"
    assert all(sheet.cell(row=1, column=c).font.b for c in range(1, columns + 1))
    for c in range(1, columns + 1):
        letter = sheet.cell(row=1, column=c).column_letter
        width = sheet.column_dimensions[letter].width
        texts = [sheet.cell(row=r, column=c).value for r in range(1, sheet.max_row + 1)]
        longest = max(len(t) for t in texts if isinstance(t, str))
        assert min(longest, 60) <= width <= 62, (letter, width, longest)


def test_the_writer_gives_each_kind_of_value_its_format():
    moment = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)
    data = xlsx_bytes(
        title="Essai",
        header=["Nom", "Montant (€)", "Nombre", "Le", "Taux", "Mot"],
        rows=[
            ["Café d’Oc & fils", 12096, 3, datetime.date(2027, 3, 1), 0.38, "x" * 200],
            ["", "", 4, moment, 0.5, "=1"],
        ],
        formats={1: MONEY, 4: "0 %"},
    )
    sheet = sheet_of(data)
    assert_ready(sheet, 6)
    money = sheet["B2"]
    assert (money.value, money.data_type, money.number_format) == (12096, "n", MONEY)
    assert sheet["B3"].value is None  # an empty amount is an empty cell, not a text
    assert (sheet["C2"].data_type, sheet["C2"].number_format) == ("n", "0")
    assert sheet["D2"].is_date and sheet["D2"].number_format == DATE
    assert sheet["D2"].value == datetime.datetime(2027, 3, 1)
    assert sheet["D3"].is_date and sheet["D3"].value == datetime.datetime(2026, 12, 2, 0, 30)  # Europe/Paris
    assert sheet["D3"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["E2"].number_format == "0 %"
    assert sheet.column_dimensions["F"].width <= 62  # a 200-character word does not make a 200-wide column
    assert (sheet["F3"].data_type, sheet["F3"].quotePrefix) == ("s", True)


@pytest.mark.django_db
def test_the_results_xlsx_has_euros_points_and_integers(committee):
    with time_machine.travel(AFTER, tick=False):
        scored(committee)
        response = login(committee["staff"]).get(reverse("ami:results_xlsx", args=["ami-2026"]))
    sheet = sheet_of(response.content)
    header = [c.value for c in sheet[1]]
    assert_ready(sheet, len(header))
    assert sheet["A2"].number_format == "0" and sheet["A2"].data_type == "n"
    euros = header.index("Total annuel TTC (€)") + 1
    amount = sheet.cell(row=2, column=euros)
    assert amount.data_type == "n" and amount.number_format == MONEY
    total = sheet.cell(row=2, column=len(header))
    assert (total.value, total.data_type, total.number_format) == (80.0, "n", "0.00")


@pytest.mark.django_db
def test_the_people_export_and_the_import_template_are_ready(users):
    staff = login(users["staff"])
    directory = sheet_of(staff.get(reverse("people_export")).content)
    assert_ready(directory, directory.max_column)
    users["staff"].refresh_from_db()
    row = next(r for r in directory.iter_rows(min_row=2) if r[2].value == users["staff"].email)
    assert row[-1].is_date and row[-1].number_format == DATE_TIME  # « Dernière connexion »
    template = sheet_of(staff.get(reverse("people_import_template")).content)
    assert_ready(template, 6)
