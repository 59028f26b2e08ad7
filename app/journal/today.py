"""A teacher's day and week: the lessons the teacher gives with what the journal holds for each,
what is left to do, and, for a class teacher, today's absences in the class led. The home page
(«Сегодня», app.today) shows them as blocks (`BLOCKS`); «Моя неделя» shows `teacher_week`.

Everything is read from the calendar's Lesson rows, which carry the substitutions: Lesson.teacher_id
is the teacher who actually gives the lesson, Lesson.cancelled a cancellation
(app.timetable.substitutions writes both), and the Substitution row adds its reason. A lesson of
the timetable that the calendar has not generated yet has no journal column to open and is not
shown. Each reader runs a fixed number of statements, stated in its docstring, whatever the number
of lessons, classes and pupils.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Date, Integer, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from app.diary.week import DAYS_SHOWN, CalendarPeriod, SchoolWeek, load_periods
from app.journal import assessment, grading
from app.models import (
    Absence,
    AbsenceCode,
    AcademicYear,
    BellSchedule,
    ClassGroup,
    Lesson,
    Mark,
    PeriodMark,
    Pupil,
    Room,
    Staff,
    Subgroup,
    Subject,
    SubjectAssessment,
    Substitution,
    TeachingAssignment,
)
from app.models.journal import MARKS, UNMARKED
from app.models.people import short_name
from app.models.timetable import class_name, subgroup_pupil
from app.school import membership
from app.security import roles as R
from app.security.clauses import on_row
from app.security.scope import CLAUSES_KEPT, Scope, journal_assignments, visible
from app.today.registry import Block, day_name

TOPIC_DAYS = 14  # «lessons of the past two weeks without a topic»
TOPICS_LISTED = 20  # the rest are counted


# --- the lessons a teacher gives -------------------------------------------------------------------

@dataclass(frozen=True)
class TeacherLesson:
    """One lesson of the teacher's day or week, with what the journal holds for it."""

    id: int
    assignment_id: int
    date: dt.date
    number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    class_name: str
    subject: str
    subgroup: str | None
    room: str | None
    cancelled: bool
    substitute_for: str | None  # this teacher substitutes: the teacher of the timetable
    taken_by: str | None        # another teacher gives this teacher's lesson: the substitute
    reason: str | None          # the substitution's reason, when recorded
    topic: str | None
    marks: int
    absences: int

    @property
    def has_column(self) -> bool:
        """The journal shows a column for it (none for a cancelled lesson)."""
        return not self.cancelled

    @property
    def topic_written(self) -> bool:
        return bool(self.topic and self.topic.strip())


@lru_cache(maxsize=CLAUSES_KEPT)
def _lessons_statement(scope: Scope) -> Select:
    """The lessons from :first to :last (dates) that :staff_id gives, own or as a substitute, and
    those of :staff_id's assignments another teacher gives or that are cancelled; with bells,
    class, subject, room, the substitution and the counts of marks and absences, by date and
    number. Built once per scope."""
    staff = bindparam("staff_id", type_=Integer)
    first, last = bindparam("first", type_=Date), bindparam("last", type_=Date)
    dated = (Lesson.date >= first, Lesson.date <= last)
    # A union, one index each (ix_lesson_teacher_date; the assignment's lessons by its unique key).
    mine = union(
        select(Lesson.id).where(Lesson.teacher_id == staff, *dated),
        select(Lesson.id).where(Lesson.assignment_id.in_(
            select(TeachingAssignment.id).where(TeachingAssignment.teacher_id == staff)), *dated))
    owner, giver = aliased(Staff), aliased(Staff)
    # The counts are of the lesson's rows: every mark and absence of a lesson the teacher gives or
    # owns is within the teacher's reading scope (app.security.scope, the journal's rows).
    marks = select(func.count()).select_from(Mark).where(Mark.lesson_id == Lesson.id).scalar_subquery()
    absences = select(func.count()).select_from(Absence).where(Absence.lesson_id == Lesson.id).scalar_subquery()
    return (
        select(Lesson.id, Lesson.assignment_id, Lesson.date, Lesson.lesson_number, BellSchedule.starts_at,
               BellSchedule.ends_at, ClassGroup.grade, ClassGroup.letter, Subject.name, Subgroup.name, Room.name,
               Lesson.cancelled, Lesson.teacher_id, TeachingAssignment.teacher_id,
               owner.last_name, owner.first_name, owner.middle_name,
               giver.last_name, giver.first_name, giver.middle_name,
               Substitution.reason, Lesson.topic, marks.label("marks"), absences.label("absences"))
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(ClassGroup, ClassGroup.id == Lesson.class_group_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
        .outerjoin(Room, Room.id == Lesson.room_id)
        .outerjoin(BellSchedule, and_(BellSchedule.school_id == Lesson.school_id, BellSchedule.shift == ClassGroup.shift,
                                      BellSchedule.lesson_number == Lesson.lesson_number))
        .outerjoin(Substitution, and_(Substitution.assignment_id == Lesson.assignment_id, Substitution.date == Lesson.date,
                                      Substitution.lesson_number == Lesson.lesson_number))
        .join(owner, owner.id == TeachingAssignment.teacher_id)
        .join(giver, giver.id == Lesson.teacher_id)
        .where(Lesson.id.in_(mine), on_row(visible(scope, Lesson), Lesson))
        .order_by(Lesson.date, Lesson.lesson_number, ClassGroup.grade, ClassGroup.letter, Subject.name, Lesson.id)
    )


def teacher_lessons(session: Session, scope: Scope, first: dt.date, last: dt.date) -> list[TeacherLesson]:
    """The teacher's lessons from `first` to `last` (one statement; none without a staff row):
    the lessons the teacher gives (own, and others' as a substitute) and the teacher's own lessons
    another teacher gives or that are cancelled, by date, number and class."""
    staff = scope.staff_id
    if staff is None:
        return []
    lessons = []
    for (lesson_id, assignment_id, date, number, starts_at, ends_at, grade, letter, subject, subgroup, room,
         cancelled, giver_id, owner_id, owner_last, owner_first, owner_middle, giver_last, giver_first,
         giver_middle, reason, topic, marks, absences) in session.execute(
            _lessons_statement(scope), {"staff_id": staff, "first": first, "last": last}):
        substitute_for = taken_by = None
        if giver_id == staff and owner_id != staff:
            substitute_for = short_name(owner_last, owner_first, owner_middle)
        elif giver_id != staff:
            taken_by = short_name(giver_last, giver_first, giver_middle)
        lessons.append(TeacherLesson(
            id=lesson_id, assignment_id=assignment_id, date=date, number=number, starts_at=starts_at,
            ends_at=ends_at, class_name=class_name(grade, letter), subject=subject, subgroup=subgroup, room=room,
            cancelled=bool(cancelled), substitute_for=substitute_for, taken_by=taken_by, reason=reason, topic=topic,
            marks=marks or 0, absences=absences or 0))
    return lessons


@dataclass(frozen=True)
class TeacherDay:
    day: dt.date
    lessons: list[TeacherLesson]


def lessons_of_the_day(session: Session, scope: Scope, day: dt.date) -> TeacherDay | None:
    """The block «Уроки сегодня»: the teacher's lessons of `day` in order (one statement); None
    for a user without a staff row."""
    if scope.staff_id is None:
        return None
    return TeacherDay(day=day, lessons=teacher_lessons(session, scope, day, day))


# --- the week ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeacherWeek(SchoolWeek):
    monday: dt.date
    today: dt.date
    cells: dict[tuple[dt.date, int], list[TeacherLesson]]  # (date, lesson number) -> lessons
    numbers: tuple[int, ...]  # the rows: lesson numbers from the first to the last taught
    times: dict[int, tuple[dt.time, dt.time]]  # lesson number -> bells (of the first lesson read)

    @property
    def days(self) -> list[tuple[dt.date, str]]:
        """(date, untranslated weekday name), Monday to Saturday."""
        dates = [self.monday + dt.timedelta(days=n) for n in range(DAYS_SHOWN)]
        return [(date, day_name(date)) for date in dates]


def teacher_week(session: Session, scope: Scope, day: dt.date, today: dt.date) -> TeacherWeek:
    """The teacher's lessons of the week (Monday to Saturday) that holds `day`, as a grid of lesson
    numbers × days; `today` is marked by the page. One statement."""
    monday = day - dt.timedelta(days=day.weekday())
    lessons = teacher_lessons(session, scope, monday, monday + dt.timedelta(days=DAYS_SHOWN - 1))
    cells: dict[tuple[dt.date, int], list[TeacherLesson]] = defaultdict(list)
    times: dict[int, tuple[dt.time, dt.time]] = {}
    for lesson in lessons:
        cells[(lesson.date, lesson.number)].append(lesson)
        if lesson.starts_at is not None:
            times.setdefault(lesson.number, (lesson.starts_at, lesson.ends_at))
    numbers = tuple(range(min(1, *(n for _, n in cells)), max(n for _, n in cells) + 1)) if cells else ()
    return TeacherWeek(monday=monday, today=today, cells=dict(cells), numbers=numbers, times=times)


# --- what is left to do ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MissingTopic:
    lesson_id: int
    assignment_id: int
    date: dt.date
    number: int
    class_name: str
    subject: str
    subgroup: str | None


@dataclass(frozen=True)
class ShortPupil:
    name: str
    marks: int


@dataclass(frozen=True)
class AssignmentDue:
    """One of the teacher's assignments with results due in the closing period."""

    assignment_id: int
    class_name: str
    subject: str
    subgroup: str | None
    required: int  # marks a pupil needs («накопляемость»)
    short: tuple[ShortPupil, ...]  # pupils with fewer, by name (an exempt pupil never is)
    without_period_mark: int
    pupils: int


@dataclass(frozen=True)
class ToDo:
    day: dt.date
    missing_topics: tuple[MissingTopic, ...]  # the first TOPICS_LISTED, by date and number
    missing_total: int
    period: CalendarPeriod | None  # the period whose results are due, if any
    due: tuple[AssignmentDue, ...]  # assignments with pupils short of marks or without a period mark

    @property
    def nothing(self) -> bool:
        return not self.missing_topics and not self.due


def closing_period(periods, day: dt.date, days: int = grading.SHORTAGE_WARNING_DAYS) -> CalendarPeriod | None:
    """The study period whose results are due on `day`: the period of `day` from `days` days
    before its end (when the journal starts warning of too few marks: grading.shortage_warning_due);
    in the holidays after a period, that period for `days` days after its end while the school has
    not closed it. None otherwise. `periods`: the school's, by start."""
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period if grading.shortage_warning_due(period.ends_on, day, days) else None
    ended = [p for p in periods if p.ends_on < day <= p.ends_on + dt.timedelta(days=days) and not p.is_locked]
    return ended[-1] if ended else None


@lru_cache(maxsize=CLAUSES_KEPT)
def _missing_topics_statement(scope: Scope) -> Select:
    """The lessons :staff_id gave from :first to :last, not cancelled, without a topic; with the
    total count on every row; the first :limit by date and number."""
    a = TeachingAssignment
    return (
        select(Lesson.id, Lesson.assignment_id, Lesson.date, Lesson.lesson_number, ClassGroup.grade,
               ClassGroup.letter, Subject.name, Subgroup.name, func.count().over().label("total"))
        .join(a, a.id == Lesson.assignment_id)
        .join(ClassGroup, ClassGroup.id == Lesson.class_group_id)
        .join(Subject, Subject.id == a.subject_id)
        .outerjoin(Subgroup, Subgroup.id == a.subgroup_id)
        .where(Lesson.teacher_id == bindparam("staff_id", type_=Integer),
               Lesson.date >= bindparam("first", type_=Date), Lesson.date <= bindparam("last", type_=Date),
               Lesson.cancelled.is_(False), or_(Lesson.topic.is_(None), func.trim(Lesson.topic) == ""),
               on_row(visible(scope, Lesson), Lesson))
        .order_by(Lesson.date, Lesson.lesson_number, Lesson.id)
        .limit(bindparam("limit", type_=Integer))
    )


@lru_cache(maxsize=CLAUSES_KEPT)
def _due_statement(scope: Scope) -> Select:
    """A row per pupil of each of :staff_id's assignments in the classes of :school_id's year
    :year_id: the assignment, its class, subject and subgroup, the pupil, the count of the
    pupil's marks in the assignment's lessons from :starts_on to :ends_on, the pupil's mark for
    :period_id (NULL when none), and the school's setting of how the subject is assessed in the
    class in :period_id (NULL: the grade's default). By class, subject, subgroup and name."""
    a = TeachingAssignment
    marks = (select(func.count()).select_from(Mark).join(Lesson, Lesson.id == Mark.lesson_id)
             .where(Mark.pupil_id == Pupil.id, Lesson.assignment_id == a.id, Lesson.cancelled.is_(False),
                    Lesson.date >= bindparam("starts_on", type_=Date), Lesson.date <= bindparam("ends_on", type_=Date))
             .scalar_subquery())
    period_mark = (select(PeriodMark.value)
                   .where(PeriodMark.pupil_id == Pupil.id, PeriodMark.subject_id == a.subject_id,
                          PeriodMark.class_group_id == a.class_group_id,
                          PeriodMark.study_period_id == bindparam("period_id", type_=Integer))
                   .scalar_subquery())
    setting = (select(SubjectAssessment.mode)
               .where(SubjectAssessment.class_group_id == a.class_group_id, SubjectAssessment.subject_id == a.subject_id,
                      SubjectAssessment.study_period_id == bindparam("period_id", type_=Integer))
               .scalar_subquery())
    return (
        select(a.id, a.hours_per_week, ClassGroup.grade, ClassGroup.letter, Subject.name, Subgroup.name,
               Pupil.last_name, Pupil.first_name, marks.label("marks"), period_mark.label("period_mark"),
               setting.label("assessment"))
        .join(ClassGroup, ClassGroup.id == a.class_group_id)
        .join(Subject, Subject.id == a.subject_id)
        .outerjoin(Subgroup, Subgroup.id == a.subgroup_id)
        # The pupils in the class on the period's last day: one who has left is no longer short.
        .join(Pupil, Pupil.id.in_(membership.pupil_ids(a.class_group_id, bindparam("ends_on", type_=Date),
                                                       bindparam("ends_on", type_=Date))))
        .where(a.teacher_id == bindparam("staff_id", type_=Integer),
               ClassGroup.school_id == bindparam("school_id", type_=Integer),
               ClassGroup.academic_year_id == bindparam("year_id", type_=Integer),
               or_(a.subgroup_id.is_(None), Pupil.id.in_(
                   select(subgroup_pupil.c.pupil_id).where(subgroup_pupil.c.subgroup_id == a.subgroup_id))),
               journal_assignments(scope), visible(scope, Pupil))
        .order_by(ClassGroup.grade, ClassGroup.letter, Subject.name, Subgroup.name, a.id,
                  Pupil.last_name, Pupil.first_name, Pupil.id)
    )


def things_to_do(session: Session, scope: Scope, day: dt.date) -> ToDo | None:
    """The block «Что нужно сделать»: the lessons the teacher gave in the two weeks before `day`
    without a topic; and, while a period's results are due (`closing_period`), per assignment the
    pupils short of marks and the count without a period mark. Three statements (the school's
    periods, the lessons, the pupils; two outside a closing period); None without a staff row."""
    staff = scope.staff_id
    if staff is None or scope.school_id is None:
        return None
    rows = session.execute(_missing_topics_statement(scope), {
        "staff_id": staff, "first": day - dt.timedelta(days=TOPIC_DAYS), "last": day - dt.timedelta(days=1),
        "limit": TOPICS_LISTED}).all()
    missing = tuple(MissingTopic(lesson_id, assignment_id, date, number, class_name(grade, letter), subject, subgroup)
                    for lesson_id, assignment_id, date, number, grade, letter, subject, subgroup, _total in rows)
    period = closing_period(load_periods(session, scope.school_id), day)
    due = _results_due(session, scope, period) if period is not None else ()
    return ToDo(day=day, missing_topics=missing, missing_total=rows[0].total if rows else 0, period=period, due=due)


def _results_due(session: Session, scope: Scope, period: CalendarPeriod) -> tuple[AssignmentDue, ...]:
    """Per assignment of the teacher, its pupils' marks in `period` and period marks (one
    statement): those with something left to do. A subject taught without marks in the period
    (app.journal.assessment) has nothing due; one assessed «зачёт/незачёт» has its period results
    due but no «накопляемость»."""
    heads: dict[int, tuple] = {}
    short: dict[int, list[ShortPupil]] = defaultdict(list)
    pupils: dict[int, int] = defaultdict(int)
    unmarked: dict[int, int] = defaultdict(int)
    for (assignment_id, hours, grade, letter, subject, subgroup, last_name, first_name, marks,
         period_mark, setting) in session.execute(_due_statement(scope), {
            "staff_id": scope.staff_id, "school_id": scope.school_id, "year_id": period.academic_year_id,
            "period_id": period.id, "starts_on": period.starts_on, "ends_on": period.ends_on}):
        mode = setting or assessment.default_mode(grade)
        if mode == UNMARKED:
            continue
        heads.setdefault(assignment_id, (class_name(grade, letter), subject, subgroup, hours))
        pupils[assignment_id] += 1
        if period_mark is None:
            unmarked[assignment_id] += 1
        if mode == MARKS and grading.has_shortage(marks, hours, exempt=period_mark == grading.EXEMPT):
            short[assignment_id].append(ShortPupil(" ".join(p for p in (last_name, first_name) if p), marks))
    return tuple(
        AssignmentDue(assignment_id=assignment_id, class_name=name, subject=subject, subgroup=subgroup,
                      required=grading.required_marks(hours), short=tuple(short[assignment_id]),
                      without_period_mark=unmarked[assignment_id], pupils=pupils[assignment_id])
        for assignment_id, (name, subject, subgroup, hours) in heads.items()
        if short[assignment_id] or unmarked[assignment_id])


# --- the class teacher's class today -------------------------------------------------------------------

@dataclass(frozen=True)
class AbsenceEntry:
    number: int
    subject: str
    code: str
    code_name: str


@dataclass(frozen=True)
class AbsentPupil:
    name: str
    entries: tuple[AbsenceEntry, ...]  # by lesson number


@dataclass(frozen=True)
class LedClassDay:
    class_group_id: int
    class_name: str
    pupils: tuple[AbsentPupil, ...]  # by name


@dataclass(frozen=True)
class ClassAbsences:
    day: dt.date
    classes: tuple[LedClassDay, ...]


def class_absences(session: Session, scope: Scope, day: dt.date) -> ClassAbsences | None:
    """The block «Пропуски в классе»: for a class teacher, today's absences (and late arrivals)
    in each class led in the year of `day`, per pupil with the lessons. Two statements (the
    classes, the absences); None for a teacher who leads no class that year."""
    staff = scope.staff_id
    if staff is None:
        return None
    classes = session.execute(
        select(ClassGroup.id, ClassGroup.grade, ClassGroup.letter)
        .join(AcademicYear, AcademicYear.id == ClassGroup.academic_year_id)
        .where(ClassGroup.class_teacher_id == staff, AcademicYear.starts_on <= day, AcademicYear.ends_on >= day,
               visible(scope, ClassGroup))
        .order_by(ClassGroup.grade, ClassGroup.letter)).all()
    if not classes:
        return None
    absences: dict[int, dict[tuple, list[AbsenceEntry]]] = defaultdict(lambda: defaultdict(list))
    for class_group_id, pupil_id, last_name, first_name, number, subject, code, code_name in session.execute(
            select(Lesson.class_group_id, Pupil.id, Pupil.last_name, Pupil.first_name, Lesson.lesson_number,
                   Subject.name, Absence.code, AbsenceCode.name)
            .select_from(Absence)
            .join(Lesson, Lesson.id == Absence.lesson_id)
            .join(Pupil, Pupil.id == Absence.pupil_id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .join(AbsenceCode, AbsenceCode.code == Absence.code)
            .where(Lesson.class_group_id.in_([row.id for row in classes]), Lesson.date == day,
                   visible(scope, Absence), visible(scope, Pupil))
            .order_by(Pupil.last_name, Pupil.first_name, Pupil.id, Lesson.lesson_number)):
        name = " ".join(p for p in (last_name, first_name) if p)
        absences[class_group_id][(pupil_id, name)].append(AbsenceEntry(number, subject, code, code_name))
    return ClassAbsences(day=day, classes=tuple(
        LedClassDay(class_group_id=row.id, class_name=class_name(row.grade, row.letter), pupils=tuple(
            AbsentPupil(name=name, entries=tuple(entries)) for (_pupil_id, name), entries in absences[row.id].items()))
        for row in classes))


# The home page's blocks of a teacher (app.views.journal registers them).
BLOCKS = (
    Block("teacher-lessons", "today/_lessons.html", lessons_of_the_day, frozenset({R.TEACHER}), order=10),
    Block("teacher-to-do", "today/_to_do.html", things_to_do, frozenset({R.TEACHER}), order=20),
    Block("teacher-class-absences", "today/_class_absences.html", class_absences, frozenset({R.TEACHER}), order=30),
)
