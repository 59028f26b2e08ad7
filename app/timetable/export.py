"""Timetable export to xlsx (xlsxwriter), laid out for printing: A4 landscape, one page per sheet.

One sheet per class (a class, or the whole school) or one sheet for a teacher. Rows are the
lesson numbers with their bell times, columns Monday to Saturday. Every user-entered text passes
through app.exports.cells (formula injection)."""
from __future__ import annotations

import datetime as dt
import io
import re

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import formats
from app.exports.cells import write_cell
from app.models import BellSchedule, ClassGroup, Staff, TeachingAssignment, TimetableSlot
from app.i18n import _
from app.timetable import WEEKDAYS
from app.timetable.clashes import WEEKDAY_NAMES, room_label, week_of, week_slots


def _bells(session: Session, school_id: int, shift: int | None):
    query = select(BellSchedule).where(BellSchedule.school_id == school_id)
    if shift is not None:
        query = query.where(BellSchedule.shift == shift)
    return list(session.scalars(query.order_by(BellSchedule.shift, BellSchedule.lesson_number)))


def _sheet_name(name: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", name)[:28] or _("Лист")
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


class _Book:
    def __init__(self):
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.head = self.book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                          "bg_color": "#DDEBF7"})
        self.number = self.book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                            "text_wrap": True})
        self.cell = self.book.add_format({"valign": "top", "border": 1, "text_wrap": True, "font_size": 9})
        self.used: set[str] = set()

    def sheet(self, name: str, title: str, monday: dt.date, bells, grid, describe):
        sheet = self.book.add_worksheet(_sheet_name(name, self.used))
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 1)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        write_cell(sheet, 0, 0, title, self.title)
        write_cell(sheet, 1, 0, _("Расписание на неделю с %(date)s", date=formats.format_date(monday)))
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, len(WEEKDAYS), 24)
        write_cell(sheet, 3, 0, _("Урок"), self.head)
        for column, weekday in enumerate(WEEKDAYS, start=1):
            day = monday + dt.timedelta(days=weekday - 1)
            write_cell(sheet, 3, column, f"{_(WEEKDAY_NAMES[weekday]).capitalize()} {day.strftime('%d.%m')}", self.head)
        numbers = [(b.lesson_number, f"{b.lesson_number}\n{b.starts_at:%H:%M}–{b.ends_at:%H:%M}") for b in bells]
        seen = set()
        numbers = [n for n in numbers if not (n[0] in seen or seen.add(n[0]))]
        extra = sorted({number for (_d, number) in grid} - seen)
        numbers += [(n, str(n)) for n in extra]
        for row, (number, label) in enumerate(numbers, start=4):
            sheet.set_row(row, 48)
            write_cell(sheet, row, 0, label, self.number)
            for column, weekday in enumerate(WEEKDAYS, start=1):
                text = "\n".join(describe(slot) for slot in grid.get((weekday, number), []))
                write_cell(sheet, row, column, text, self.cell)
        sheet.repeat_rows(3)

    def bytes(self) -> bytes:
        if not self.book.worksheets():
            write_cell(self.book.add_worksheet(_("Расписание")), 0, 0, _("Нет классов для выгрузки."))
        self.book.close()
        return self.buffer.getvalue()


def _describe_for_class(slot: TimetableSlot) -> str:
    a = slot.assignment
    parts = [a.subject.name + (f" ({a.subgroup.name})" if a.subgroup_id else ""), a.teacher.short_name]
    if slot.room_id:
        parts.append(room_label(slot.room.name))
    return ", ".join(parts)


def _describe_for_teacher(slot: TimetableSlot) -> str:
    a = slot.assignment
    parts = [slot.class_group.name, a.subject.name + (f" ({a.subgroup.name})" if a.subgroup_id else "")]
    if slot.room_id:
        parts.append(room_label(slot.room.name))
    return ", ".join(parts)


def class_timetable_xlsx(session: Session, classes: list[ClassGroup], on_date: dt.date) -> bytes:
    """Sheets for the given classes (one class, or all classes of a school), week of `on_date`."""
    monday = week_of(on_date)
    book = _Book()
    for class_group in classes:
        grid = week_slots(session, TimetableSlot.class_group_id == class_group.id, monday)
        book.sheet(class_group.name, _("Расписание %(cls)s класса", cls=class_group.name), monday,
                   _bells(session, class_group.school_id, class_group.shift), grid, _describe_for_class)
    return book.bytes()


def teacher_timetable_xlsx(session: Session, teacher: Staff, on_date: dt.date) -> bytes:
    monday = week_of(on_date)
    book = _Book()
    grid = week_slots(session, TeachingAssignment.teacher_id == teacher.id, monday)
    book.sheet(teacher.last_name, _("Расписание учителя %(name)s", name=teacher.full_name), monday,
               _bells(session, teacher.school_id, 1), grid, _describe_for_teacher)
    return book.bytes()
