"""Formula injection: exported cells that a spreadsheet would run are neutralized."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from app.exports.cells import neutralize

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize("value", ["=1+1", "+7 (495) 123-45-67", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"http://x\",\"y\")",
                                   "\t=1", "\r=1", "=cmd|' /C calc'!A0"])
def test_formula_like_text_gets_an_apostrophe(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["Иванова", "5", "3/5", "н", "осв.", "", " =1", "a=b", 5, -2, 4.5, None])
def test_other_values_pass_unchanged(value):
    assert neutralize(value) == value


def test_a_neutralized_cell_is_text_in_the_written_file(tmp_path):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row, value in enumerate(["=1+1", "@SUM(A1)", "+1", "-1", "Тема: «Дроби»", -3]):
        sheet.write(row, 0, neutralize(value))
    book.close()
    cells = [row[0] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    assert cells[:4] == ["'=1+1", "'@SUM(A1)", "'+1", "'-1"]
    assert cells[4] == "Тема: «Дроби»" and cells[5] == -3
    sheet_xml = openpyxl.load_workbook(path).active
    assert all(cell.data_type != "f" for row in sheet_xml.iter_rows() for cell in row)


def test_every_module_that_writes_spreadsheets_or_csv_uses_neutralize():
    """Generic: a module that writes xlsx (xlsxwriter/openpyxl) or CSV must pass cells through neutralize."""
    offenders = []
    for path in APP.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        writes = re.search(r"^\s*(import|from)\s+xlsxwriter\b|csv\.(Dict)?[wW]riter\(|openpyxl\.Workbook\(", source, re.M)
        if writes and path.name != "cells.py" and "neutralize" not in source:
            offenders.append(str(path.relative_to(APP.parent)))
    assert not offenders, "these modules write spreadsheets/CSV without app.exports.cells.neutralize: " + ", ".join(offenders)
