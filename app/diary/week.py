"""A pupil's diary week, Monday to Saturday: what the timetable planned and the journal recorded.

For each school day the lessons by number with bell times, subject, teacher and room; a
substitution or cancellation shown as such; the topic the teacher wrote; the homework due at the
lesson (given on an earlier lesson of the subject, to the class, to a subgroup of the pupil or to
the pupil alone, with its files), as Дневник.ру and МЭШ show it; the pupil's marks (work type and
weight; none on a lesson taught without marks, app.journal.assessment) and absence. Lessons the
journal has recorded (`Lesson` rows) win over the weekly timetable; timetable slots fill the
numbers nobody has recorded yet (the coming days of the week), with that day's substitutions
applied. Homework due on a day without a lesson of its subject (the timetable changed since) is
listed under the day.

The cost is a constant number of queries whatever the number of lessons (six; three when the
school's calendar is passed in): nothing is loaded per lesson or per day, so the evening peak of
the region stays cheap.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.diary import seen
from app.diary.pupils import PupilCard
from app.journal.assessment import lesson_marked
from app.models import (
    Absence,
    AbsenceCode,
    BellSchedule,
    ClassMembership,
    Holiday,
    Homework,
    HomeworkFile,
    Lesson,
    Mark,
    MarkType,
    Room,
    Staff,
    StudyPeriod,
    Subject,
    Substitution,
    TeachingAssignment,
    TimetableSlot,
)
from app.models.people import short_name
from app.models.timetable import subgroup_pupil
from app.school import membership

DAYS_SHOWN = 6  # Monday to Saturday

# Week states (the template explains each in Russian).
OK = "ok"
NO_CLASS = "no_class"
NO_TIMETABLE = "no_timetable"
HOLIDAY = "holiday"
OUTSIDE_PERIODS = "outside_periods"


@dataclass(frozen=True)
class DiaryMark:
    value: int
    work_type: str
    work_type_short: str
    weight: Decimal
    comment: str | None = None
    # entered or changed since the reader's last visit on the site (app.diary.seen); the API keeps
    # no visits, so it leaves this out (app.api.diary.plain)
    new: bool = field(default=False, metadata={"api": False})


@dataclass(frozen=True)
class DiaryAbsence:
    code: str
    name: str
    excused: bool


@dataclass(frozen=True)
class DiaryFile:
    """A file attached to homework (downloaded by its id)."""

    id: int
    name: str
    size_bytes: int


@dataclass
class DiaryHomework:
    """A task due on the day: given on `given_on` in `subject`; `individual`: for this pupil alone."""

    id: int
    subject: str
    text: str
    given_on: dt.date
    individual: bool = False
    files: list[DiaryFile] = field(default_factory=list)
    # given or changed since the reader's last visit on the site (app.diary.seen); not in the API
    new: bool = field(default=False, metadata={"api": False})


@dataclass
class DiaryLesson:
    """One lesson of the day. `recorded` is False for a lesson known only from the timetable."""

    number: int
    subject: str
    teacher: str | None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    room: str | None = None
    recorded: bool = False
    cancelled: bool = False
    # Set when another teacher takes the lesson: the teacher the timetable names.
    replaces: str | None = None
    topic: str | None = None
    homework: list[DiaryHomework] = field(default_factory=list)  # due at this lesson
    marks: list[DiaryMark] = field(default_factory=list)
    absence: DiaryAbsence | None = None

    @property
    def is_new(self) -> bool:
        """A mark or a task of the lesson is new to the reader (app.diary.seen)."""
        return any(mark.new for mark in self.marks) or any(task.new for task in self.homework)

    @property
    def substituted(self) -> bool:
        return self.replaces is not None


@dataclass
class DiaryDay:
    date: dt.date
    is_today: bool = False
    holiday: str | None = None  # the name of the holiday that covers this day for the pupil's grade
    outside_periods: bool = False  # not within any study period of the school
    lessons: list[DiaryLesson] = field(default_factory=list)
    homework: list[DiaryHomework] = field(default_factory=list)  # due this day, no lesson of its subject


class SchoolWeek:
    """Monday to Saturday from a `monday` attribute: the diary's week and the teacher's."""

    monday: dt.date

    @property
    def saturday(self) -> dt.date:
        return self.monday + dt.timedelta(days=DAYS_SHOWN - 1)

    @property
    def previous_monday(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next_monday(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


@dataclass
class DiaryWeek(SchoolWeek):
    pupil: PupilCard
    monday: dt.date
    state: str
    days: list[DiaryDay] = field(default_factory=list)
    period_name: str | None = None  # the study period most of the week belongs to
    holiday_name: str | None = None  # set with state HOLIDAY

    @property
    def lesson_count(self) -> int:
        return sum(len(d.lessons) for d in self.days)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week of `day` (a Sunday belongs to the week that ends with it)."""
    return day - dt.timedelta(days=day.weekday())


def reference_date(session: Session, pupil: PupilCard, today: dt.date) -> dt.date:
    """The date the diary opens on: today within the pupil's school year.

    Outside it (summer, or a demo database of a past year) the diary opens on the latest day for
    which the journal recorded a lesson topic, so the first screen shows real content instead of
    an empty week. One query, only in that case."""
    if pupil.class_group_id is None or pupil.year_starts_on is None:
        return today
    if pupil.year_starts_on <= today <= pupil.year_ends_on:
        return today
    latest = session.scalar(
        select(func.max(Lesson.date)).where(
            Lesson.class_group_id == pupil.class_group_id, Lesson.date <= today, Lesson.topic.is_not(None)
        )
    )
    return latest or today


def pupil_subgroups_clause(pupil_id):
    """Assignments this pupil attends: whole-class ones and those of the pupil's subgroups.
    `pupil_id` is an id or a bind parameter."""
    return or_(
        TeachingAssignment.subgroup_id.is_(None),
        TeachingAssignment.subgroup_id.in_(
            select(subgroup_pupil.c.subgroup_id).where(subgroup_pupil.c.pupil_id == pupil_id)
        ),
    )


class CalendarPeriod(NamedTuple):
    """A study period of the school (of any of its years)."""

    name: str
    starts_on: dt.date
    ends_on: dt.date
    id: int
    academic_year_id: int
    number: int
    locked_at: dt.datetime | None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's study periods, holidays and bell times: the same for every diary week of the
    school, so the view keeps it per process while the reference version holds (the tables have
    version triggers, migration 0003)."""

    periods: tuple[CalendarPeriod, ...]  # by start
    holidays: tuple[tuple[str, dt.date, dt.date, int, int], ...]  # (name, starts, ends, grade_from, grade_to)
    bells: dict[int, dict[int, tuple[dt.time, dt.time]]]  # shift -> lesson number -> (starts, ends)

    def periods_within(self, monday: dt.date, saturday: dt.date) -> list[tuple[str, dt.date, dt.date]]:
        """(name, starts_on, ends_on) of the periods that overlap the week."""
        return [(p.name, p.starts_on, p.ends_on) for p in self.periods if p.starts_on <= saturday and p.ends_on >= monday]

    def periods_of_year(self, academic_year_id: int) -> list[CalendarPeriod]:
        return [p for p in self.periods if p.academic_year_id == academic_year_id]

    def holidays_within(self, monday: dt.date, saturday: dt.date, grade: int | None) -> list[tuple[str, dt.date, dt.date]]:
        return [(name, starts, ends) for name, starts, ends, low, high in self.holidays
                if starts <= saturday and ends >= monday and grade is not None and low <= grade <= high]


# The week's statements are built once, with bind parameters: the diary is the busiest page of
# the evening, and building a statement costs more CPU than the database spends answering it.
# They run on the session's connection (Core): their rows are plain tuples, and the ORM's result
# handling would add a third to each statement's cost.
_PERIODS = (
    select(StudyPeriod.name, StudyPeriod.starts_on, StudyPeriod.ends_on, StudyPeriod.id, StudyPeriod.academic_year_id,
           StudyPeriod.number, StudyPeriod.locked_at)
    .where(StudyPeriod.school_id == bindparam("school_id"))
    .order_by(StudyPeriod.starts_on)
)
_HOLIDAYS = (
    select(Holiday.name, Holiday.starts_on, Holiday.ends_on, Holiday.grade_from, Holiday.grade_to)
    .where(Holiday.school_id == bindparam("school_id"))
    .order_by(Holiday.starts_on)
)
_BELLS = select(BellSchedule.shift, BellSchedule.lesson_number, BellSchedule.starts_at, BellSchedule.ends_at).where(
    BellSchedule.school_id == bindparam("school_id"))


def load_periods(session: Session, school_id: int) -> tuple[CalendarPeriod, ...]:
    """The school's study periods of every year, by start."""
    return tuple(CalendarPeriod(*row) for row in session.execute(_PERIODS, {"school_id": school_id}))


def load_calendar(session: Session, school_id: int) -> SchoolCalendar:
    """The school's calendar: three queries."""
    school = {"school_id": school_id}
    bells: dict[int, dict[int, tuple[dt.time, dt.time]]] = defaultdict(dict)
    for shift, number, starts, ends in session.execute(_BELLS, school):
        bells[shift][number] = (starts, ends)
    return SchoolCalendar(
        periods=load_periods(session, school_id),
        holidays=tuple(tuple(row) for row in session.execute(_HOLIDAYS, school)),
        bells=dict(bells),
    )


def build_week(session: Session, pupil: PupilCard, day: dt.date, today: dt.date,
               calendar: SchoolCalendar | None = None, seen_by: int | None = None,
               now: dt.datetime | None = None) -> DiaryWeek:
    """The diary week (Mon–Sat) containing `day` for `pupil`; `today` is highlighted.

    States: NO_CLASS (the pupil is in no class: nothing else is loaded), OUTSIDE_PERIODS (no day
    of the week is within a study period of the school), HOLIDAY (every study day is a holiday
    for the pupil's grade and nothing was recorded), NO_TIMETABLE (school days but neither
    timetable slots nor recorded lessons), OK otherwise. Days keep their own holiday and
    outside-period flags so a half-holiday week reads right. `calendar` is the school's
    (load_calendar), loaded here when not given. With `seen_by` (the reading user's id) and `now`,
    marks and homework given or changed since that user's last visit of the pupil's diary are
    flagged new (app.diary.seen; the stamp is read with the lessons and the homework, no statement
    more)."""
    monday = monday_of(day)
    saturday = monday + dt.timedelta(days=DAYS_SHOWN - 1)
    if pupil.class_group_id is None:
        return DiaryWeek(pupil=pupil, monday=monday, state=NO_CLASS)

    calendar = calendar or load_calendar(session, pupil.school_id)
    periods = calendar.periods_within(monday, saturday)
    holidays = calendar.holidays_within(monday, saturday, pupil.grade)
    bells = calendar.bells.get(pupil.shift, {})

    days = _week_days(monday, today, periods, holidays)
    reader = {"user_id": seen_by if now is not None else None}
    recorded = _recorded_lessons(session, pupil, monday, saturday, bells, reader, now)
    slots, substitutions = _timetable(session, pupil, monday, saturday, bells)
    placed = _place_lessons(days, recorded, slots, substitutions)
    _place_homework(days, placed, _homework_due(session, pupil, monday, saturday, reader, now))

    study_days = [d for d in days if not d.outside_periods]
    state = _week_state(days, study_days, bool(recorded))
    week = DiaryWeek(pupil=pupil, monday=monday, state=state, days=days)
    if periods:
        # The period covering most of the week's days (a week may straddle two).
        week.period_name = max(
            periods, key=lambda p: sum(p[1] <= d.date <= p[2] for d in days)
        )[0]
    if state == HOLIDAY:
        week.holiday_name = next(d.holiday for d in study_days)
    return week


def _week_days(monday: dt.date, today: dt.date, periods, holidays) -> list[DiaryDay]:
    """The six empty days from `monday`, each with its own holiday and outside-period flags."""
    days = []
    for offset in range(DAYS_SHOWN):
        date = monday + dt.timedelta(days=offset)
        days.append(DiaryDay(
            date=date,
            is_today=date == today,
            holiday=next((name for name, start, end in holidays if start <= date <= end), None),
            outside_periods=not any(start <= date <= end for _, start, end in periods),
        ))
    return days


def _place_lessons(days: list[DiaryDay], recorded: list[tuple[dt.date, int, DiaryLesson]],
                   slots: dict[int, list[_Slot]], substitutions: dict) -> dict[tuple[dt.date, int], list[DiaryLesson]]:
    """Put each day's lessons in order of number, then subject: the recorded ones, and the
    timetable's slots for the numbers nobody has recorded on a school day. Returns the placed
    lessons by (date, teaching assignment id), for the homework due at them."""
    by_date: dict[dt.date, dict[int, list[DiaryLesson]]] = defaultdict(lambda: defaultdict(list))
    placed: dict[tuple[dt.date, int], list[DiaryLesson]] = defaultdict(list)
    for date, assignment_id, lesson in recorded:
        by_date[date][lesson.number].append(lesson)
        placed[(date, assignment_id)].append(lesson)
    for d in days:
        numbers = by_date[d.date]
        if not d.holiday and not d.outside_periods:
            for slot in slots.get(d.date.isoweekday(), ()):
                # A number the journal has recorded shows what was recorded, not the plan.
                if slot.valid_on(d.date) and slot.lesson.number not in numbers:
                    lesson = slot.on(d.date, substitutions)
                    numbers[slot.lesson.number].append(lesson)
                    placed[(d.date, slot.assignment_id)].append(lesson)
        for number in sorted(numbers):
            d.lessons.extend(sorted(numbers[number], key=lambda lesson: lesson.subject))
    return placed


def _place_homework(days: list[DiaryDay], placed: dict[tuple[dt.date, int], list[DiaryLesson]],
                    due: list[tuple[dt.date, int, DiaryHomework]]) -> None:
    """Each task at the first lesson of its subject on its due day (a lesson that is not cancelled
    when there is one), else under the day."""
    by_date = {d.date: d for d in days}
    for date, assignment_id, task in due:
        lessons = sorted(placed.get((date, assignment_id), ()), key=lambda lesson: (lesson.cancelled, lesson.number))
        if lessons:
            lessons[0].homework.append(task)
        elif date in by_date:
            by_date[date].homework.append(task)


def _week_state(days: list[DiaryDay], study_days: list[DiaryDay], has_recorded: bool) -> str:
    """Anything recorded makes the week OK, whatever the calendar says."""
    if not study_days and not has_recorded:
        return OUTSIDE_PERIODS
    if not has_recorded and all(d.holiday for d in study_days):
        return HOLIDAY
    if not has_recorded and not any(d.lessons for d in days):
        return NO_TIMETABLE
    return OK


# The staff table in its roles, aliased once: an alias made per call costs more to build than the
# rest of the query (SQLAlchemy adapts every column anew for a fresh alias).
_ACTUAL = aliased(Staff, name="actual_teacher")
_PLANNED = aliased(Staff, name="planned_teacher")
_SUBSTITUTE = aliased(Staff, name="substitute_teacher")


# One row per lesson and mark of the pupil (a lesson without marks: one row with empty mark
# columns); the absence and the substitution, one per lesson at most, ride along.
_LESSONS = (
    select(
        Lesson.id, Lesson.date, Lesson.lesson_number, Lesson.cancelled, Lesson.topic, Lesson.assignment_id,
        Subject.name, _ACTUAL.last_name, _ACTUAL.first_name, _ACTUAL.middle_name,
        Lesson.teacher_id, TeachingAssignment.teacher_id,
        _PLANNED.last_name, _PLANNED.first_name, _PLANNED.middle_name, Room.name, Substitution.cancelled,
        Mark.value, MarkType.name, MarkType.short_name, MarkType.weight, Mark.comment,
        Absence.code, AbsenceCode.name, AbsenceCode.excused,
        Mark.changed_at, seen.SEEN_AT, seen.NEW_SINCE,
    )
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .join(_ACTUAL, _ACTUAL.id == Lesson.teacher_id)
    .join(_PLANNED, _PLANNED.id == TeachingAssignment.teacher_id)
    .outerjoin(Room, Room.id == Lesson.room_id)
    .outerjoin(Substitution, and_(Substitution.assignment_id == Lesson.assignment_id, Substitution.date == Lesson.date,
                                  Substitution.lesson_number == Lesson.lesson_number))
    .outerjoin(Mark, and_(Mark.lesson_id == Lesson.id, Mark.pupil_id == bindparam("pupil_id"), lesson_marked()))
    .outerjoin(MarkType, MarkType.id == Mark.mark_type_id)
    .outerjoin(Absence, and_(Absence.lesson_id == Lesson.id, Absence.pupil_id == bindparam("pupil_id")))
    .outerjoin(AbsenceCode, AbsenceCode.code == Absence.code)
    .where(
        # The lessons of the classes the pupil was in on their days (app.school.membership): a
        # pupil moved from 5А to 5Б on Wednesday has 5А's Monday and 5Б's Thursday.
        Lesson.class_group_id.in_(select(ClassMembership.class_group_id).where(
            ClassMembership.pupil_id == bindparam("pupil_id"),
            ClassMembership.starts_on <= bindparam("saturday"),
            or_(ClassMembership.ends_on.is_(None), ClassMembership.ends_on >= bindparam("monday")))),
        membership.member_on(bindparam("pupil_id"), Lesson.class_group_id, Lesson.date),
        Lesson.date >= bindparam("monday"),
        Lesson.date <= bindparam("saturday"),
        pupil_subgroups_clause(bindparam("pupil_id")),
    )
    .order_by(Lesson.id, Mark.position)
)
# One row per slot and substitution of its assignment and lesson number in the week (a slot
# without any: one row with empty substitution columns).
_SLOTS = (
    select(
        TimetableSlot.id, TimetableSlot.weekday, TimetableSlot.lesson_number, TimetableSlot.assignment_id,
        TimetableSlot.valid_from, TimetableSlot.valid_to, Subject.name,
        _PLANNED.last_name, _PLANNED.first_name, _PLANNED.middle_name, Room.name,
        Substitution.date, Substitution.cancelled, _SUBSTITUTE.last_name, _SUBSTITUTE.first_name, _SUBSTITUTE.middle_name,
    )
    .join(TeachingAssignment, TeachingAssignment.id == TimetableSlot.assignment_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .join(_PLANNED, _PLANNED.id == TeachingAssignment.teacher_id)
    .outerjoin(Room, Room.id == TimetableSlot.room_id)
    .outerjoin(Substitution, and_(
        Substitution.assignment_id == TimetableSlot.assignment_id,
        Substitution.lesson_number == TimetableSlot.lesson_number,
        Substitution.date >= bindparam("monday"),
        Substitution.date <= bindparam("saturday"),
    ))
    .outerjoin(_SUBSTITUTE, _SUBSTITUTE.id == Substitution.substitute_id)
    .where(
        TimetableSlot.class_group_id == bindparam("class_group_id"),
        TimetableSlot.valid_from <= bindparam("saturday"),
        or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= bindparam("monday")),
        TimetableSlot.weekday <= DAYS_SHOWN,
        pupil_subgroups_clause(bindparam("pupil_id")),
    )
)


# One row per task due in the week for the pupil and file of it (a task without files: one row
# with empty file columns): the class's tasks, those of the pupil's subgroups and the pupil's own.
_HOMEWORK = (
    select(
        Homework.id, Homework.due_on, Homework.text, Homework.pupil_id, Lesson.date, Lesson.assignment_id, Subject.name,
        HomeworkFile.id, HomeworkFile.filename, HomeworkFile.size_bytes,
        Homework.changed_at, seen.SEEN_AT, seen.NEW_SINCE,
    )
    .join(Lesson, Lesson.id == Homework.lesson_id)
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .outerjoin(HomeworkFile, HomeworkFile.homework_id == Homework.id)
    .where(
        Homework.class_group_id == bindparam("class_group_id"),
        Homework.due_on >= bindparam("monday"),
        Homework.due_on <= bindparam("saturday"),
        or_(Homework.pupil_id.is_(None), Homework.pupil_id == bindparam("pupil_id")),
        or_(Homework.subgroup_id.is_(None), Homework.subgroup_id.in_(
            select(subgroup_pupil.c.subgroup_id).where(subgroup_pupil.c.pupil_id == bindparam("pupil_id")))),
    )
    .order_by(Homework.due_on, Homework.pupil_id.is_not(None), Lesson.date, Homework.id, HomeworkFile.id)
)


def _teacher_name(last, first, middle) -> str | None:
    return short_name(last, first, middle) if last else None


def _recorded_lessons(session, pupil, monday, saturday, bells, reader,
                      now) -> list[tuple[dt.date, int, DiaryLesson]]:
    """Lessons of the pupil's classes in the week (each on the days the pupil was in it) with the
    pupil's marks and absence, and whether the secretary cancelled them, each with its date and
    teaching assignment, marks new to the reader (`reader`: {"user_id": …}) flagged: one query."""
    rows = session.connection().execute(_LESSONS, {"monday": monday, "saturday": saturday, "pupil_id": pupil.id,
                                                   **reader})
    lessons: dict[int, tuple[dt.date, int, DiaryLesson]] = {}
    since = None
    for (lesson_id, date, number, cancelled, topic, assignment_id, subject, a_last, a_first, a_middle,
         actual_id, planned_id, p_last, p_first, p_middle, room, cancelled_by_secretary,
         value, type_name, type_short, weight, comment, absence_code, absence_name, excused,
         mark_changed, seen_at, new_since) in rows:
        if not lessons and seen_at is not None:
            since = seen.new_since(seen_at, new_since, now)
        if lesson_id not in lessons:
            starts, ends = bells.get(number, (None, None))
            lessons[lesson_id] = (date, assignment_id, DiaryLesson(
                number=number, subject=subject, teacher=_teacher_name(a_last, a_first, a_middle),
                # A substitution that cancels the lesson wins over what the journal row says.
                starts_at=starts, ends_at=ends, room=room, recorded=True, cancelled=cancelled or bool(cancelled_by_secretary),
                replaces=_teacher_name(p_last, p_first, p_middle) if actual_id != planned_id else None,
                topic=topic,
                absence=DiaryAbsence(absence_code, absence_name, excused) if absence_code is not None else None,
            ))
        if value is not None:
            lessons[lesson_id][2].marks.append(DiaryMark(value, type_name, type_short, Decimal(weight), comment,
                                                         new=seen.is_new(mark_changed, since)))
    return list(lessons.values())


def _homework_due(session, pupil, monday, saturday, reader, now) -> list[tuple[dt.date, int, DiaryHomework]]:
    """The tasks due in the week for the pupil (the class's, the pupil's subgroups', the pupil's
    own) with their files, each with its due day and the teaching assignment it was given in,
    tasks new to the reader (`reader`: {"user_id": …}) flagged: one query."""
    rows = session.connection().execute(_HOMEWORK, {"class_group_id": pupil.class_group_id, "monday": monday,
                                                    "saturday": saturday, "pupil_id": pupil.id, **reader})
    tasks: dict[int, tuple[dt.date, int, DiaryHomework]] = {}
    since = None
    for (homework_id, due_on, text, pupil_id, given_on, assignment_id, subject, file_id, filename, size,
         changed_at, seen_at, new_since) in rows:
        if not tasks and seen_at is not None:
            since = seen.new_since(seen_at, new_since, now)
        if homework_id not in tasks:
            tasks[homework_id] = (due_on, assignment_id, DiaryHomework(
                id=homework_id, subject=subject, text=text, given_on=given_on, individual=pupil_id is not None,
                new=seen.is_new(changed_at, since)))
        if file_id is not None:
            tasks[homework_id][2].files.append(DiaryFile(file_id, filename, size))
    return list(tasks.values())


@dataclass(frozen=True)
class _Slot:
    """A weekly timetable slot, ready to become a planned DiaryLesson on a given date."""

    assignment_id: int
    valid_from: dt.date
    valid_to: dt.date | None
    lesson: DiaryLesson

    def valid_on(self, date: dt.date) -> bool:
        return self.valid_from <= date and (self.valid_to is None or date <= self.valid_to)

    def on(self, date: dt.date, substitutions: dict) -> DiaryLesson:
        lesson = replace(self.lesson, marks=[], homework=[])
        change = substitutions.get((self.assignment_id, date, lesson.number))
        if change:
            cancelled, substitute = change
            if cancelled:
                lesson.cancelled = True
            elif substitute:
                lesson.replaces, lesson.teacher = lesson.teacher, substitute
        return lesson


def _timetable(session, pupil, monday, saturday, bells) -> tuple[dict[int, list[_Slot]], dict]:
    """Timetable slots valid in the week by weekday, and the substitutions of their lessons in the
    week: one query.

    Substitutions are keyed (assignment id, date, lesson number) -> (cancelled, substitute name)."""
    rows = session.connection().execute(_SLOTS, {"monday": monday, "saturday": saturday,
                                                 "class_group_id": pupil.class_group_id, "pupil_id": pupil.id})
    slots: dict[int, list[_Slot]] = defaultdict(list)
    seen: set[int] = set()
    substitutions: dict = {}
    for (slot_id, weekday, number, assignment_id, valid_from, valid_to, subject, last, first, middle, room,
         date, cancelled, s_last, s_first, s_middle) in rows:
        if slot_id not in seen:
            seen.add(slot_id)
            starts, ends = bells.get(number, (None, None))
            slots[weekday].append(_Slot(
                assignment_id=assignment_id, valid_from=valid_from, valid_to=valid_to,
                lesson=DiaryLesson(number=number, subject=subject, teacher=_teacher_name(last, first, middle),
                                   starts_at=starts, ends_at=ends, room=room),
            ))
        if date is not None:
            substitutions[(assignment_id, date, number)] = (cancelled, _teacher_name(s_last, s_first, s_middle))
    return slots, substitutions
