"""The archive copy of a class journal: one xlsx sheet per subject, marks grid and lesson topics.

Written with xlsxwriter in constant-memory mode: rows go to disk as they are written, and the
marks are read one subject at a time, so a full year stays flat in memory. The printable copy the
regional e-journal recommendations require at the end of a period or the year.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app import formats
from app.exports.cells import write_cell
from app.journal import grading
from app.journal.reports import readable_class
from app.models import (
    Absence,
    Homework,
    Lesson,
    Mark,
    MarkType,
    PeriodMark,
    PlanTopic,
    Pupil,
    StudyPeriod,
    TeachingAssignment,
    ThematicPlan,
)
from app.school import membership
from app.security.scope import Scope, journal_assignments, visible
from app.i18n import _

SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = SHEET_NAME_BAD.sub(" ", name)[:28].strip() or _("Предмет")
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def write_archive(session: Session, scope: Scope, class_group_id: int, period_id: int | None, path: str) -> str:
    """Write the class journal for a period (or the whole year: period_id None) to `path`.

    Returns the suggested file name. Raises NotInScope for a class the user cannot read."""
    class_group = readable_class(session, scope, class_group_id)
    span = _span(session, class_group, period_id)
    assignments = _journals(session, scope, class_group)
    pupils = membership.members(session, class_group.id, span.starts, span.ends,
                                  where=visible(scope, Pupil))
    weights = {t.id: t.weight for t in session.scalars(select(MarkType))}

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    styles = _Styles.of(book)
    used: set[str] = set()
    if not assignments:
        write_cell(book.add_worksheet(_("Журнал")), 0, 0, _("Нет предметов для архивной копии"))
    for assignment in assignments:
        label = assignment.subject.name + (f" ({assignment.subgroup.name})" if assignment.subgroup else "")
        sheet = book.add_worksheet(_sheet_name(label, used))
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        teacher = assignment.teacher.short_name if assignment.teacher else ""
        heading = (f"{class_group.name} — {label}", _("%(title)s. Учитель: %(teacher)s", title=span.title, teacher=teacher))
        # One journal's rows at a time: they are let go when its sheet is written.
        _write_sheet(sheet, styles, heading, span, pupils,
                     _read_subject(session, scope, class_group, assignment, span, weights))
    book.close()
    suffix = f"{span.periods[0].number}-chetvert" if period_id is not None else "god"
    return f"journal-{class_group.grade}{class_group.letter}-{suffix}.xlsx"


@dataclass(frozen=True)
class PupilLine:
    """A pupil's row of the printed journal: the cells in the lessons' order, the weighted average,
    the period marks in the span's columns."""

    number: int
    name: str
    cells: list[str]
    average: object  # Decimal | None
    period_marks: list[str]


@dataclass(frozen=True)
class SubjectPages:
    """A class journal's pages for one subject and a period (or the year), as the archive writes
    them, for the print page: the heading, the lessons, a line per pupil, the lessons' topics."""

    class_name: str
    label: str
    teacher: str
    title: str
    periods: list  # the class's study periods, to choose from
    period: object  # the period printed (StudyPeriod), None: the year
    column_titles: list[str]
    lessons: list  # (id, date, topic, homework)
    pupils: list[PupilLine]


def subject_pages(session: Session, scope: Scope, assignment_id: int, period_id: int | None) -> SubjectPages:
    """The journal of the assignment `assignment_id` for the period `period_id` (None: the year).
    Raises NotInScope for a journal the user cannot open or a period not of the class's year."""
    assignment = session.scalar(select(TeachingAssignment).where(
        TeachingAssignment.id == assignment_id, journal_assignments(scope, by_id=True)).options(
        joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
        joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.class_group)))
    if assignment is None:
        from app.security.clauses import NotInScope
        raise NotInScope(f"teaching_assignment {assignment_id}")
    class_group = assignment.class_group
    span = _span(session, class_group, period_id)
    pupils = membership.members(session, class_group.id, span.starts, span.ends, where=visible(scope, Pupil))
    weights = {t.id: t.weight for t in session.scalars(select(MarkType))}
    subject = _read_subject(session, scope, class_group, assignment, span, weights)
    lines = [PupilLine(number, f"{pupil.last_name} {pupil.first_name}",
                       [" ".join(subject.cells.get((pupil.id, lesson.id), [])) for lesson in subject.lessons],
                       grading.weighted_average(subject.per_pupil.get(pupil.id, [])),
                       [subject.period_marks[pupil.id].get(p.id if p else None, "") for p in span.columns])
             for number, pupil in enumerate(pupils, 1)]
    return SubjectPages(
        class_name=class_group.name,
        label=assignment.subject.name + (f" ({assignment.subgroup.name})" if assignment.subgroup else ""),
        teacher=assignment.teacher.short_name if assignment.teacher else "", title=span.title,
        periods=span.periods if period_id is None else _span(session, class_group, None).periods,
        period=span.periods[0] if period_id is not None else None,
        column_titles=[p.name if p else _("Год") for p in span.columns], lessons=subject.lessons, pupils=lines)


@dataclass(frozen=True)
class _Span:
    """What the archive covers: its periods, its first and last day, its title, and the columns of
    period marks (a quarter's own; for the year every period and the year mark, None)."""

    periods: list[StudyPeriod]
    starts: dt.date
    ends: dt.date
    title: str
    columns: list[StudyPeriod | None]


def _span(session: Session, class_group, period_id: int | None) -> _Span:
    """The period `period_id` of the class's year (NotInScope when it is not one), or the whole year."""
    periods = list(session.scalars(select(StudyPeriod).where(
        StudyPeriod.school_id == class_group.school_id,
        StudyPeriod.academic_year_id == class_group.academic_year_id).order_by(StudyPeriod.number)))
    if period_id is not None:
        periods = [p for p in periods if p.id == period_id]
        if not periods:
            from app.security.clauses import NotInScope
            raise NotInScope(f"study_period {period_id}")
        return _Span(periods, periods[0].starts_on, periods[0].ends_on, periods[0].name, periods)
    year = class_group.academic_year
    starts = periods[0].starts_on if periods else year.starts_on
    ends = periods[-1].ends_on if periods else year.ends_on
    return _Span(periods, starts, ends, _("%(year)s учебный год", year=year.name), periods + [None])


def _journals(session: Session, scope: Scope, class_group) -> list[TeachingAssignment]:
    """The class's journals the user may open, by subject and subgroup."""
    assignments = list(session.scalars(
        select(TeachingAssignment).where(TeachingAssignment.class_group_id == class_group.id, journal_assignments(scope))
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup))))
    assignments.sort(key=lambda a: (a.subject.name, a.subgroup.name if a.subgroup else ""))
    return assignments


@dataclass(frozen=True)
class _Styles:
    """The workbook's cell formats."""

    bold: object
    head: object
    cell: object
    name_cell: object

    @classmethod
    def of(cls, book) -> "_Styles":
        return cls(book.add_format({"bold": True}),
                   book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top", "text_wrap": True}),
                   book.add_format({"border": 1, "align": "center"}),
                   book.add_format({"border": 1}))


@dataclass
class _Subject:
    """One journal's rows for the span: its lessons, the text of each cell by (pupil, lesson), each
    pupil's (mark, weight) pairs, and the period marks by pupil and period (None: the year)."""

    lessons: list
    cells: dict[tuple[int, int], list[str]]
    per_pupil: dict[int, list]
    period_marks: dict[int, dict[int | None, str]]
    plan: list  # the thematic plan's (position, section, topic, hours), the whole year's


def _read_subject(session: Session, scope: Scope, class_group, assignment, span: _Span, weights) -> _Subject:
    """The journal's lessons, marks, absences and period marks within the span, and its thematic
    plan, in five statements."""
    starts, ends = span.starts, span.ends
    # The tasks given on each lesson to its class, group or a subgroup (a pupil's own task stays in
    # the journal), in the lesson's own statement.
    homework = (select(func.aggregate_strings(Homework.text, "; "))
                .where(Homework.lesson_id == Lesson.id, Homework.pupil_id.is_(None), visible(scope, Homework))
                .scalar_subquery())
    lessons = list(session.execute(select(Lesson.id, Lesson.date, Lesson.topic, homework.label("homework")).where(
        Lesson.assignment_id == assignment.id, Lesson.cancelled.is_(False), Lesson.date >= starts,
        Lesson.date <= ends, visible(scope, Lesson)).order_by(Lesson.date, Lesson.lesson_number)))
    lesson_ids = select(Lesson.id).where(Lesson.assignment_id == assignment.id, Lesson.date >= starts,
                                         Lesson.date <= ends, visible(scope, Lesson))
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    per_pupil: dict[int, list] = defaultdict(list)
    for m in session.execute(select(Mark.lesson_id, Mark.pupil_id, Mark.value, Mark.mark_type_id).where(
            Mark.lesson_id.in_(lesson_ids), visible(scope, Mark)).order_by(Mark.position)):
        cells[(m.pupil_id, m.lesson_id)].append(str(m.value))
        per_pupil[m.pupil_id].append((m.value, weights[m.mark_type_id]))
    for a in session.execute(select(Absence.lesson_id, Absence.pupil_id, Absence.code).where(
            Absence.lesson_id.in_(lesson_ids), visible(scope, Absence))):
        cells[(a.pupil_id, a.lesson_id)].insert(0, a.code)
    period_marks = defaultdict(dict)
    for pm in session.execute(select(PeriodMark.pupil_id, PeriodMark.study_period_id, PeriodMark.value).where(
            PeriodMark.class_group_id == class_group.id, PeriodMark.subject_id == assignment.subject_id,
            visible(scope, PeriodMark))):
        period_marks[pm.pupil_id][pm.study_period_id] = pm.value
    plan = list(session.execute(
        select(PlanTopic.position, PlanTopic.section, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment.id, visible(scope, PlanTopic)).order_by(PlanTopic.position)))
    return _Subject(lessons, cells, per_pupil, period_marks, plan)


def _write_sheet(sheet, styles: _Styles, heading: tuple[str, str], span: _Span, pupils, subject: _Subject) -> None:
    """One journal's sheet: the two heading lines, the marks grid, the lessons' topics."""
    write_cell(sheet, 0, 0, heading[0], styles.bold)
    write_cell(sheet, 1, 0, heading[1])
    row = _write_grid(sheet, styles, 3, span, pupils, subject)
    row = _write_topics(sheet, styles, row + 2, subject.lessons)
    if subject.plan:
        _write_plan(sheet, styles, row + 2, subject.plan)


def _write_grid(sheet, styles: _Styles, row: int, span: _Span, pupils, subject: _Subject) -> int:
    """The marks grid from `row`: the heading, then a row per pupil with the cells, the weighted
    average and the period marks. Returns the last row written."""
    lessons = subject.lessons
    sheet.set_column(0, 0, 4)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2 + len(lessons), 6)
    write_cell(sheet, row, 0, "№", styles.head)
    write_cell(sheet, row, 1, _("Ученик"), styles.head)
    for col, lesson in enumerate(lessons, 2):
        write_cell(sheet, row, col, lesson.date.strftime("%d.%m"), styles.head)
    extra = 2 + len(lessons)
    write_cell(sheet, row, extra, _("Средний балл"), styles.head)
    for offset, period in enumerate(span.columns, 1):
        write_cell(sheet, row, extra + offset, period.name if period else _("Год"), styles.head)
    cell, cells, period_marks = styles.cell, subject.cells, subject.period_marks
    for number, pupil in enumerate(pupils, 1):
        row += 1
        write_cell(sheet, row, 0, number, cell)
        write_cell(sheet, row, 1, f"{pupil.last_name} {pupil.first_name}", styles.name_cell)
        for col, lesson in enumerate(lessons, 2):
            write_cell(sheet, row, col, " ".join(cells.get((pupil.id, lesson.id), [])), cell)
        average = grading.weighted_average(subject.per_pupil.get(pupil.id, []))
        write_cell(sheet, row, extra, float(average) if average is not None else "", cell)
        for offset, period in enumerate(span.columns, 1):
            write_cell(sheet, row, extra + offset, period_marks[pupil.id].get(period.id if period else None, ""), cell)
    return row


def _write_topics(sheet, styles: _Styles, row: int, lessons) -> int:
    """The lessons' dates, topics and homework from `row`. Returns the last row written."""
    write_cell(sheet, row, 0, _("Дата"), styles.bold)
    write_cell(sheet, row, 1, _("Тема урока"), styles.bold)
    write_cell(sheet, row, 2, _("Домашнее задание"), styles.bold)
    for lesson in lessons:
        row += 1
        write_cell(sheet, row, 0, formats.format_date(lesson.date))
        write_cell(sheet, row, 1, lesson.topic or "")
        write_cell(sheet, row, 2, lesson.homework or "")
    return row


def _write_plan(sheet, styles: _Styles, row: int, plan) -> None:
    """The thematic plan from `row`: its title, then №, section, topic and hours of each topic, and
    the hours in all."""
    write_cell(sheet, row, 0, _("Тематическое планирование"), styles.bold)
    row += 1
    for col, title in enumerate(("№", _("Раздел"), _("Тема"), _("Часов"))):
        write_cell(sheet, row, col, title, styles.bold)
    for position, section, topic, hours in plan:
        row += 1
        for col, value in enumerate((position, section or "", topic, hours)):
            write_cell(sheet, row, col, value)
    write_cell(sheet, row + 1, 2, _("Всего часов"), styles.bold)
    write_cell(sheet, row + 1, 3, sum(hours for *_rest, hours in plan), styles.bold)
