"""The lesson calendar: Lesson rows generated from the timetable, study periods and holidays.

Generation is idempotent: running it twice changes nothing the second time. After a timetable
change it adds the new lessons, moves lessons without content within the same week, deletes empty
lessons that are no longer in the timetable, and never touches the content of a lesson (topic,
homework, marks, absences): such a lesson that no longer fits the timetable is kept and reported
as needing a decision.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import (
    Absence,
    ClassGroup,
    Holiday,
    Homework,
    Lesson,
    Mark,
    StudyPeriod,
    Substitution,
    TeachingAssignment,
    TimetableSlot,
)
from app.security.scope import Scope, changeable, visible
from app.i18n import _
from app.timetable import WEEKDAYS


@dataclass(frozen=True)
class DayOff:
    """A holiday span for some grades (the extra February week applies to grade 1 only)."""

    starts_on: dt.date
    ends_on: dt.date
    grade_from: int = 1
    grade_to: int = 11

    def covers(self, day: dt.date, grade: int) -> bool:
        return self.starts_on <= day <= self.ends_on and self.grade_from <= grade <= self.grade_to


def study_days(starts_on: dt.date, ends_on: dt.date, holidays: list[DayOff], grade: int,
               weekdays: tuple[int, ...] = WEEKDAYS) -> list[dt.date]:
    """School days of a grade from `starts_on` to `ends_on` inclusive, in order.

    A day counts when its ISO weekday is in `weekdays` (Saturday only for six-day schools; Sunday
    never) and no holiday applying to `grade` covers it. Empty when ends_on < starts_on."""
    days = []
    day = starts_on
    while day <= ends_on:
        if day.isoweekday() in weekdays and day.isoweekday() != 7 and not any(h.covers(day, grade) for h in holidays):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class Change:
    """One lesson the generator touched, as shown to the user."""

    lesson_id: int
    class_name: str
    subject: str
    date: dt.date
    lesson_number: int
    old_date: dt.date | None = None
    old_number: int | None = None
    reason: str = ""


@dataclass
class CalendarReport:
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    moved: list[Change] = field(default_factory=list)
    needs_decision: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved)


Key = tuple[int, dt.date, int]  # (assignment_id, date, lesson_number)


def _holidays(session: Session, period: StudyPeriod) -> list[DayOff]:
    rows = session.scalars(select(Holiday).where(
        Holiday.school_id == period.school_id, Holiday.starts_on <= period.ends_on, Holiday.ends_on >= period.starts_on))
    return [DayOff(h.starts_on, h.ends_on, h.grade_from, h.grade_to) for h in rows]


def planned_lessons(session: Session, period: StudyPeriod, classes: list[ClassGroup]) -> dict[Key, tuple[int, int | None]]:
    """What the timetable asks for in the period: {(assignment, date, number): (class id, room id)}."""
    holidays = _holidays(session, period)
    wanted: dict[Key, tuple[int, int | None]] = {}
    for class_group in classes:
        slots = list(session.scalars(select(TimetableSlot).where(
            TimetableSlot.class_group_id == class_group.id, TimetableSlot.valid_from <= period.ends_on,
            or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= period.starts_on))))
        by_weekday = defaultdict(list)
        for slot in slots:
            by_weekday[slot.weekday].append(slot)
        weekdays = tuple(sorted(by_weekday))
        for day in study_days(period.starts_on, period.ends_on, holidays, class_group.grade, weekdays):
            for slot in by_weekday[day.isoweekday()]:
                if slot.valid_from <= day and (slot.valid_to is None or slot.valid_to >= day):
                    wanted[(slot.assignment_id, day, slot.lesson_number)] = (class_group.id, slot.room_id)
    return wanted


def _content_reasons(session: Session, lessons: list[Lesson]) -> dict[int, str]:
    """Lesson id -> why it must be kept (topic, homework, marks, absences); absent = empty lesson."""
    ids = [lesson.id for lesson in lessons]
    with_homework, with_marks, with_absences = set(), set(), set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        with_homework |= set(session.scalars(select(Homework.lesson_id).where(Homework.lesson_id.in_(part)).distinct()))
        with_marks |= set(session.scalars(select(Mark.lesson_id).where(Mark.lesson_id.in_(part)).distinct()))
        with_absences |= set(session.scalars(select(Absence.lesson_id).where(Absence.lesson_id.in_(part)).distinct()))
    reasons = {}
    for lesson in lessons:
        parts = []
        if lesson.topic:
            parts.append(_("тема"))
        if lesson.id in with_homework:
            parts.append(_("домашнее задание"))
        if lesson.id in with_marks:
            parts.append(_("отметки"))
        if lesson.id in with_absences:
            parts.append(_("пропуски"))
        if parts:
            reasons[lesson.id] = _("есть %(what)s", what=", ".join(parts))
    return reasons


def generate_lessons(session: Session, period: StudyPeriod, class_group_ids: list[int] | None = None) -> CalendarReport:
    """Bring the period's Lesson rows of the school's classes (or of `class_group_ids`) in line
    with the timetable. Flushes; the caller commits. Raises DomainError for a locked period."""
    if period.is_locked:
        raise DomainError(_("Период «%(name)s» закрыт: уроки в нём не пересоздаются.", name=period.name))
    classes = _classes_of(session, period, class_group_ids)
    report = CalendarReport()
    if not classes:
        return report
    wanted = planned_lessons(session, period, classes)
    by_key = _existing_lessons(session, period, classes)
    _keep_lessons_in_place(wanted, by_key, report)

    loose_lessons, loose_keys = _loose_by_week(wanted, by_key)
    reasons = _content_reasons(session, [lesson for group in loose_lessons.values() for lesson in group])
    to_add = _move_loose_lessons(session, wanted, loose_lessons, loose_keys, reasons, report)
    for group in loose_lessons.values():
        for lesson in group:
            _leave(session, lesson, reasons, report, _change_of(lesson))
    session.flush()

    if to_add:
        _add_lessons(session, period, wanted, sorted(to_add, key=lambda k: (k[1], k[2], k[0])))
        report.added = len(to_add)
    report.needs_decision.sort(key=lambda c: (c.date, c.lesson_number, c.class_name))
    return report


def _classes_of(session: Session, period: StudyPeriod, class_group_ids: list[int] | None) -> list[ClassGroup]:
    """The period's school and year classes (or those of `class_group_ids`), by grade and letter."""
    query = select(ClassGroup).where(ClassGroup.school_id == period.school_id,
                                     ClassGroup.academic_year_id == period.academic_year_id)
    if class_group_ids is not None:
        query = query.where(ClassGroup.id.in_(class_group_ids))
    return list(session.scalars(query.order_by(ClassGroup.grade, ClassGroup.letter)))


def _existing_lessons(session: Session, period: StudyPeriod, classes: list[ClassGroup]) -> dict[Key, Lesson]:
    """The classes' lessons in the period by (assignment id, date, lesson number)."""
    existing = list(session.scalars(
        select(Lesson).options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject),
                               joinedload(Lesson.class_group))
        .where(Lesson.class_group_id.in_([c.id for c in classes]),
               Lesson.date >= period.starts_on, Lesson.date <= period.ends_on)
    ).unique())
    return {(lesson.assignment_id, lesson.date, lesson.lesson_number): lesson for lesson in existing}


def _keep_lessons_in_place(wanted: dict[Key, tuple[int, int | None]], by_key: dict[Key, Lesson],
                           report: CalendarReport) -> None:
    """Lessons in place stay; only the room follows the timetable."""
    for key, (_class_id, room_id) in wanted.items():
        lesson = by_key.get(key)
        if lesson is not None:
            report.unchanged += 1
            if lesson.room_id != room_id:
                lesson.room_id = room_id


def _loose_by_week(wanted: dict[Key, tuple[int, int | None]], by_key: dict[Key, Lesson]) -> tuple[dict, dict]:
    """Lessons the timetable no longer has and planned keys without a lesson, each grouped by
    (assignment id, ISO year and week): what is left over is paired within the same assignment
    and week."""
    loose_lessons = defaultdict(list)
    for key, lesson in by_key.items():
        if key not in wanted:
            loose_lessons[(key[0], key[1].isocalendar()[:2])].append(lesson)
    loose_keys = defaultdict(list)
    for key in wanted:
        if key not in by_key:
            loose_keys[(key[0], key[1].isocalendar()[:2])].append(key)
    return loose_lessons, loose_keys


def _change_of(lesson: Lesson) -> Change:
    return Change(lesson.id, lesson.class_group.name, lesson.assignment.subject.name, lesson.date,
                  lesson.lesson_number)


def _move_target(lesson: Lesson, free: list[Key], reasons: dict[int, str]) -> Key | None:
    """The same day's free key first; a lesson with content never leaves its day."""
    same_day = [k for k in free if k[1] == lesson.date]
    return same_day[0] if same_day else (free[0] if free and lesson.id not in reasons else None)


def _move_loose_lessons(session: Session, wanted: dict[Key, tuple[int, int | None]], loose_lessons: dict,
                        loose_keys: dict, reasons: dict[int, str], report: CalendarReport) -> list[Key]:
    """Move each week's loose lessons onto its free keys; returns the keys still free (to add).
    The weeks handled are taken out of `loose_lessons`; what stays there has no key to go to."""
    to_add: list[Key] = []
    for group, free in loose_keys.items():
        free.sort(key=lambda k: (k[1], k[2]))
        for lesson in sorted(loose_lessons.pop(group, []), key=lambda l: (l.date, l.lesson_number)):
            target = _move_target(lesson, free, reasons)
            change = _change_of(lesson)
            if target is None:
                _leave(session, lesson, reasons, report, change)
                continue
            free.remove(target)
            change.old_date, change.old_number = lesson.date, lesson.lesson_number
            lesson.date, lesson.lesson_number = target[1], target[2]
            lesson.room_id = wanted[target][1]
            change.date, change.lesson_number = target[1], target[2]
            report.moved.append(change)
        to_add.extend(free)
    return to_add


def _leave(session: Session, lesson: Lesson, reasons: dict[int, str], report: CalendarReport, change: Change) -> None:
    """A lesson the timetable no longer has: deleted when empty, else kept for a person to decide."""
    if lesson.id in reasons:
        change.reason = reasons[lesson.id]
        report.needs_decision.append(change)
    else:
        session.delete(lesson)
        report.removed += 1


def _add_lessons(session: Session, period: StudyPeriod, wanted, keys: list[Key]) -> None:
    assignment_ids = {k[0] for k in keys}
    teachers = dict(session.execute(
        select(TeachingAssignment.id, TeachingAssignment.teacher_id).where(TeachingAssignment.id.in_(assignment_ids))).all())
    substitutions = {
        (s.assignment_id, s.date, s.lesson_number): s
        for s in session.scalars(select(Substitution).where(
            Substitution.assignment_id.in_(assignment_ids),
            Substitution.date >= period.starts_on, Substitution.date <= period.ends_on))
    }
    for key in keys:
        class_id, room_id = wanted[key]
        substitution = substitutions.get(key)
        teacher_id = teachers[key[0]]
        if substitution is not None and substitution.substitute_id and not substitution.cancelled:
            teacher_id = substitution.substitute_id
        session.add(Lesson(
            assignment_id=key[0], class_group_id=class_id, school_id=period.school_id, date=key[1],
            lesson_number=key[2], teacher_id=teacher_id, room_id=room_id,
            cancelled=bool(substitution is not None and substitution.cancelled),
        ))
    session.flush()


def calendar_choices(session: Session, scope: Scope) -> tuple[list[StudyPeriod], list[ClassGroup]]:
    """The study periods the user sees (latest year first) and the classes the user may change."""
    periods = list(session.scalars(
        select(StudyPeriod).options(joinedload(StudyPeriod.academic_year), joinedload(StudyPeriod.school))
        .where(visible(scope, StudyPeriod))
        .order_by(StudyPeriod.academic_year_id.desc(), StudyPeriod.school_id, StudyPeriod.number)).unique())
    classes = list(session.scalars(select(ClassGroup).where(changeable(scope, ClassGroup))
                                   .order_by(ClassGroup.academic_year_id.desc(), ClassGroup.grade, ClassGroup.letter)))
    return periods, classes


def generate_for(session: Session, scope: Scope, period: StudyPeriod, class_group_ids: list[int] | None) -> CalendarReport:
    """generate_lessons for the user, in one transaction. Without chosen classes the user must be
    able to change some class of the period's school (else NotInScope). Commits, or rolls back and
    raises DomainError."""
    if class_group_ids is None and not session.scalar(select(ClassGroup.id).where(
            ClassGroup.school_id == period.school_id, changeable(scope, ClassGroup))):
        raise NotInScope()
    try:
        report = generate_lessons(session, period, class_group_ids)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def timetable_counts(session: Session, school_id: int, academic_year_id: int,
                     assignment_ids: list[int] | None = None) -> dict[int, int]:
    """How many lessons the timetable gives each teaching assignment of the school's classes in
    the year (of `assignment_ids` only, when given): each weekly slot on every school day of the
    year's study periods that it is valid on, the holidays of the class's grade left out, as
    `generate_lessons` would create them. Cancellations are not subtracted: they change a day's
    lessons, not the timetable. Three statements; an assignment without slots is absent."""
    periods = session.execute(select(StudyPeriod.starts_on, StudyPeriod.ends_on).where(
        StudyPeriod.school_id == school_id, StudyPeriod.academic_year_id == academic_year_id)).all()
    holidays = [DayOff(h.starts_on, h.ends_on, h.grade_from, h.grade_to) for h in session.scalars(
        select(Holiday).where(Holiday.school_id == school_id, Holiday.academic_year_id == academic_year_id))]
    statement = (select(TimetableSlot.assignment_id, TimetableSlot.weekday, TimetableSlot.valid_from,
                        TimetableSlot.valid_to, ClassGroup.grade)
                 .join(ClassGroup, ClassGroup.id == TimetableSlot.class_group_id)
                 .where(ClassGroup.school_id == school_id, ClassGroup.academic_year_id == academic_year_id))
    if assignment_ids is not None:
        statement = statement.where(TimetableSlot.assignment_id.in_(assignment_ids))
    days_of_grade: dict[int, dict[int, list[dt.date]]] = {}
    counts: dict[int, int] = defaultdict(int)
    for assignment_id, weekday, valid_from, valid_to, grade in session.execute(statement):
        if grade not in days_of_grade:
            by_weekday: dict[int, list[dt.date]] = defaultdict(list)
            for starts_on, ends_on in periods:
                for day in study_days(starts_on, ends_on, holidays, grade):
                    by_weekday[day.isoweekday()].append(day)
            days_of_grade[grade] = by_weekday
        counts[assignment_id] += sum(1 for day in days_of_grade[grade][weekday]
                                     if valid_from <= day and (valid_to is None or day <= valid_to))
    return dict(counts)
