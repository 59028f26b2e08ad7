"""Formula injection: the one cell writer (app.exports.cells) stores text as text.

Every export is checked end to end in tests/web/test_export_cells.py; here the writer itself."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from app.exports.cells import csv_field, merge_cells, page_header_text, write_cell, write_row

HOSTILE = ["=1+1", "+7 (495) 123-45-67", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\",\"y\")", "\t=1",
           "=cmd|' /C calc'!A0", "http://example.com"]


def _written(write) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write(book.add_worksheet(), book)
    book.close()
    return buffer


def test_formula_like_text_is_a_string_cell_shown_as_written():
    book = openpyxl.load_workbook(_written(lambda sheet, book: [write_cell(sheet, row, 0, value)
                                                               for row, value in enumerate(HOSTILE)]))
    cells = [row[0] for row in book.active.iter_rows()]
    assert [cell.value for cell in cells] == HOSTILE
    assert {cell.data_type for cell in cells} == {"s"}
    assert not book.active._hyperlinks  # a URL stays text, not a link


def test_numbers_stay_numbers_and_none_is_blank():
    values = [5, -2, 4.5, Decimal("3.67"), None, True]
    book = openpyxl.load_workbook(_written(lambda sheet, book: write_row(sheet, 0, 0, values)))
    assert [cell.value for cell in book.active[1]] == [5, -2, 4.5, 3.67, None, True]


def test_merged_text_is_a_string_too():
    book = openpyxl.load_workbook(_written(lambda sheet, book: merge_cells(sheet, 0, 0, 0, 3, "=1+1",
                                                                            book.add_format({"bold": True}))))
    assert book.active["A1"].value == "=1+1" and book.active["A1"].data_type == "s"
    assert [str(r) for r in book.active.merged_cells.ranges] == ["A1:D1"]


def test_page_header_text_keeps_ampersands_from_starting_codes():
    buffer = _written(lambda sheet, book: sheet.set_header("&L" + page_header_text("Тест & Co &P") + "&RСтр. &P"))
    sheet_xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml").decode()
    assert "&amp;LТест &amp;&amp; Co &amp;&amp;P&amp;RСтр. &amp;P" in sheet_xml


@pytest.mark.parametrize("value", HOSTILE[:-1])
def test_csv_text_that_would_run_gets_an_apostrophe(value):
    assert csv_field(value) == "'" + value


@pytest.mark.parametrize("value", ["Иванова", "5", "3/5", "н", "осв.", "", " =1", "a=b", 5, -2, 4.5, None])
def test_other_csv_values_pass_unchanged(value):
    assert csv_field(value) == value
