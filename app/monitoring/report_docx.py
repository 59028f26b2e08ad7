"""The monthly analytical report (аналитическая справка, order 2613 p.3.2) as a Word document.

The academy edits and signs this one; the xlsx (app/monitoring/report.py) is its annex with every
school's figures and the chart. Both are written from one `ReportData`, so they say the same:
the title with the month and the order, the conclusions as paragraphs, the municipality table
with the region's total, the campaign's overdue milestones, and the lines to sign.

A4 portrait, Times New Roman 12 (tables 10), the text language Russian (spelling is checked in
Russian in Word and LibreOffice), page numbers in the footer, the tables' header rows repeated on
every page. The builder reads nothing from the database and writes nothing.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from app import formats
from app.monitoring.months import month_label
from app.monitoring.report import ReportData, month_and_state, municipality_status
from app.rollout.deadlines import OverdueMilestone
from app.i18n import N_, _

FONT = "Times New Roman"
TABLE_STYLE = "Table Text"  # the style name is internal; users see the text only
NAMES_SHOWN = 5  # municipalities named per overdue milestone, then «и ещё N»
_FIELDS = re.compile(r"\{(PAGE|NUMPAGES)\}")

# (header, width in cm); the widths add up to the text width of 17.5 cm, and each header's
# longest word fits its column in 9 pt bold (a word broken in two reads badly in a signed paper).
MUNICIPALITY_COLUMNS = (
    ("№", 0.8), (N_("Муниципальное образование"), 3.6), (N_("Школ"), 1.3), (N_("Используют систему"), 2.2),
    (N_("Доля, %"), 1.4), (N_("Плановая доля, %"), 2.2), (N_("Изменение, п.п."), 2.1), (N_("Нет данных"), 1.6),
    (N_("Статус"), 2.3),
)
OVERDUE_COLUMNS = (
    (N_("Пункт приказа"), 1.8), (N_("Мероприятие"), 4.2), (N_("Срок"), 2.3), (N_("Просрочка, дней"), 2.4),
    (N_("Где просрочено"), 6.8),
)


def build_docx(data: ReportData) -> bytes:
    """The справка of `data` as docx bytes. A month without data gives a document that says so."""
    document = Document()
    _page_setup(document, data)
    _styles(document)
    props = document.core_properties
    props.title = data.title
    props.author = data.generated_by or ""
    props.last_modified_by = data.generated_by or ""
    props.language = "ru-RU"
    props.created = props.modified = data.generated_at
    props.comments = ""

    document.add_heading(data.title, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    basis = document.add_paragraph(data.note)
    basis.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading(_("Выводы"), level=2)
    for line in data.conclusions():
        document.add_paragraph(line, style="Body Text")

    document.add_heading(_("Доля школ, использующих систему, по муниципальным образованиям за %(month)s",
                           month=month_and_state(data.totals)), level=2)
    _municipality_table(document, data)

    document.add_heading(_("Просроченные сроки внедрения на %(day)s", day=formats.format_date(data.overdue_on)),
                         level=2)
    if data.overdue:
        _overdue_table(document, data.overdue)
    else:
        document.add_paragraph(_("Просроченных сроков нет."), style="Body Text")

    document.add_paragraph(_("Показатели каждой школы и диаграмма доли школ по муниципальным образованиям — "
                             "в приложении: файл xlsx этой справки (листы «Школы» и «Диаграмма»)."), style="Body Text")
    _signatures(document, data)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document, data: ReportData) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    text = _("Аналитическая справка за %(month)s. Стр. %(page)s из %(pages)s", month=month_label(data.month),
             page="{PAGE}", pages="{NUMPAGES}")
    for part in _FIELDS.split(text):  # the fields where the translation puts them
        if part in ("PAGE", "NUMPAGES"):
            _field(footer, part)
        elif part:
            footer.add_run(part)


def _field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice fill in when they lay the page out (PAGE, NUMPAGES)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    # The text's language: spelling and hyphenation in Russian, whatever the editor's own language.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "ru-RU")
    normal.element.get_or_add_rPr().append(language)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        heading = styles[name]
        heading.font.name = FONT
        fonts = heading.element.rPr.rFonts  # the template's theme fonts would win over FONT
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    body = styles["Body Text"]
    body.font.name = FONT
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.25)
    body.paragraph_format.space_after = Pt(4)
    table_text = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(10)
    table_text.paragraph_format.space_after = Pt(0)


def _table(document, columns):
    """A bordered table with its header row (repeated on every page) and the columns' widths."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, (label, width) in zip(header.cells, columns):
        cell.width = Cm(width)
        _cell(cell, _(label), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(9))
    for column, (_label, width) in zip(table.columns, columns):
        column.width = Cm(width)
    return table


def _row(table, columns, values, *, bold: bool = False) -> None:
    """A row of (text, numeric) values: numbers to the right, text to the left; kept on one page."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cells = row.cells
    for cell, (_label, width), (text, numeric) in zip(cells, columns, values):
        cell.width = Cm(width)
        _cell(cell, text, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, size=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = size


def _municipality_table(document, data: ReportData) -> None:
    totals = data.totals
    table = _table(document, MUNICIPALITY_COLUMNS)
    for number, m in enumerate(totals.rows, 1):
        _row(table, MUNICIPALITY_COLUMNS, [
            (str(number), True), (m.name, False), (str(m.schools_total), True), (str(m.schools_using), True),
            (formats.format_percent(m.share), True), (_plan(m.plan_share, m.plan_date), True),
            (_signed(m.change), True), (str(m.no_data), True), (municipality_status(m), False),
        ])
    _row(table, MUNICIPALITY_COLUMNS, [
        ("", False), (_("Итого по области"), False), (str(totals.schools_total), True),
        (str(totals.schools_using), True), (formats.format_percent(totals.share), True), ("", True),
        (_signed(totals.change), True), (str(totals.no_data), True), ("", False),
    ], bold=True)
    document.add_paragraph(_("Школ — общеобразовательных школ муниципального образования; доля — доля тех из них, "
                             "что используют систему. Целевая доля — %(target)s. Плановая доля — показатель плана "
                             "внедрения муниципального образования на указанную дату. Нет данных — школы без "
                             "показателей за месяц (см. выводы).",
                             target=formats.format_percent(totals.target_share, sign=True)), style=TABLE_STYLE)


def _plan(share: Decimal | None, day) -> str:
    """«60,0 (на 01.09.2012)»; «—» without a plan target."""
    if share is None:
        return "—"
    return _("%(share)s (на %(day)s)", share=formats.format_percent(share), day=formats.format_date(day))


def _signed(value: Decimal | None) -> str:
    """A change in percentage points: «+1,5», «-0,3», «0,0»; «—» when it cannot be computed."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + formats.format_percent(value)


def _overdue_table(document, overdue: list[OverdueMilestone]) -> None:
    table = _table(document, OVERDUE_COLUMNS)
    for item in overdue:
        _row(table, OVERDUE_COLUMNS, [
            (item.order_item, False), (item.title, False), (formats.format_date(item.due_on), True),
            (str(item.days_overdue), True), (_where(item), False),
        ])


def _where(item: OverdueMilestone) -> str:
    """«муниципальных образований — 2, школ — 5: Альфинский район, Бетинский район», the names cut
    after NAMES_SHOWN with «и ещё N» (schools only for a school's milestone)."""
    if item.level == "school":
        count = _("муниципальных образований — %(m)s, школ — %(n)s", m=item.municipality_count, n=item.school_count)
    else:
        count = _("муниципальных образований — %(m)s", m=item.municipality_count)
    names = ", ".join(name for _id, name in item.municipalities[:NAMES_SHOWN])
    rest = len(item.municipalities) - NAMES_SHOWN
    return f"{count}: {names}" + (_(" и ещё %(count)s", count=rest) if rest > 0 else "")


def _signatures(document, data: ReportData) -> None:
    document.add_paragraph()
    document.add_paragraph(_("Руководитель ____________________ / ____________________ /"))
    document.add_paragraph(_("Исполнитель: %(who)s", who=data.generated_by or "____________________"))
    document.add_paragraph(_("Дата: «___» ____________ 20___ г."))
