"""The journal grid's data: pupils × lessons of one teaching assignment and study period.

`build_grid` runs four statements whatever the number of pupils, lessons and marks (the
assignment, the lessons, the pupils, the cells): each kind of row is fetched once with a subquery
for the lessons, never per pupil or per lesson (the journal tests count them).
Every statement is filtered by the scope module; the lessons a user may write are marked by the
same scope clause.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Date, Integer, String, and_, bindparam, cast, func, null, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import CompoundSelect, Select

from app.diary.week import CalendarPeriod, load_periods
from app import clock, formats
from app.journal import assessment, grading
from app.journal.access import marks_writable_on, visible_on_lesson
from app.security.clauses import NotInScope, as_if, on_row
from app.journal.catalogue import Catalogue, Code, WorkType, load_catalogue
from app.journal.entries import lesson_pupil_ids
from app.models import (
    Absence,
    ClassGroup,
    Homework,
    Lesson,
    Mark,
    MarkType,
    PeriodMark,
    Pupil,
    Staff,
    StudyPeriod,
    Subgroup,
    Subject,
    SubjectAssessment,
    TeachingAssignment,
)
from app.models.journal import MARKS, UNMARKED
from app.models.people import short_name
from app.models.timetable import class_name, subgroup_pupil
from app.school import membership
from app.security.scope import CLAUSES_KEPT, Scope, changeable, journal_assignments, visible


@dataclass(slots=True)
class GridMark:
    position: int
    value: int
    type_id: int
    type_short: str
    weight: Decimal
    version: int


@dataclass
class GridCell:
    marks: list[GridMark] = field(default_factory=list)
    absence: str | None = None
    absence_version: int | None = None

    @property
    def text(self) -> str:
        """What the cell shows and what the teacher would type: "н", "3/5", "оп 5"."""
        marks = "/".join([str(m.value) for m in self.marks])
        if self.absence is None:
            return marks
        return f"{self.absence} {marks}" if marks else self.absence

    @property
    def known(self) -> dict:
        """The versions the client sends back with its next save of this cell."""
        return {"marks": {str(m.position): m.version for m in self.marks}, "absence": self.absence_version}

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "known": self.known,
            "marks": [{"position": m.position, "value": m.value, "type": m.type_short, "type_id": m.type_id,
                       "version": m.version} for m in self.marks],
            "absence": None if self.absence is None else {"code": self.absence, "version": self.absence_version},
        }


@dataclass
class GridLesson:
    id: int
    date: dt.date
    number: int
    topic: str | None
    homework: str | None  # the text of the task given to the lesson's class (or group), if any
    homework_count: int  # tasks given on the lesson: to the class, subgroups, pupils
    version: int
    editable: bool
    column_type_id: int | None = None
    average: Decimal | None = None
    day: str = field(init=False)  # "10.09": the column head and every cell's label

    def __post_init__(self):
        self.day = f"{self.date.day:02}.{self.date.month:02}"


@dataclass
class PeriodValue:
    value: str | None = None
    version: int | None = None


@dataclass
class PupilRow:
    id: int
    name: str
    cells: dict[int, GridCell] = field(default_factory=dict)
    average: Decimal | None = None
    mark_count: int = 0
    absences: int = 0
    period_mark: PeriodValue = field(default_factory=PeriodValue)
    proposal: str | None = None
    shortage: bool = False
    # The days the pupil was in the class (app.school.membership): the cells of other days are
    # not theirs to fill. None: not read (a summary after a save).
    member_from: dt.date | None = None
    member_to: dt.date | None = None

    def member_on(self, day: dt.date) -> bool:
        return self.member_from is None or self.member_from <= day <= self.member_to

    def summary_json(self) -> dict:
        return {"average": formats.format_average(self.average), "count": self.mark_count,
                "absences": self.absences, "proposal": self.proposal or "", "shortage": self.shortage}


@dataclass
class Grid:
    assignment: GridAssignment
    periods: list[CalendarPeriod]
    period: CalendarPeriod | None
    lessons: list[GridLesson]
    pupils: list[PupilRow]
    mark_types: tuple[WorkType, ...]
    absence_codes: tuple[Code, ...]
    period_marks_editable: bool
    required_marks: int
    shortage_due: bool
    class_average: Decimal | None = None
    mode: str = MARKS  # how the subject is assessed in the period (app.journal.assessment)
    today: dt.date | None = None
    # The column the page scrolls to: the lesson asked for, else today's first lesson, else the
    # latest lesson before today; None when every lesson is still to come.
    focus_lesson_id: int | None = None
    focus_cell: bool = False  # the lesson was asked for: its first cell takes the keyboard focus

    @property
    def marked(self) -> bool:
        """Marks, averages and «накопляемость» are kept in this period."""
        return self.mode == MARKS

    @property
    def has_period_result(self) -> bool:
        """The period takes a result: a mark, or «зач./незач.»."""
        return self.mode != UNMARKED

    @property
    def editable(self) -> bool:
        return any(lesson.editable for lesson in self.lessons)

    @property
    def locked(self) -> bool:
        return bool(self.period and self.period.is_locked)


@lru_cache(maxsize=CLAUSES_KEPT)
def _pupils_statement(scope: Scope) -> Select:
    """The pupils of :class_group_id (of :subgroup_id when it is not NULL) by name, each with the
    mark for :period_id in :subject_id (NULL when there is none or no period is given), and whether
    the user may set the class's period marks in the subject (the same on every row)."""
    subgroup_id = bindparam("subgroup_id", type_=Integer)
    period_mark = and_(PeriodMark.pupil_id == Pupil.id, PeriodMark.subject_id == bindparam("subject_id"),
                       PeriodMark.study_period_id == bindparam("period_id", type_=Integer),
                       PeriodMark.class_group_id == bindparam("class_group_id"), visible(scope, PeriodMark))
    period_marks_editable = as_if(changeable(scope, PeriodMark), PeriodMark, {
        "subject_id": bindparam("subject_id"), "class_group_id": bindparam("class_group_id")})
    # The pupils in the class on some day of :member_starts..:member_ends, with their days there.
    span = membership.spans(bindparam("class_group_id"), bindparam("member_starts", type_=Date),
                            bindparam("member_ends", type_=Date))
    return (select(Pupil.id, Pupil.last_name, Pupil.first_name, PeriodMark.value, PeriodMark.version,
                   period_marks_editable.label("period_marks_editable"), span.c.member_from, span.c.member_to)
            .join(span, span.c.pupil_id == Pupil.id)
            .outerjoin(PeriodMark, period_mark)
            .where(visible(scope, Pupil),
                   or_(subgroup_id.is_(None), Pupil.id.in_(
                       select(subgroup_pupil.c.pupil_id).where(subgroup_pupil.c.subgroup_id == subgroup_id))))
            .order_by(Pupil.last_name, Pupil.first_name, Pupil.middle_name, Pupil.id))


def _pupils_params(assignment: GridAssignment, period: CalendarPeriod | None) -> dict:
    """Without a period: the pupils of the class over its whole school year."""
    return {"class_group_id": assignment.class_group_id, "subgroup_id": assignment.subgroup_id,
            "subject_id": assignment.subject_id, "period_id": period.id if period else None,
            "member_starts": period.starts_on if period else _EVER, "member_ends": period.ends_on if period else _EVER_AFTER}


# The bounds of a grid without a period: the class's pupils of every day (a class is of one year).
_EVER, _EVER_AFTER = dt.date(1900, 1, 1), membership.OPEN_END


def _pupil_name(last_name: str, first_name: str) -> str:
    return " ".join(p for p in (last_name, first_name) if p)


class _GridStatements(NamedTuple):
    lessons: Select
    cells: CompoundSelect  # marks (by position), then absences: the code column is set on absences only


# The grid's statements are built once per scope, with bind parameters: building them costs more
# CPU than the database spends answering. They run on the session's connection (Core): their
# rows are plain tuples, and the ORM's result handling would add a third to each statement's cost.
@lru_cache(maxsize=CLAUSES_KEPT)
def _grid_statements(scope: Scope, dated: bool) -> _GridStatements:
    """`dated`: the lessons of the period from :starts_on to :ends_on (else every lesson)."""
    conditions = [Lesson.assignment_id == bindparam("assignment_id"), Lesson.cancelled.is_(False)]
    if dated:
        conditions += [Lesson.date >= bindparam("starts_on"), Lesson.date <= bindparam("ends_on")]
    # Each scope clause is checked on the lesson rows the statement reads (`on_row`): as a subquery
    # of lesson ids it would join every lesson a second time.
    homework = (Homework.lesson_id == Lesson.id, visible_on_lesson(scope, Homework))
    homework_text = (select(Homework.text).where(*homework, Homework.pupil_id.is_(None))
                     .order_by(Homework.subgroup_id.is_not(None), Homework.id).limit(1).scalar_subquery())
    homework_count = select(func.count(Homework.id)).where(*homework).scalar_subquery()
    lessons = (select(Lesson.id, Lesson.date, Lesson.lesson_number, Lesson.topic, homework_text, homework_count,
                      Lesson.version, marks_writable_on(scope).label("editable"))
               .where(*conditions, on_row(visible(scope, Lesson), Lesson)).order_by(Lesson.date, Lesson.lesson_number))
    marks = select(Mark.lesson_id, Mark.pupil_id, Mark.position, Mark.value, Mark.mark_type_id,
                   cast(null(), String).label("code"), Mark.version).where(
        Mark.lesson_id.in_(select(Lesson.id).where(*conditions, visible_on_lesson(scope, Mark))))
    absences = select(Absence.lesson_id, Absence.pupil_id, cast(null(), Integer), cast(null(), Integer),
                      cast(null(), Integer), Absence.code, Absence.version).where(
        Absence.lesson_id.in_(select(Lesson.id).where(*conditions, visible_on_lesson(scope, Absence))))
    return _GridStatements(lessons, union_all(marks, absences).order_by("position"))


def _default_period(session: Session, periods: list[CalendarPeriod], assignment_id: int, today: dt.date):
    """The period of today; else the period of the last lesson with a topic or a mark; else the first."""
    period = period_of_date(periods, today)
    if period is not None:
        return period
    last = session.scalar(select(func.max(Lesson.date)).where(
        Lesson.assignment_id == assignment_id,
        or_(Lesson.topic.is_not(None), select(Mark.id).where(Mark.lesson_id == Lesson.id).exists())))
    for period in periods:
        if last and period.starts_on <= last <= period.ends_on:
            return period
    return periods[0] if periods else None


@dataclass(frozen=True, slots=True)
class GridAssignment:
    """What the journal pages need of a teaching assignment: its keys and its heading."""
    id: int
    class_group_id: int
    subject_id: int
    subgroup_id: int | None
    hours_per_week: int
    school_id: int
    academic_year_id: int
    class_name: str
    subject_name: str
    subgroup_name: str | None
    teacher_name: str | None
    grade: int = 0
    # The school's settings of the class and subject: (study period id, mode) pairs.
    assessment: tuple[tuple[int, str], ...] = ()

    def mode_in(self, period_id: int | None) -> str:
        """How the subject is assessed in the period (None: no period, the grade's default)."""
        return assessment.mode_in(dict(self.assessment), self.grade, period_id)


@lru_cache(maxsize=CLAUSES_KEPT)
def _assignment_statement(scope: Scope) -> Select:
    """The assignment :assignment_id with its class, subject, teacher and subgroup, and the
    school's settings of how the subject is assessed in the class, if in scope.
    Built once per scope like the grid's, and read as rows: the ORM's objects cost twice what
    the database spends on them."""
    return (select(TeachingAssignment.id, TeachingAssignment.class_group_id, TeachingAssignment.subject_id,
                   TeachingAssignment.subgroup_id, TeachingAssignment.hours_per_week, ClassGroup.school_id,
                   ClassGroup.academic_year_id, ClassGroup.grade, ClassGroup.letter, Subject.name, Subgroup.name,
                   Staff.last_name, Staff.first_name, Staff.middle_name,
                   assessment.settings_column(TeachingAssignment.class_group_id, TeachingAssignment.subject_id))
            .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
            .outerjoin(Staff, Staff.id == TeachingAssignment.teacher_id)
            .where(TeachingAssignment.id == bindparam("assignment_id"), journal_assignments(scope, by_id=True)))


def load_assignment(session: Session, scope: Scope, assignment_id: int) -> GridAssignment:
    """The assignment with its class, subject, subgroup and teacher in one statement, or NotInScope."""
    row = session.connection().execute(_assignment_statement(scope), {"assignment_id": assignment_id}).first()
    if row is None:
        raise NotInScope(f"teaching_assignment {assignment_id}")
    (id_, class_group_id, subject_id, subgroup_id, hours_per_week, school_id, academic_year_id, grade, letter,
     subject_name, subgroup_name, last_name, first_name, middle_name, settings) = row
    return GridAssignment(
        id=id_, class_group_id=class_group_id, subject_id=subject_id, subgroup_id=subgroup_id,
        hours_per_week=hours_per_week, school_id=school_id, academic_year_id=academic_year_id,
        class_name=class_name(grade, letter), subject_name=subject_name, subgroup_name=subgroup_name,
        teacher_name=short_name(last_name, first_name, middle_name) if last_name is not None else None,
        grade=grade, assessment=tuple(sorted(assessment.parse_settings(settings).items())))


PeriodsOf = Callable[[int], tuple[CalendarPeriod, ...]]  # school id -> the school's study periods


def school_periods(session: Session, class_group: ClassGroup | GridAssignment,
                   periods_of: PeriodsOf | None = None) -> list[CalendarPeriod]:
    """The study periods of the class's school and year (an assignment's: its class's), by start.
    `periods_of`: the caller's kept periods of a school (None: read them here)."""
    of_school = (periods_of or (lambda school_id: load_periods(session, school_id)))(class_group.school_id)
    return [p for p in of_school if p.academic_year_id == class_group.academic_year_id]


def build_grid(session: Session, scope: Scope, assignment_id: int, period_id: int | None = None,
               today: dt.date | None = None, catalogue: Catalogue | None = None,
               periods_of: PeriodsOf | None = None, lesson_id: int | None = None) -> Grid:
    """Everything the grid page shows for one assignment and study period (NotInScope -> 404).

    `lesson_id`: open at that lesson of the assignment (a link to its column): the period is the
    lesson's (`period_id` is then not read) and the lesson is the focus; one statement more, and
    NotInScope when the lesson is not the assignment's or not the user's to see.
    `catalogue`, `periods_of` (school id -> the school's study periods): the caller's, when it
    keeps them (None: read them here)."""
    today = today or clock.today()
    assignment = load_assignment(session, scope, assignment_id)
    periods = school_periods(session, assignment, periods_of)
    if lesson_id is not None:
        period = period_of_date(periods, _lesson_date(session, scope, assignment_id, lesson_id))
    else:
        period = _chosen_period(session, periods, assignment_id, period_id, today)

    catalogue = catalogue or load_catalogue(session)
    mark_types, absence_codes = catalogue.mark_types, catalogue.absence_codes

    statements = _grid_statements(scope, dated=period is not None)
    params = {"assignment_id": assignment_id, **_pupils_params(assignment, period)}
    if period is not None:
        params.update(starts_on=period.starts_on, ends_on=period.ends_on)
    connection = session.connection()
    lessons = _read_lessons(connection, statements, params)
    pupils, period_marks_editable = _read_pupils(connection, scope, params)
    column_types, column_values, weighted = _fill_pupil_cells(connection, statements, params, pupils, catalogue)
    mode = assignment.mode_in(period.id if period else None)
    if mode != MARKS:
        # Taught without marks: no averages, no proposals, no «накопляемость» (a mark entered
        # before the school said so still shows in its cell, counted nowhere).
        column_values, weighted = {}, {}
    _sum_up_columns(lessons, column_types, column_values, mark_types)

    required = grading.required_marks(assignment.hours_per_week)
    shortage_due = bool(period) and mode == MARKS and grading.shortage_warning_due(period.ends_on, today)
    _sum_up_pupils(pupils, weighted, assignment.hours_per_week, shortage_due)
    averages = [r.average for r in pupils if r.average is not None]
    class_average = grading.weighted_average((a, 1) for a in averages) if averages else None

    focus = focus_lesson(lessons, today, lesson_id)
    return Grid(assignment=assignment, periods=periods, period=period, lessons=lessons, pupils=pupils,
                mark_types=mark_types, absence_codes=absence_codes, period_marks_editable=bool(period_marks_editable),
                required_marks=required, shortage_due=shortage_due, class_average=class_average, mode=mode,
                today=today, focus_lesson_id=focus, focus_cell=focus is not None and focus == lesson_id)


def focus_lesson(lessons: list[GridLesson], today: dt.date, asked: int | None = None) -> int | None:
    """The lesson the grid opens at: `asked` when it is a column of the grid; else the first
    lesson of `today`; else the latest lesson before today; None when all are still to come.
    `lessons` by date and number."""
    if asked is not None and any(lesson.id == asked for lesson in lessons):
        return asked
    latest = None
    for lesson in lessons:
        if lesson.date == today:
            return lesson.id
        if lesson.date < today:
            latest = lesson.id
    return latest


def period_of_date(periods: list[CalendarPeriod], day: dt.date) -> CalendarPeriod | None:
    """The period that holds `day`, or None (`periods` of one school year)."""
    return next((p for p in periods if p.starts_on <= day <= p.ends_on), None)


def current_period(periods: list[CalendarPeriod], today: dt.date) -> CalendarPeriod | None:
    """The period a page opens on when none is asked for: today's; between two periods (the
    holidays) or after the last, the latest that has begun; before the first, the first. None
    without periods. `periods` by start."""
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


@lru_cache(maxsize=CLAUSES_KEPT)
def _lesson_date_statement(scope: Scope) -> Select:
    return select(Lesson.date).where(Lesson.id == bindparam("lesson_id"), Lesson.assignment_id == bindparam("assignment_id"),
                                     on_row(visible(scope, Lesson), Lesson))


def _lesson_date(session: Session, scope: Scope, assignment_id: int, lesson_id: int) -> dt.date:
    """The date of the assignment's lesson `lesson_id` the user sees, or NotInScope."""
    day = session.connection().execute(_lesson_date_statement(scope),
                                       {"lesson_id": lesson_id, "assignment_id": assignment_id}).scalar()
    if day is None:
        raise NotInScope(f"lesson {lesson_id}")
    return day


def _chosen_period(session: Session, periods: list[CalendarPeriod], assignment_id: int, period_id: int | None,
                   today: dt.date):
    """The period asked for (NotInScope when it is not the assignment's), else the default one."""
    if period_id is None:
        return _default_period(session, periods, assignment_id, today)
    period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        raise NotInScope(f"study_period {period_id}")
    return period


def _read_lessons(connection, statements: _GridStatements, params: dict) -> list[GridLesson]:
    return [
        GridLesson(id=lesson_id, date=date, number=number, topic=topic, homework=homework,
                   homework_count=homework_count or 0, version=version, editable=bool(editable))
        for lesson_id, date, number, topic, homework, homework_count, version, editable
        in connection.execute(statements.lessons, params).all()
    ]


def _read_pupils(connection, scope: Scope, params: dict) -> tuple[list[PupilRow], bool]:
    """The grid's pupils with their period marks, and whether period marks may be written (the
    same on every row)."""
    pupils, period_marks_editable = [], False
    for pupil_id, last_name, first_name, value, version, period_marks_editable, member_from, member_to \
            in connection.execute(_pupils_statement(scope), params).all():
        pupils.append(PupilRow(id=pupil_id, name=_pupil_name(last_name, first_name),
                               period_mark=PeriodValue(value, version) if version is not None else PeriodValue(),
                               member_from=member_from, member_to=member_to))
    return pupils, period_marks_editable


def _fill_pupil_cells(connection, statements: _GridStatements, params: dict, pupils: list[PupilRow],
                catalogue: Catalogue) -> tuple[dict, dict, dict]:
    """Fill the pupils' cells and absence counts; returns by lesson id the work types and the
    values of the column's marks as read, and by pupil id the (value, weight) of their marks."""
    missed, types = catalogue.missed, catalogue.types
    column_types: dict[int, list[int]] = defaultdict(list)
    column_values: dict[int, list[int]] = defaultdict(list)
    weighted: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    rows = {p.id: p for p in pupils}
    cells = connection.execute(statements.cells, params).all()
    for lesson_id, pupil_id, position, value, type_id, code, version in cells:
        row = rows.get(pupil_id)
        if row is None:
            continue  # a pupil who has left the class keeps the marks; they are not in this grid
        cells = row.cells
        cell = cells.get(lesson_id)
        if cell is None:
            cell = cells[lesson_id] = GridCell([])
        if code is not None:
            cell.absence, cell.absence_version = code, version
            if code in missed:
                row.absences += 1
            continue
        kind = types[type_id]
        cell.marks.append(GridMark(position, value, type_id, kind.short_name, kind.weight, version))
        weighted[pupil_id].append((value, kind.weight))
        column_types[lesson_id].append(type_id)
        column_values[lesson_id].append(value)
    return column_types, column_values, weighted


def _sum_up_columns(lessons: list[GridLesson], column_types: dict, column_values: dict, mark_types) -> None:
    """Each column's work type and its plain (unweighted) average."""
    default_type = next((t.id for t in mark_types if t.is_default), mark_types[0].id if mark_types else None)
    for lesson in lessons:
        read = column_types.get(lesson.id)
        # The most frequent work type of the column (the first read on a tie).
        counted = Counter(read) if read else None
        lesson.column_type_id = max(counted, key=counted.get) if counted else default_type
        values = column_values.get(lesson.id)
        if values:
            lesson.average = grading.weighted_average((v, 1) for v in values)


def _sum_up_pupils(pupils: list[PupilRow], weighted: dict, hours_per_week: int, shortage_due: bool) -> None:
    """Each pupil's weighted average, mark count, proposed period mark and shortage flag."""
    for row in pupils:
        row.average = grading.weighted_average(weighted.get(row.id, []))
        row.mark_count = len(weighted.get(row.id, []))
        row.proposal = grading.propose_period_mark(row.average)
        row.shortage = shortage_due and grading.has_shortage(row.mark_count, hours_per_week,
                                                             exempt=row.period_mark.value == grading.EXEMPT)


def written_cell(state, catalogue: Catalogue) -> GridCell:
    """The cell a save has just written (an entries.CellState), as the grid shows it."""
    types = catalogue.types
    cell = GridCell(marks=[GridMark(position, value, type_id, types[type_id].short_name, types[type_id].weight, version)
                           for position, value, type_id, version in state.marks])
    if state.absence is not None:
        cell.absence, cell.absence_version = state.absence
    return cell


def cell_state(session: Session, scope: Scope, lesson_id: int, pupil_id: int) -> GridCell:
    """One cell as the grid shows it, read back (to refresh a stale cell)."""
    if session.scalar(select(Lesson.id).where(Lesson.id == lesson_id, visible(scope, Lesson))) is None:
        raise NotInScope(f"lesson {lesson_id}")
    return _read_cells(session, scope, lesson_id, {pupil_id: GridCell()}, Mark.pupil_id == pupil_id,
                       Absence.pupil_id == pupil_id)[pupil_id]


def column_cells(session: Session, scope: Scope, lesson_id: int) -> dict[int, GridCell]:
    """Every cell of a lesson's column by pupil id, the pupils the lesson is for, read back (to
    refresh a column after a stale fill or absentees save)."""
    lesson = session.scalar(select(Lesson).where(Lesson.id == lesson_id, visible(scope, Lesson)))
    if lesson is None:
        raise NotInScope(f"lesson {lesson_id}")
    cells = {pupil_id: GridCell() for pupil_id in lesson_pupil_ids(session, lesson)}
    return _read_cells(session, scope, lesson_id, cells, Mark.pupil_id.in_(cells), Absence.pupil_id.in_(cells))


def _read_cells(session: Session, scope: Scope, lesson_id: int, cells: dict[int, GridCell], marks_of, absences_of):
    """Fill `cells` (pupil id -> empty GridCell) with the lesson's marks and absences the user
    may see, of the pupils `marks_of` and `absences_of` select."""
    for m in session.execute(
            select(Mark.pupil_id, Mark.position, Mark.value, Mark.mark_type_id, MarkType.short_name, MarkType.weight,
                   Mark.version)
            .join(MarkType, MarkType.id == Mark.mark_type_id)
            .where(Mark.lesson_id == lesson_id, marks_of, visible(scope, Mark)).order_by(Mark.position)):
        cells[m.pupil_id].marks.append(GridMark(m.position, m.value, m.mark_type_id, m.short_name, m.weight, m.version))
    for absence in session.execute(select(Absence.pupil_id, Absence.code, Absence.version).where(
            Absence.lesson_id == lesson_id, absences_of, visible(scope, Absence))):
        cell = cells[absence.pupil_id]
        cell.absence, cell.absence_version = absence.code, absence.version
    return cells


def pupil_summary(session: Session, scope: Scope, assignment_id: int, period_id: int | None, pupil_id: int,
                  catalogue: Catalogue, today: dt.date | None = None, known_period=None) -> PupilRow:
    """A pupil's average, count of marks and absences in the grid's period (after a save): one
    statement, the marks coming back as one string "value:type,value:type".

    `known_period`: the period (id, starts_on, ends_on) the caller has already read, used when it
    is the one asked for."""
    today = today or clock.today()
    if known_period is not None and known_period.id == period_id:
        period = known_period
    else:
        period = session.get(StudyPeriod, period_id) if period_id else None
    dates = {"starts_on": period.starts_on, "ends_on": period.ends_on} if period is not None else {}
    if period is not None:
        dates["period_id"] = period.id
    found = session.execute(_summary_statement(scope, tuple(sorted(catalogue.missed)), period is not None),
                            {"assignment_id": assignment_id, "pupil_id": pupil_id, **dates}).first()
    if found is None:
        raise NotInScope(f"teaching_assignment {assignment_id}")
    hours_per_week, mark_list, absence_count, grade, setting = found
    row = PupilRow(id=pupil_id, name="")
    row.absences = absence_count or 0
    if (setting or assessment.default_mode(grade)) == MARKS:  # else no figures of marks, as the grid
        _sum_up_marks(row, mark_list, catalogue, hours_per_week, period.ends_on if period else None, today)
    return row


def _sum_up_marks(row: PupilRow, mark_list: str | None, catalogue: Catalogue, hours_per_week,
                  period_ends_on: dt.date | None, today: dt.date) -> None:
    """A summary's average, count, proposal and shortage from its marks "value:type,value:type"."""
    types = catalogue.types
    values = [pair.split(":") for pair in mark_list.split(",")] if mark_list else []
    row.average = grading.weighted_average((int(value), types[int(type_id)].weight) for value, type_id in values)
    row.mark_count = len(values)
    row.proposal = grading.propose_period_mark(row.average)
    if period_ends_on is not None:
        row.shortage = grading.shortage_warning_due(period_ends_on, today) and grading.has_shortage(
            row.mark_count, hours_per_week)


@lru_cache(maxsize=CLAUSES_KEPT)
def _summary_statement(scope: Scope, missed: tuple[str, ...], dated: bool):
    """The statement of `pupil_summary`, built once per scope."""
    # The scope clauses are checked on the lesson rows read, as the grid's are.
    lessons = [Lesson.assignment_id == bindparam("assignment_id"), Lesson.cancelled.is_(False),
               on_row(visible(scope, Lesson), Lesson)]
    if dated:
        lessons += [Lesson.date >= bindparam("starts_on"), Lesson.date <= bindparam("ends_on")]
    pupil_id = bindparam("pupil_id")
    marks = (select(func.aggregate_strings(cast(Mark.value, String) + ":" + cast(Mark.mark_type_id, String), ","))
             .where(Mark.pupil_id == pupil_id,
                    Mark.lesson_id.in_(select(Lesson.id).where(*lessons, visible_on_lesson(scope, Mark))))
             .scalar_subquery())
    absences = (select(func.count()).select_from(Absence)
                .where(Absence.pupil_id == pupil_id, Absence.code.in_(missed),
                       Absence.lesson_id.in_(select(Lesson.id).where(*lessons, visible_on_lesson(scope, Absence))))
                .scalar_subquery())
    grade = select(ClassGroup.grade).where(ClassGroup.id == TeachingAssignment.class_group_id).scalar_subquery()
    # The school's setting for the grid's period (none without a period: the grade's default).
    setting = (select(SubjectAssessment.mode).where(
        SubjectAssessment.class_group_id == TeachingAssignment.class_group_id,
        SubjectAssessment.subject_id == TeachingAssignment.subject_id,
        SubjectAssessment.study_period_id == bindparam("period_id")).scalar_subquery()
        if dated else null())
    return select(TeachingAssignment.hours_per_week, marks, absences, grade, setting).where(
        TeachingAssignment.id == bindparam("assignment_id"), journal_assignments(scope, by_id=True))


# --- the year view: period marks and the year mark -------------------------------------------------

@dataclass
class YearRow:
    id: int
    name: str
    period_marks: dict[int, PeriodValue] = field(default_factory=dict)
    year_mark: PeriodValue = field(default_factory=PeriodValue)
    proposal: str | None = None


@dataclass
class YearGrid:
    assignment: GridAssignment
    periods: list[CalendarPeriod]
    pupils: list[YearRow]
    editable: bool
    locked: bool
    mode: str = MARKS  # how the year result is given (app.journal.assessment.year_mode)

    @property
    def has_year_result(self) -> bool:
        return self.mode != UNMARKED


def build_year(session: Session, scope: Scope, assignment_id: int, periods_of: PeriodsOf | None = None) -> YearGrid:
    """Period marks of the year per pupil, the year mark and its proposal (constant queries); the
    year marks are editable as the period marks are (the pupils' statement says so on every row)."""
    assignment = load_assignment(session, scope, assignment_id)
    periods = school_periods(session, assignment, periods_of)
    pupils, editable = [], False
    for pupil_id, last_name, first_name, _value, _version, editable, _from, _to in session.connection().execute(
            _pupils_statement(scope), _pupils_params(assignment, None)).all():
        pupils.append(YearRow(id=pupil_id, name=_pupil_name(last_name, first_name)))
    rows = {p.id: p for p in pupils}
    for pm in session.execute(
            select(PeriodMark.pupil_id, PeriodMark.study_period_id, PeriodMark.value, PeriodMark.version).where(
                PeriodMark.subject_id == assignment.subject_id, PeriodMark.class_group_id == assignment.class_group_id,
                PeriodMark.academic_year_id == assignment.academic_year_id, visible(scope, PeriodMark))):
        row = rows.get(pm.pupil_id)
        if row is None:
            continue
        if pm.study_period_id is None:
            row.year_mark = PeriodValue(pm.value, pm.version)
        else:
            row.period_marks[pm.study_period_id] = PeriodValue(pm.value, pm.version)
    for row in pupils:
        row.proposal = grading.propose_year_mark(pm.value for pm in row.period_marks.values())
    locked = bool(periods) and periods[-1].is_locked
    mode = assessment.year_mode(dict(assignment.assessment), assignment.grade, [p.id for p in periods])
    if mode == UNMARKED:
        for row in pupils:
            row.proposal = None
    return YearGrid(assignment=assignment, periods=periods, pupils=pupils, editable=bool(editable), locked=locked,
                    mode=mode)
