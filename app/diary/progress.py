"""A pupil's progress: per subject the marks of a period, the weighted average, period and year
marks; the attendance summary by absence code.

The weighted average is the journal's own (`app.journal.grading.weighted_average`: weights of the
work types, 2 decimals, half-up), so the diary never shows a figure the teacher does not see. A
subject taught without marks in the period (app.journal.assessment) says so instead, and the marks
of such lessons are left out.
Four queries whatever the number of marks, with the school's calendar passed in (loading it takes
three more).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.diary.pupils import PupilCard
from app.diary.week import SchoolCalendar, load_calendar, pupil_subgroups_clause
from app.journal import assessment
from app.journal.grading import weighted_average
from app.models import Absence, AbsenceCode, Lesson, Mark, MarkType, PeriodMark, Subject, TeachingAssignment
from app.models.journal import MARKS

YEAR = "year"


@dataclass(frozen=True)
class PeriodChoice:
    """A study period of the pupil's school year (id None: the whole year)."""

    id: int | None
    name: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def key(self) -> str:
        return YEAR if self.id is None else str(self.id)


@dataclass(frozen=True)
class ProgressMark:
    date: dt.date
    value: int
    work_type: str
    work_type_short: str
    weight: Decimal


@dataclass
class SubjectProgress:
    subject_id: int
    subject: str
    marks: list[ProgressMark] = field(default_factory=list)
    average: Decimal | None = None
    period_mark: str | None = None  # of the chosen period; None for the whole year
    period_marks: dict[int, str] = field(default_factory=dict)  # study period id -> mark, all periods
    year_mark: str | None = None
    # How the subject is assessed in the chosen period (the year: app.journal.assessment.year_mode).
    assessment: str = MARKS


@dataclass(frozen=True)
class AttendanceLine:
    code: str
    name: str
    excused: bool
    counts_as_missed: bool
    lessons: int


@dataclass
class Progress:
    pupil: PupilCard
    periods: list[PeriodChoice]
    chosen: PeriodChoice | None  # None: the school has not set up its periods or the pupil has no class
    subjects: list[SubjectProgress] = field(default_factory=list)
    attendance: list[AttendanceLine] = field(default_factory=list)

    @property
    def missed_lessons(self) -> int:
        return sum(line.lessons for line in self.attendance if line.counts_as_missed)

    @property
    def missed_excused(self) -> int:
        return sum(line.lessons for line in self.attendance if line.counts_as_missed and line.excused)


# Built once with bind parameters, as the diary week's (building a statement costs more CPU than
# the database spends answering it).
_SUBJECTS = (
    select(Subject.id, Subject.name,
           assessment.settings_column(bindparam("class_group_id"), Subject.id)).distinct()
    .join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
    .where(TeachingAssignment.class_group_id == bindparam("class_group_id"),
           pupil_subgroups_clause(bindparam("pupil_id")))
)
_IN_PERIOD = (Lesson.date >= bindparam("starts_on"), Lesson.date <= bindparam("ends_on"))
_MARKS = (
    select(Subject.id, Subject.name, Lesson.date, Mark.value, MarkType.name, MarkType.short_name, MarkType.weight)
    .select_from(Mark)
    .join(Lesson, Lesson.id == Mark.lesson_id)
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .join(MarkType, MarkType.id == Mark.mark_type_id)
    .where(Mark.pupil_id == bindparam("pupil_id"), *_IN_PERIOD, assessment.lesson_marked())
    .order_by(Lesson.date, Lesson.lesson_number, Mark.position)
)
_PERIOD_MARKS = (
    select(PeriodMark.subject_id, Subject.name, PeriodMark.study_period_id, PeriodMark.value)
    .join(Subject, Subject.id == PeriodMark.subject_id)
    .where(PeriodMark.pupil_id == bindparam("pupil_id"), PeriodMark.academic_year_id == bindparam("year_id"))
)
_ATTENDANCE = (
    select(Absence.code, AbsenceCode.name, AbsenceCode.excused, AbsenceCode.counts_as_missed, func.count(Absence.id))
    .join(AbsenceCode, AbsenceCode.code == Absence.code)
    .join(Lesson, Lesson.id == Absence.lesson_id)
    .where(Absence.pupil_id == bindparam("pupil_id"), *_IN_PERIOD)
    .group_by(Absence.code, AbsenceCode.name, AbsenceCode.excused, AbsenceCode.counts_as_missed)
    .order_by(func.count(Absence.id).desc(), Absence.code)
)


def study_periods(session: Session, pupil: PupilCard, calendar: SchoolCalendar | None = None) -> list[PeriodChoice]:
    """The study periods of the pupil's school in the class's academic year, then the whole year.
    From the school's calendar (week.load_calendar), loaded here when not given."""
    if pupil.academic_year_id is None:
        return []
    calendar = calendar or load_calendar(session, pupil.school_id)
    periods = [PeriodChoice(p.id, p.name, p.starts_on, p.ends_on) for p in calendar.periods_of_year(pupil.academic_year_id)]
    return periods + [PeriodChoice(None, "", pupil.year_starts_on, pupil.year_ends_on)]


def choose_period(periods: list[PeriodChoice], key: str | None, on: dt.date) -> PeriodChoice | None:
    """The period asked for by `key` ("year" or a study period id), else the period containing
    `on`, else the last one begun before `on`, else the first. An unknown key counts as none."""
    if not periods:
        return None
    if key:
        for period in periods:
            if period.key == key:
                return period
    terms = [p for p in periods if p.id is not None] or periods
    for period in terms:
        if period.starts_on <= on <= period.ends_on:
            return period
    begun = [p for p in terms if p.starts_on <= on]
    return begun[-1] if begun else terms[0]


def build_progress(session: Session, pupil: PupilCard, period_key: str | None, on: dt.date,
                   calendar: SchoolCalendar | None = None) -> Progress:
    """Progress of `pupil` in the period `period_key` (default: the one containing `on`).

    Subjects are those the pupil's class (and subgroups) is taught, plus any subject with a mark
    or a period mark; alphabetical. The average is over the chosen period's marks only; None
    without marks. Attendance counts every absence record in the period by code; `missed_lessons`
    leaves out codes that do not count as missed (late arrival). `calendar` is the school's
    (week.load_calendar), loaded here when not given."""
    periods = study_periods(session, pupil, calendar)
    chosen = choose_period(periods, period_key, on)
    progress = Progress(pupil=pupil, periods=periods, chosen=chosen)
    if chosen is None or pupil.class_group_id is None:
        return progress

    connection = session.connection()  # Core: plain rows, without the ORM's result handling
    subjects: dict[int, SubjectProgress] = {}
    term_ids = [p.id for p in periods if p.id is not None]
    for sid, name, settings in connection.execute(
            _SUBJECTS, {"class_group_id": pupil.class_group_id, "pupil_id": pupil.id}):
        settings = assessment.parse_settings(settings)
        mode = (assessment.mode_in(settings, pupil.grade, chosen.id) if chosen.id is not None
                else assessment.year_mode(settings, pupil.grade, term_ids))
        subjects[sid] = SubjectProgress(sid, name, assessment=mode)
    unset = assessment.default_mode(pupil.grade)  # a subject no longer taught to the class
    in_period = {"pupil_id": pupil.id, "starts_on": chosen.starts_on, "ends_on": chosen.ends_on}
    for sid, name, date, value, type_name, type_short, weight in connection.execute(_MARKS, in_period):
        subject = subjects.setdefault(sid, SubjectProgress(sid, name, assessment=unset))
        subject.marks.append(ProgressMark(date, value, type_name, type_short, Decimal(weight)))
    for sid, name, period_id, value in connection.execute(
            _PERIOD_MARKS, {"pupil_id": pupil.id, "year_id": pupil.academic_year_id}):
        subject = subjects.setdefault(sid, SubjectProgress(sid, name, assessment=unset))
        if period_id is None:
            subject.year_mark = value
        else:
            subject.period_marks[period_id] = value
    for subject in subjects.values():
        subject.average = weighted_average((m.value, m.weight) for m in subject.marks)
        if chosen.id is not None:
            subject.period_mark = subject.period_marks.get(chosen.id)
    progress.subjects = sorted(subjects.values(), key=lambda s: (s.subject, s.subject_id))

    progress.attendance = [
        AttendanceLine(code, name, excused, counts_as_missed, lessons)
        for code, name, excused, counts_as_missed, lessons in connection.execute(_ATTENDANCE, in_period)
    ]
    return progress
