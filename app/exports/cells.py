"""THE writer of export cells: every cell of every xlsx and every field of every CSV goes through here.

Formula injection: a study period named `=HYPERLINK("http://…","Открыть")` must stay that text.
xlsxwriter's plain `write()` turns a string starting with '=' into a live formula (and 'http://…'
into a link), so xlsx text is stored with `write_string`: a string cell, shown verbatim, never
evaluated, with no apostrophe in front. Page headers and footers are xlsx too, but there '&'
starts a code (&P is the page number), so their text is escaped with `page_header_text`.

CSV has no cell types: a spreadsheet opening it evaluates any field that looks like a formula.
There the only defence the format allows is a leading apostrophe on such text (`csv_field`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app import formats

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def write_cell(sheet, row: int, col: int, value, cell_format=None) -> None:
    """Write one xlsx cell: numbers as numbers, None as a blank, everything else as a string."""
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, cell_format)
    elif isinstance(value, (dt.date, dt.datetime)):
        sheet.write_string(row, col, formats.format_date(value), cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def write_row(sheet, row: int, first_col: int, values, cell_format=None) -> None:
    for offset, value in enumerate(values):
        write_cell(sheet, row, first_col + offset, value, cell_format)


def merge_cells(sheet, first_row: int, first_col: int, last_row: int, last_col: int, value, cell_format) -> None:
    """Merge a range and put `value` in it as `write_cell` would (merge_range alone would evaluate it)."""
    sheet.merge_range(first_row, first_col, last_row, last_col, "", cell_format)
    write_cell(sheet, first_row, first_col, value, cell_format)


def page_header_text(text: str) -> str:
    """Text for set_header/set_footer shown as written: '&' doubled, so it starts no code."""
    return text.replace("&", "&&")


def csv_field(value):
    """A CSV field: text a spreadsheet would run as a formula gets a leading apostrophe; other values pass.

    Numbers stay numbers (a negative number is not text and is not touched)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_field(value) for value in values]
