"""The graded table of app.rollout.deadlines as an xlsx sheet: the control page's export and the
report's «Внедрение» sheet are both written here, from the same table, cell for cell what the
control page shows.

Layout: a title, the basis and the day, the legend; a two-row header (the milestone, then its
columns); one row per municipality in the table's order: №, name, light, schools, then per
milestone «Выполнено, %» (a real percentage cell, 0.85 shown as 85,0 %) for a school milestone
or «Используют, %» for the usage share, and «Состояние» in words (app.rollout.labels.grade_text);
then the totals: municipalities per light of each milestone, municipalities and schools with it
overdue (the dashboard's list).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

from app import formats
from app.exports.cells import merge_cells, page_header_text, write_cell
from app.rollout.deadlines import LIGHTS, DeadlineTable, Grade
from app.rollout.labels import GRADE_LABELS, grade_text, legend_lines
from app.rollout.status import GREEN, GREY, OVERDUE, RED, YELLOW
from app.i18n import _

_FILL = {GREEN: "#C6EFCE", YELLOW: "#FFEB9C", RED: "#FFC7CE", GREY: "#EDEDED"}
PERCENT_FORMAT = "0.0%"
HEAD_COLUMNS = 4  # №, name, light, schools
LEGEND_COLUMNS = 5  # the legend's lines span the head and the first milestones


@dataclass(frozen=True)
class Column:
    """One column of a milestone: "share" (a percentage) or "text" (the words)."""

    code: str
    kind: str


def milestone_columns(table: DeadlineTable) -> list[Column]:
    """The columns after the head, in order: a share and the words for a school milestone and the
    usage share, the words alone for a milestone of the municipality itself."""
    columns = []
    for m in table.milestones:
        if m.level == "school" or m.code == "usage_share":
            columns.append(Column(m.code, "share"))
        columns.append(Column(m.code, "text"))
    return columns


def cell_share(grade: Grade):
    """The percentage a share column shows: the share done, or for the usage share the share of
    schools using the system in the judged month; None when there is none."""
    return grade.using_share if grade.milestone.code == "usage_share" else grade.done_share


def fraction(value):
    """A percentage as xlsx keeps it (75.6 -> 0.756, to show with PERCENT_FORMAT), divided as a
    decimal so that 33.3 is 0.333 and not 0.33299999999999996; None stays None."""
    return None if value is None else float(Decimal(str(value)) / 100)


def _formats(book) -> dict:
    base = {"border": 1, "text_wrap": True, "valign": "top"}
    fills = {}
    for light, color in _FILL.items():
        fills[light] = book.add_format({**base, "bg_color": color})
        fills[light + "%"] = book.add_format({**base, "bg_color": color, "num_format": PERCENT_FORMAT})
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "legend": book.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"}),
        "head": book.add_format({**base, "bold": True, "bg_color": "#DDEBF7"}),
        "text": book.add_format(base),
        "int": book.add_format({**base, "num_format": "0"}),
        "pct": book.add_format({**base, "num_format": PERCENT_FORMAT}),
        "bold": book.add_format({**base, "bold": True}),
        **fills,
    }


def write_deadlines(book, sheet, table: DeadlineTable, title: str, page_title: str) -> int:
    """Write the table on `sheet` of `book` (see the module docstring); returns its last row."""
    f = _formats(book)
    campaign = table.campaign
    write_cell(sheet, 0, 0, title, f["title"])
    write_cell(sheet, 1, 0, _("%(campaign)s. Приказ № %(number)s от %(date)s. Состояние на %(day)s.",
                              campaign=campaign.title, number=campaign.order_number,
                              date=formats.format_date(campaign.order_date), day=formats.format_date(table.today)),
               f["note"])
    legend = legend_lines(table)
    columns = milestone_columns(table)
    last_col = HEAD_COLUMNS + len(columns) - 1
    for i, line in enumerate(legend, 2):  # wrapped over the columns of the first printed page
        merge_cells(sheet, i, 0, i, min(LEGEND_COLUMNS, last_col), line, f["legend"])
        sheet.set_row(i, 48)
    header = len(legend) + 3
    _write_header(sheet, f, table, columns, header)
    row = header + 1
    for number, r in enumerate(table.rows, 1):
        row += 1
        sheet.set_row(row, 42)  # the words of a cell take up to three lines
        sheet.write_number(row, 0, number, f["int"])
        write_cell(sheet, row, 1, r.name, f["text"])
        write_cell(sheet, row, 2, str(GRADE_LABELS[r.light]), f[r.light])
        sheet.write_number(row, 3, r.schools, f["int"])
        for col, column in enumerate(columns, HEAD_COLUMNS):
            grade = r.cells[column.code]
            if column.kind == "share":
                share = fraction(cell_share(grade))
                fmt = f[grade.light + "%"] if grade.light else f["pct"]
                if share is None:
                    sheet.write_blank(row, col, None, fmt)
                else:
                    sheet.write_number(row, col, share, fmt)
            else:
                write_cell(sheet, row, col, grade_text(grade), f[grade.light] if grade.light else f["text"])
    if not table.rows:
        write_cell(sheet, row + 1, 1, _("Нет муниципальных образований."), f["note"])
    last = _write_totals(sheet, f, table, columns, row + 2)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 3, 13)
    for col, column in enumerate(columns, HEAD_COLUMNS):
        sheet.set_column(col, col, 10 if column.kind == "share" else 24)
    _page(sheet, header + 1, max(row, header + 1), last_col, page_title)
    return last


def _write_header(sheet, f, table: DeadlineTable, columns: list[Column], header: int) -> None:
    heads = (_("№"), _("Муниципальное образование"), _("Светофор"), _("Общеобразовательных школ"))
    for col, text in enumerate(heads):
        merge_cells(sheet, header, col, header + 1, col, text, f["head"])
    col = HEAD_COLUMNS
    for m in table.milestones:
        span = [c for c in columns if c.code == m.code]
        text = _("п.%(item)s %(title)s (до %(due)s)", item=m.order_item, title=m.title,
                 due=formats.format_date(m.due_on))
        if len(span) > 1:
            merge_cells(sheet, header, col, header, col + len(span) - 1, text, f["head"])
        else:
            write_cell(sheet, header, col, text, f["head"])
        for offset, column in enumerate(span):
            write_cell(sheet, header + 1, col + offset, _column_head(column), f["head"])
        col += len(span)
    sheet.set_row(header, 64)


def _column_head(column: Column) -> str:
    if column.kind == "text":
        return _("Состояние")
    return _("Используют, %") if column.code == "usage_share" else _("Выполнено, %")


def _write_totals(sheet, f, table: DeadlineTable, columns: list[Column], row: int) -> int:
    """Municipalities per light (in the light column, and per milestone in its words column),
    then municipalities and schools with each milestone overdue. Returns the last row."""
    write_cell(sheet, row, 1, _("Итого муниципальных образований"), f["bold"])
    lights = table.lights
    for light in LIGHTS:
        row += 1
        write_cell(sheet, row, 1, str(GRADE_LABELS[light]), f[light])
        sheet.write_number(row, 2, lights[light], f["int"])
        for col, column in enumerate(columns, HEAD_COLUMNS):
            if column.kind == "text":
                sheet.write_number(row, col, table.cell_lights(column.code)[light], f["int"])
    row += 1
    write_cell(sheet, row, 1, _("С просрочкой: муниципальных образований"), f["bold"])
    overdue_row = row
    row += 1
    write_cell(sheet, row, 1, _("С просрочкой: школ"), f["bold"])
    for col, column in enumerate(columns, HEAD_COLUMNS):
        if column.kind != "text":
            continue
        sheet.write_number(overdue_row, col, table.overdue_municipalities(column.code), f["int"])
        if _is_school(table, column.code):
            sheet.write_number(row, col, table.counts(column.code)[OVERDUE], f["int"])
    return row


def _is_school(table: DeadlineTable, code: str) -> bool:
    return any(m.code == code and m.level == "school" for m in table.milestones)


def _page(sheet, header_row: int, last_row: int, last_col: int, title: str) -> None:
    """A4 landscape, two pages wide (one would print the words too small to read), the header and
    the names repeated on every page, the names frozen, a filter."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(2, 0)
    sheet.repeat_columns(0, 2)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header("&L" + page_header_text(title) + "&R" + _("Стр. &P из &N"))
    sheet.repeat_rows(header_row - 1, header_row)
    sheet.freeze_panes(header_row + 1, 2)
    sheet.autofilter(header_row, 0, last_row, last_col)


def control_xlsx(table: DeadlineTable) -> bytes:
    """The control page as one sheet «Контроль»."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Контроль"))
    write_deadlines(book, sheet, table, _("Контроль исполнения приказа на %(day)s",
                                          day=formats.format_date(table.today)), _("Контроль"))
    book.close()
    return out.getvalue()

