"""The control table as an xlsx workbook (xlsxwriter), the same rows and counts as the page."""
from __future__ import annotations

import io

import xlsxwriter

from app import formats
from app.exports.cells import write_cell
from app.rollout.control import ControlTable
from app.rollout.labels import LIGHT_LABELS, STATUS_LABELS
from app.rollout.status import GREEN, GREY, LATE, NOT_DUE, ON_TIME, OVERDUE, RED, STATUSES, YELLOW
from app.text import _

_FILL = {
    ON_TIME: "#C6EFCE", GREEN: "#C6EFCE",
    LATE: "#FFEB9C", YELLOW: "#FFEB9C",
    OVERDUE: "#FFC7CE", RED: "#FFC7CE",
    NOT_DUE: "#E7E6E6", GREY: "#E7E6E6",
}


def cell_text(cell) -> str:
    """What a control-table cell says: the status, and for school milestones 'done of total'."""
    text = str(STATUS_LABELS[cell.status])
    if cell.total is not None and (cell.milestone.level == "school" or cell.milestone.code == "usage_share"):
        text += " " + _("(%(done)s из %(total)s)", done=cell.done or 0, total=cell.total or 0)
    if cell.done_on and cell.milestone.level != "school":
        text += f", {cell.done_on:%d.%m.%Y}"
    return text


def control_xlsx(table: ControlTable) -> bytes:
    """One sheet «Контроль»: a title line, a header of milestones with due dates, one row per
    municipality (traffic light, then each milestone's status), and a totals block of
    municipalities per status. Every name goes through ."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("Контроль"))
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"})
    plain = book.add_format({"border": 1})
    fills = {key: book.add_format({"border": 1, "bg_color": color, "text_wrap": True}) for key, color in _FILL.items()}
    number = book.add_format({"border": 1})

    campaign = table.campaign
    write_cell(sheet, 0, 0, _("%(campaign)s: контроль исполнения на %(day)s", campaign=campaign.title,
                              day=formats.format_date(table.today)), title)
    write_cell(sheet, 1, 0, _("Приказ № %(number)s от %(date)s", number=campaign.order_number,
                              date=formats.format_date(campaign.order_date)))

    header_row = 3
    write_cell(sheet, header_row, 0, _("Муниципальное образование"), head)
    write_cell(sheet, header_row, 1, _("Светофор"), head)
    for j, m in enumerate(table.milestones, start=2):
        write_cell(sheet, header_row, j, _("п.%(item)s %(title)s (до %(due)s)", item=m.order_item, title=m.title,
                                           due=formats.format_date(m.due_on)), head)
    sheet.set_row(header_row, 60)
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 1 + len(table.milestones), 24)

    row = header_row + 1
    for r in table.rows:
        write_cell(sheet, row, 0, r.name, plain)
        write_cell(sheet, row, 1, str(LIGHT_LABELS[r.light]), fills[r.light])
        for j, m in enumerate(table.milestones, start=2):
            cell = r.cells[m.code]
            write_cell(sheet, row, j, cell_text(cell), fills.get(cell.status, plain))
        row += 1

    row += 1
    write_cell(sheet, row, 0, _("Итого муниципальных образований"), bold)
    row += 1
    for status in STATUSES:
        write_cell(sheet, row, 0, str(STATUS_LABELS[status]), fills[status])
        for j, m in enumerate(table.milestones, start=2):
            sheet.write_number(row, j, table.totals[m.code][status], number)
        row += 1
    row += 1
    for light, count in table.lights.items():
        write_cell(sheet, row, 0, str(LIGHT_LABELS[light]), fills[light])
        sheet.write_number(row, 1, count, number)
        row += 1

    sheet.freeze_panes(header_row + 1, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return out.getvalue()
