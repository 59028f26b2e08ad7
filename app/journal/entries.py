"""Every write to the journal: one function per write, one transaction each, each change audited.

Each function takes the session, the user's Scope, the Actor (who and from where) and the
values; it checks scope, class membership, the scale and locked periods, refuses stale versions
(optimistic locking on `version`), writes one JournalChange row per changed row and commits.
Anything refused raises DomainError (Russian message) after a rollback: nothing half-written.

No lost update: every write to a lesson's cells first locks that lesson's row
(SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers anyway), then compares the
versions the client saw with the current ones. Updates and deletes are also conditional on the
version, and a concurrent insert into the same cell position hits the unique constraint — each of
these answers StaleVersion instead of overwriting.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, delete, exists, func, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock, formats
from app.errors import DomainError
from app.journal import assessment
from app.journal.access import marks_writable_on, open_assignment
from app.security.clauses import NotInScope, as_if, on_row, would_be_changeable
from app.journal.catalogue import Catalogue, WorkType, load_catalogue
from app.models import (
    Absence,
    ClassMembership,
    JournalChange,
    Lesson,
    Mark,
    PeriodMark,
    Pupil,
    StudyPeriod,
    TeachingAssignment,
)
from app.models.journal import MARK_VALUES, MARKS, PERIOD_MARK_VALUES
from app.models.timetable import subgroup_pupil
from app.school import membership
from app.security import roles as R
from app.security.scope import CLAUSES_KEPT, Scope, changeable, journal_assignments, visible
from app.i18n import _
from app.textinput import clean_column

MAX_MARKS_PER_CELL = 5
# A mark as typed: compared as text, since int() refuses a string of more than 4,300 digits (and
# «²», which isdigit() accepts) with a ValueError instead of our refusal.
MARK_TEXTS = {str(value): value for value in MARK_VALUES}
SHOWN_TOKEN = 20  # characters of a refused token quoted back to the user
CORRECTING_ROLES = (R.ADMIN, R.SCHOOL_ADMIN)


@dataclass(frozen=True)
class Actor:
    """Who makes a change and from which address (for the change history)."""

    user_id: int | None
    user_name: str
    ip_address: str | None = None

    @classmethod
    def of(cls, user, ip_address: str | None) -> "Actor":
        """The signed-in user as the history names them: «Фамилия Имя (login)», or the login."""
        name = " ".join(p for p in (getattr(user, "last_name", ""), getattr(user, "first_name", "")) if p)
        return cls(user_id=user.id, user_name=f"{name} ({user.username})" if name else user.username,
                   ip_address=ip_address)


class StaleVersion(DomainError):
    """The row changed since the client read it; the client must refresh the cell."""

    def __init__(self):
        super().__init__(_("Отметку уже изменил другой пользователь, клетка обновлена"), code="stale")


@dataclass
class CellKnown:
    """What the client last saw in a cell: mark position -> version, and the absence's version."""

    marks: dict[int, int] = field(default_factory=dict)
    absence: int | None = None


@dataclass
class ParsedCell:
    marks: list[int]
    absence: str | None


@dataclass
class CellState:
    """A cell as it stands after a write: marks as (position, value, type id, version) by
    position, the absence as (code, version) or None, and whether anything changed."""

    changed: bool
    marks: list[tuple[int, int, int, int]]
    absence: tuple[str, int] | None


@dataclass(frozen=True)
class PeriodDates:
    """A study period's id and dates, still readable after the commit has expired the row."""

    id: int
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class SavedCell:
    """What `save_cell` wrote, with what the reply needs to show it without reading it back."""

    state: CellState
    catalogue: Catalogue
    period: PeriodDates | None


# --- parsing ----------------------------------------------------------------------------------

def _shown(token: str) -> str:
    return token if len(token) <= SHOWN_TOKEN else token[:SHOWN_TOKEN] + "…"


def parse_cell(text: str, absence_codes: set[str]) -> ParsedCell:
    """"5", "3/5", "н", "оп 5", "" -> marks and absence code. Refuses anything else in Russian."""
    tokens = [t for t in re.split(r"[\s/,;]+", (text or "").strip().lower()) if t]
    marks: list[int] = []
    absence = None
    for token in tokens:
        if token.isdigit():
            if token.lstrip("0") not in MARK_TEXTS:  # «05» is a 5, as int() read it
                raise DomainError(_("«%(value)s» — не отметка: введите 2, 3, 4 или 5, либо код пропуска (%(codes)s).",
                                    value=_shown(token), codes=", ".join(sorted(absence_codes))))
            marks.append(MARK_TEXTS[token.lstrip("0")])
        elif token in absence_codes:
            if absence:
                raise DomainError(_("В клетке может быть только один код пропуска."))
            absence = token
        else:
            raise DomainError(_("«%(value)s» не распознано: введите отметку 2, 3, 4, 5 или код пропуска (%(codes)s).",
                                value=_shown(token), codes=", ".join(sorted(absence_codes))))
    if len(marks) > MAX_MARKS_PER_CELL:
        raise DomainError(_("В одной клетке не больше %(n)s отметок.", n=MAX_MARKS_PER_CELL))
    return ParsedCell(marks, absence)


# --- shared checks ----------------------------------------------------------------------------

def _lesson_for_write(session: Session, scope: Scope, lesson_id: int) -> Lesson:
    """The lesson, locked for the rest of the transaction; NotInScope when the user cannot see it."""
    lesson = session.scalar(
        select(Lesson).where(Lesson.id == lesson_id, visible(scope, Lesson)).with_for_update()
    )
    if lesson is None:
        raise NotInScope(f"lesson {lesson_id}")
    return lesson


@dataclass
class _CellTarget:
    lesson: Lesson
    writable: bool
    pupil_class_id: int | None
    subgroup_id: int | None
    in_subgroup: bool
    period: StudyPeriod | None
    in_journal: bool
    mode: str  # how the lesson's subject is assessed (app.journal.assessment)


def _cell_target(session: Session, scope: Scope, lesson_id: int, pupil_id: int,
                 assignment_id: int | None) -> _CellTarget:
    """The lesson, locked, with everything a cell save checks, in one query: may the user write
    marks of this pupil on it (the Mark scope clause on the lesson row), the pupil's class, the
    assignment's subgroup and the pupil's membership, the study period of the lesson's date,
    whether the lesson is one of the journal `assignment_id` the user may open (None: not asked),
    and how the lesson's subject is assessed. NotInScope when the user cannot see the lesson."""
    row = session.execute(_cell_target_statement(scope),
                          {"lesson_id": lesson_id, "pupil_id": pupil_id, "assignment_id": assignment_id}).first()
    if row is None:
        raise NotInScope(f"lesson {lesson_id}")
    lesson, writable, pupil_class, subgroup_id, member, period, journal_open, mode = row
    in_journal = assignment_id is None or (bool(journal_open) and lesson.assignment_id == assignment_id)
    return _CellTarget(lesson, bool(writable), pupil_class, subgroup_id, bool(member), period, in_journal, mode)


@lru_cache(maxsize=CLAUSES_KEPT)
def _cell_target_statement(scope: Scope):
    """Built once per scope (rewriting the scope clause onto the lesson row costs milliseconds)."""
    pupil_id = bindparam("pupil_id", type_=Mark.pupil_id.type)
    writable = on_row(as_if(changeable(scope, Mark), Mark, {"lesson_id": Lesson.id, "pupil_id": pupil_id}), Lesson)
    # The class the pupil was in on the lesson's day, if it is the lesson's (None: another, or none).
    pupil_class = case((membership.member_on(pupil_id, Lesson.class_group_id, Lesson.date), Lesson.class_group_id),
                       else_=null())
    member = exists().where(subgroup_pupil.c.subgroup_id == TeachingAssignment.subgroup_id,
                            subgroup_pupil.c.pupil_id == pupil_id)
    # May the user open the journal the save comes from: the clause grid.pupil_summary reads the
    # reply's summary with, on its own assignment row (not correlated to the lesson's).
    assignment_id = bindparam("assignment_id", type_=Lesson.assignment_id.type)
    journal_open = exists(select(TeachingAssignment.id).where(
        TeachingAssignment.id == assignment_id, journal_assignments(scope, by_id=True))).correlate_except(TeachingAssignment)
    return (
        select(Lesson, writable, pupil_class, TeachingAssignment.subgroup_id, member, StudyPeriod, journal_open,
               assessment.lesson_mode())
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .outerjoin(StudyPeriod, and_(StudyPeriod.school_id == Lesson.school_id, StudyPeriod.starts_on <= Lesson.date,
                                     StudyPeriod.ends_on >= Lesson.date))
        .where(Lesson.id == bindparam("lesson_id"), visible(scope, Lesson))
        .with_for_update(of=Lesson)
    )


def _check_marks_writable(session: Session, scope: Scope, lesson: Lesson) -> None:
    _refuse_unless_writable(lesson, would_be_changeable(session, scope, Mark, lesson_id=lesson.id))


def _refuse_unless_writable(lesson: Lesson, writable: bool) -> None:
    if not writable:
        raise DomainError(_("Этот журнал вы можете только просматривать: отметки ставит учитель, который ведёт урок."))
    if lesson.cancelled:
        raise DomainError(_("Урок %(date)s отменён: отметки и пропуски за него не ставятся.",
                            date=formats.format_date(lesson.date)))


def _check_not_future(lesson: Lesson, today: dt.date | None) -> None:
    if today is not None and lesson.date > today:
        raise DomainError(_("Урок %(date)s ещё не прошёл: отметки и пропуски ставятся в день урока или позже.",
                            date=formats.format_date(lesson.date)))


def period_of(session: Session, school_id: int, day: dt.date) -> StudyPeriod | None:
    return session.scalar(
        select(StudyPeriod).where(StudyPeriod.school_id == school_id, StudyPeriod.starts_on <= day,
                                  StudyPeriod.ends_on >= day)
    )


def _check_lock(scope: Scope, period: StudyPeriod | None, reason: str | None) -> str | None:
    """Refuse teachers in a locked period; the administration may correct with a reason.

    Returns the reason to record (stripped) or None."""
    reason = clean_column(JournalChange.reason, reason, field=_("Причина исправления"))
    if period is None or not period.is_locked:
        return reason
    if scope.role in CORRECTING_ROLES:
        if not reason:
            raise DomainError(_("Период «%(name)s» закрыт. Чтобы исправить запись, укажите причину исправления.",
                                name=period.name))
        return reason
    raise DomainError(_("Период «%(name)s» закрыт администрацией: изменения в нём не принимаются. "
                        "Для исправления обратитесь к администрации школы.", name=period.name))


def _check_pupil_of_lesson(target: _CellTarget) -> None:
    if target.pupil_class_id is None or target.pupil_class_id != target.lesson.class_group_id:
        raise DomainError(_("Ученик не числится в классе этого урока на %(date)s: отметка не сохранена.",
                            date=formats.format_date(target.lesson.date)))
    if target.subgroup_id is not None and not target.in_subgroup:
        raise DomainError(_("Ученик не входит в подгруппу этого урока: отметка не сохранена."))


def _audit(session: Session, actor: Actor, *, school_id: int, entity: str, action: str,
           entity_id: int | None = None, lesson_id: int | None = None, pupil_id: int | None = None,
           old: str | None = None, new: str | None = None, reason: str | None = None) -> None:
    session.add(JournalChange(
        school_id=school_id, entity=entity, entity_id=entity_id, action=action, lesson_id=lesson_id,
        pupil_id=pupil_id, old_value=old, new_value=new, reason=reason, user_id=actor.user_id,
        user_name=actor.user_name[:200], ip_address=(actor.ip_address or None) and actor.ip_address[:45],
    ))


def _mark_text(value: int, type_short: str) -> str:
    return f"{value} ({type_short})"


def _transaction(session: Session, work):
    """Run `work()` and commit; on any refusal or error roll back and re-raise."""
    try:
        result = work()
        session.commit()
        return result
    except IntegrityError as error:
        session.rollback()
        raise StaleVersion() from error
    except BaseException:
        session.rollback()
        raise


# --- cells: marks and absence -------------------------------------------------------------------

# A cell's marks and absence in one statement: a row per mark (one row without marks), the
# absence, at most one per pupil and lesson, on each.
_CELL = (
    select(Mark, Absence)
    .select_from(Pupil)
    .outerjoin(Mark, and_(Mark.pupil_id == Pupil.id, Mark.lesson_id == bindparam("lesson_id")))
    .outerjoin(Absence, and_(Absence.pupil_id == Pupil.id, Absence.lesson_id == bindparam("lesson_id")))
    .where(Pupil.id == bindparam("pupil_id"))
    .order_by(Mark.position)
)


def _write_cell(session: Session, scope: Scope, actor: Actor, lesson: Lesson, pupil_id: int,
                parsed: ParsedCell, known: CellKnown | None, mark_type_id: int | None, reason: str | None,
                catalogue: Catalogue, *, skip_filled: bool = False) -> CellState:
    """Bring one cell to `parsed`; returns the cell as it now stands. Caller holds the lesson lock."""
    marks, absence = _read_cell(session, lesson.id, pupil_id)
    cell = _CellWrite(session, actor, lesson, pupil_id, reason, catalogue.types,
                      {m.position: (m.position, m.value, m.mark_type_id, m.version) for m in marks},
                      (absence.code, absence.version) if absence else None)
    if skip_filled and (marks or absence):
        return cell.state()
    if known is not None:
        _check_known(marks, absence, known)
    _check_against_catalogue(parsed, mark_type_id, catalogue)
    _write_marks(cell, marks, parsed.marks, mark_type_id, _default_type(catalogue.types))
    _write_absence(cell, absence, parsed.absence)
    return cell.state()


def _read_cell(session: Session, lesson_id: int, pupil_id: int) -> tuple[list[Mark], Absence | None]:
    """The cell's mark rows by position and its absence row, in one statement."""
    rows = session.execute(_CELL, {"lesson_id": lesson_id, "pupil_id": pupil_id}).all()
    return [mark for mark, _absence in rows if mark is not None], rows[0][1] if rows else None


def _check_known(marks: list[Mark], absence: Absence | None, known: CellKnown) -> None:
    """StaleVersion unless the cell holds the versions the client saw."""
    if CellKnown({m.position: m.version for m in marks}, absence.version if absence else None) != known:
        raise StaleVersion()


def _check_against_catalogue(parsed: ParsedCell, mark_type_id: int | None, catalogue: Catalogue) -> None:
    """Refuse marks beside a code of a missed lesson, an unknown work type, and marks when the
    catalogue has no work types at all."""
    if parsed.marks and parsed.absence and catalogue.codes[parsed.absence].counts_as_missed:
        raise DomainError(_("Ученик отмечен как отсутствующий («%(code)s»): отметку за этот урок поставить нельзя.",
                            code=parsed.absence))
    if mark_type_id is not None and mark_type_id not in catalogue.types:
        raise DomainError(_("Такого вида работы нет в справочнике."))
    if parsed.marks and not catalogue.types:
        raise DomainError(_("Справочник видов работ пуст: обратитесь к администратору."))


def _default_type(types: dict[int, WorkType]) -> int | None:
    """The work type of new marks when none is chosen: the default one, else the first by id."""
    return next((t.id for t in types.values() if t.is_default), None) or min(types, default=None)


@dataclass(slots=True)
class _CellWrite:
    """One cell being written: where, by whom, and how it stands so far (`final`: position ->
    (position, value, type id, version); `absence_now`: (code, version) or None)."""

    session: Session
    actor: Actor
    lesson: Lesson
    pupil_id: int
    reason: str | None
    types: dict[int, WorkType]
    final: dict[int, tuple[int, int, int, int]]
    absence_now: tuple[str, int] | None
    changed: bool = False

    def state(self) -> CellState:
        return CellState(self.changed, [self.final[position] for position in sorted(self.final)], self.absence_now)

    def audit(self, **change) -> None:
        _audit(self.session, self.actor, school_id=self.lesson.school_id, lesson_id=self.lesson.id,
               pupil_id=self.pupil_id, reason=self.reason, **change)

    def mark_text(self, value: int, type_id: int) -> str:
        return _mark_text(value, self.types[type_id].short_name)


def _versioned(session: Session, statement) -> None:
    """Run an UPDATE or DELETE conditional on the row's version; StaleVersion unless it hit the row."""
    if session.execute(statement.execution_options(synchronize_session=False)).rowcount != 1:
        raise StaleVersion()


def _write_marks(cell: _CellWrite, marks: list[Mark], values: list[int], mark_type_id: int | None,
                 default_type: int | None) -> None:
    """The typed marks into positions 0, 1, …: created, changed or kept; the marks after them deleted."""
    by_position = {m.position: m for m in marks}
    for position, value in enumerate(values):
        row = by_position.get(position)
        if row is None:
            _create_mark(cell, position, value, mark_type_id or default_type)
        else:
            _update_mark(cell, row, value, mark_type_id or row.mark_type_id)
    for row in marks:
        if row.position >= len(values):
            _delete_mark(cell, row)


def _create_mark(cell: _CellWrite, position: int, value: int, type_id: int) -> None:
    new = Mark(lesson_id=cell.lesson.id, pupil_id=cell.pupil_id, position=position, value=value,
               mark_type_id=type_id, created_by_id=cell.actor.user_id, version=1)
    cell.session.add(new)
    cell.session.flush()
    cell.audit(entity="mark", action="create", entity_id=new.id, new=cell.mark_text(value, type_id))
    cell.final[position] = (position, value, type_id, 1)
    cell.changed = True


def _update_mark(cell: _CellWrite, row: Mark, value: int, type_id: int) -> None:
    if row.value == value and row.mark_type_id == type_id:
        return
    _versioned(cell.session, update(Mark).where(Mark.id == row.id, Mark.version == row.version)
               .values(value=value, mark_type_id=type_id, version=Mark.version + 1, changed_at=clock.region_now()))
    cell.audit(entity="mark", action="update", entity_id=row.id, old=cell.mark_text(row.value, row.mark_type_id),
               new=cell.mark_text(value, type_id))
    cell.final[row.position] = (row.position, value, type_id, row.version + 1)
    cell.changed = True


def _delete_mark(cell: _CellWrite, row: Mark) -> None:
    _versioned(cell.session, delete(Mark).where(Mark.id == row.id, Mark.version == row.version))
    cell.audit(entity="mark", action="delete", entity_id=row.id, old=cell.mark_text(row.value, row.mark_type_id))
    del cell.final[row.position]
    cell.changed = True


def _write_absence(cell: _CellWrite, absence: Absence | None, code: str | None) -> None:
    """The typed absence code: recorded, changed, removed (no code typed) or kept."""
    if absence is None:
        if code:
            _create_absence(cell, code)
    elif not code:
        _delete_absence(cell, absence)
    elif absence.code != code:
        _update_absence(cell, absence, code)


def _create_absence(cell: _CellWrite, code: str) -> None:
    new = Absence(lesson_id=cell.lesson.id, pupil_id=cell.pupil_id, code=code, created_by_id=cell.actor.user_id,
                  version=1)
    cell.session.add(new)
    cell.session.flush()
    cell.audit(entity="absence", action="create", entity_id=new.id, new=code)
    cell.absence_now = (code, 1)
    cell.changed = True


def _update_absence(cell: _CellWrite, absence: Absence, code: str) -> None:
    _versioned(cell.session, update(Absence).where(Absence.id == absence.id, Absence.version == absence.version)
               .values(code=code, version=Absence.version + 1))
    cell.audit(entity="absence", action="update", entity_id=absence.id, old=absence.code, new=code)
    cell.absence_now = (code, absence.version + 1)
    cell.changed = True


def _delete_absence(cell: _CellWrite, absence: Absence) -> None:
    _versioned(cell.session, delete(Absence).where(Absence.id == absence.id, Absence.version == absence.version))
    cell.audit(entity="absence", action="delete", entity_id=absence.id, old=absence.code)
    cell.absence_now = None
    cell.changed = True


def save_cell(session: Session, scope: Scope, actor: Actor, *, lesson_id: int, pupil_id: int, text: str,
              known: CellKnown, mark_type_id: int | None = None, reason: str | None = None,
              today: dt.date | None = None, catalogue: Catalogue | None = None,
              assignment_id: int | None = None) -> SavedCell:
    """Set a grid cell (a pupil's marks and absence for a lesson) to what the teacher typed.

    `text`: "5", "3/5" (two marks, positions 0 and 1), "н" (absence code), "оп 5", "" (clear).
    `known`: the versions the client saw; any difference -> StaleVersion, nothing written.
    `mark_type_id`: the work type for the typed marks (None: keep existing, default for new).
    `assignment_id`: the journal the save comes from (None: not checked); a lesson not of it, or
    a journal the user may not open -> NotInScope, nothing written.
    Returns the cell as written (`.state.changed`: whether something changed)."""
    catalogue = catalogue or load_catalogue(session)

    def work():
        target = _cell_target(session, scope, lesson_id, pupil_id, assignment_id)
        if not target.in_journal:
            raise NotInScope(f"lesson {lesson_id} of teaching_assignment {assignment_id}")
        lesson = target.lesson
        _refuse_unless_writable(lesson, target.writable)
        _check_pupil_of_lesson(target)
        parsed = parse_cell(text, set(catalogue.codes))
        if parsed.marks and target.mode != MARKS:
            assessment.refuse_marks(target.mode, parsed.marks[0], catalogue.codes)
        if parsed.marks or parsed.absence:
            _check_not_future(lesson, today)
        recorded = _check_lock(scope, target.period, reason)
        state = _write_cell(session, scope, actor, lesson, pupil_id, parsed, known, mark_type_id, recorded, catalogue)
        period = target.period
        return SavedCell(state, catalogue, period and PeriodDates(period.id, period.starts_on, period.ends_on))
    return _transaction(session, work)


def lesson_pupil_ids(session: Session, lesson: Lesson) -> list[int]:
    """Pupils a lesson is for: those in the class on the lesson's day, or in the assignment's subgroup."""
    subgroup_id = session.scalar(select(TeachingAssignment.subgroup_id).where(TeachingAssignment.id == lesson.assignment_id))
    query = select(Pupil.id).where(Pupil.id.in_(membership.pupil_ids(lesson.class_group_id, lesson.date, lesson.date)))
    if subgroup_id is not None:
        query = query.where(Pupil.id.in_(select(subgroup_pupil.c.pupil_id).where(subgroup_pupil.c.subgroup_id == subgroup_id)))
    return list(session.scalars(query.order_by(Pupil.last_name, Pupil.first_name, Pupil.id)))


def _check_column_known(session: Session, lesson: Lesson, pupils: list[int], known: dict[int, CellKnown]) -> None:
    """StaleVersion unless every pupil's cell of the lesson holds what the client saw. `known`:
    pupil id -> the versions the page showed; a pupil left out was shown an empty cell. Pupils
    no longer of the lesson are not compared (the page does not show them). Caller holds the
    lesson lock, so nothing changes between this check and the writes."""
    current = {pupil_id: CellKnown() for pupil_id in pupils}
    for pupil_id, position, version in session.execute(
            select(Mark.pupil_id, Mark.position, Mark.version).where(Mark.lesson_id == lesson.id)):
        if pupil_id in current:
            current[pupil_id].marks[position] = version
    for pupil_id, version in session.execute(
            select(Absence.pupil_id, Absence.version).where(Absence.lesson_id == lesson.id)):
        if pupil_id in current:
            current[pupil_id].absence = version
    if any(known.get(pupil_id, CellKnown()) != cell for pupil_id, cell in current.items()):
        raise StaleVersion()


def fill_lesson(session: Session, scope: Scope, actor: Actor, *, lesson_id: int, text: str,
                known: dict[int, CellKnown], mark_type_id: int | None = None, reason: str | None = None,
                today: dt.date | None = None, catalogue: Catalogue | None = None) -> int:
    """Fill `text` (a mark or an absence code) into every EMPTY cell of a lesson column.

    Cells that already hold a mark or an absence are left as they are. `known`: pupil id -> the
    versions the page showed in the column (see `_check_column_known`); any cell changed since ->
    StaleVersion, nothing written: a cell cleared meanwhile would be filled, one filled meanwhile
    skipped, unlike what the teacher saw. One transaction; one history row per created row.
    Returns the number of cells filled."""
    catalogue = catalogue or load_catalogue(session)

    def work():
        lesson = _lesson_for_write(session, scope, lesson_id)
        _check_marks_writable(session, scope, lesson)
        parsed = parse_cell(text, set(catalogue.codes))
        if not parsed.marks and not parsed.absence:
            raise DomainError(_("Введите отметку или код пропуска, которым заполнить столбец."))
        if parsed.marks:
            mode = assessment.mode_of_lesson(session, lesson.id)
            if mode != MARKS:
                assessment.refuse_marks(mode, parsed.marks[0], catalogue.codes)
        _check_not_future(lesson, today)
        recorded = _check_lock(scope, period_of(session, lesson.school_id, lesson.date), reason)
        pupils = lesson_pupil_ids(session, lesson)
        _check_column_known(session, lesson, pupils, known)
        filled = 0
        for pupil_id in pupils:
            if _write_cell(session, scope, actor, lesson, pupil_id, parsed, None, mark_type_id, recorded, catalogue,
                           skip_filled=True).changed:
                filled += 1
        return filled
    return _transaction(session, work)


def record_absentees(session: Session, scope: Scope, actor: Actor, *, lesson_id: int, absent: dict[int, str],
                     known: dict[int, CellKnown], reason: str | None = None, today: dt.date | None = None,
                     catalogue: Catalogue | None = None) -> int:
    """«Only the absent»: `absent` maps pupil id -> absence code; every other pupil of the lesson
    is present (an absence recorded earlier for them is removed). Marks are kept.

    `known`: pupil id -> the versions the page showed in the column (see `_check_column_known`);
    any cell changed since -> StaleVersion, nothing written: an absence recorded by someone else
    after the page was read is not removed unseen.
    One transaction; one history row per changed absence. Returns the number of changed cells."""
    catalogue = catalogue or load_catalogue(session)

    def work():
        lesson = _lesson_for_write(session, scope, lesson_id)
        _check_marks_writable(session, scope, lesson)
        codes = catalogue.codes
        pupils = lesson_pupil_ids(session, lesson)
        strangers = set(absent) - set(pupils)
        if strangers:
            raise DomainError(_("Ученик не числится в классе этого урока: отметка не сохранена."))
        for code in absent.values():
            if code not in codes:
                raise DomainError(_("Нет такого кода пропуска: «%(code)s». Допустимы: %(codes)s.",
                                    code=code, codes=", ".join(sorted(codes))))
        if absent:
            _check_not_future(lesson, today)
        recorded = _check_lock(scope, period_of(session, lesson.school_id, lesson.date), reason)
        _check_column_known(session, lesson, pupils, known)
        marks = {}
        for pupil_id, value in session.execute(
                select(Mark.pupil_id, Mark.value).where(Mark.lesson_id == lesson.id).order_by(Mark.position)):
            marks.setdefault(pupil_id, []).append(value)
        changed = 0
        for pupil_id in pupils:
            parsed = ParsedCell(marks.get(pupil_id, []), absent.get(pupil_id))
            if _write_cell(session, scope, actor, lesson, pupil_id, parsed, None, None, recorded, catalogue).changed:
                changed += 1
        return changed
    return _transaction(session, work)


# --- lesson topic ---------------------------------------------------------------------------------

def save_lesson_text(session: Session, scope: Scope, actor: Actor, *, lesson_id: int, topic: str | None,
                     version: int, reason: str | None = None) -> Lesson:
    """Set a lesson's topic (empty text clears). `version` is the lesson's version the client saw.
    One history row when it changed. (Homework given on the lesson: app.journal.homework.)"""
    def work():
        lesson = _lesson_for_write(session, scope, lesson_id)
        if not would_be_changeable(session, scope, Mark, lesson_id=lesson.id):
            raise DomainError(_("Тему урока записывает учитель, который ведёт урок."))
        new_topic = clean_column(Lesson.topic, topic, field=_("Тема урока"))
        if lesson.version != version:
            raise StaleVersion()
        recorded = _check_lock(scope, period_of(session, lesson.school_id, lesson.date), reason)
        if new_topic == lesson.topic:
            return lesson
        old_topic = lesson.topic
        done = session.execute(update(Lesson).where(Lesson.id == lesson.id, Lesson.version == version)
                               .values(topic=new_topic, version=Lesson.version + 1)
                               .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise StaleVersion()
        action = "create" if old_topic is None else ("delete" if new_topic is None else "update")
        _audit(session, actor, school_id=lesson.school_id, entity="topic", action=action,
               entity_id=lesson.id, lesson_id=lesson.id, old=old_topic, new=new_topic, reason=recorded)
        session.expire(lesson)
        return lesson
    return _transaction(session, work)


def write_plan_topics(session: Session, scope: Scope, actor: Actor, *, period, topics: list[tuple[int, int, str]]
                      ) -> list[int]:
    """«Заполнить темы из плана»: write each (lesson id, school id, topic) where the lesson still has
    no topic, is not cancelled and the user may write it (the Mark scope clause on the lesson row,
    as a topic save checks), with one history row per lesson written. A locked `period` (a
    StudyPeriod or the calendar's CalendarPeriod of the lessons) is refused as every write is. A lesson given a topic meanwhile keeps it. Returns the ids written, in the
    given order. Flushes; the caller commits."""
    _check_lock(scope, period, None)
    written = []
    empty = or_(Lesson.topic.is_(None), func.trim(Lesson.topic) == "")
    for lesson_id, school_id, topic in topics:
        text = clean_column(Lesson.topic, topic, field=_("Тема урока"))
        done = session.execute(update(Lesson).where(Lesson.id == lesson_id, empty, Lesson.cancelled.is_(False),
                                                    marks_writable_on(scope))
                               .values(topic=text, version=Lesson.version + 1)
                               .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            _audit(session, actor, school_id=school_id, entity="topic", action="create", entity_id=lesson_id,
                   lesson_id=lesson_id, new=text)
            written.append(lesson_id)
    session.flush()
    return written


# --- period and year marks ------------------------------------------------------------------------

def save_period_mark(session: Session, scope: Scope, actor: Actor, *, assignment_id: int, pupil_id: int,
                     study_period_id: int | None, value: str, version: int | None,
                     reason: str | None = None) -> PeriodMark | None:
    """Confirm (or change, or clear with "") a pupil's period mark; `study_period_id` None = year mark.

    `version`: the version the client saw, None when it saw no mark. Returns the row or None."""
    def work():
        assignment = open_assignment(session, scope, assignment_id)
        value_clean = (value or "").strip().lower()
        if value_clean and value_clean not in PERIOD_MARK_VALUES:
            raise DomainError(_("«%(value)s» — не итоговая отметка. Допустимы: %(values)s.",
                                value=value_clean, values=", ".join(PERIOD_MARK_VALUES)))
        class_group = assignment.class_group
        if not would_be_changeable(session, scope, PeriodMark, subject_id=assignment.subject_id,
                                   class_group_id=assignment.class_group_id, pupil_id=pupil_id):
            raise DomainError(_("Итоговые отметки по этому предмету ставит учитель предмета."))
        if not session.scalar(select(membership.pupil_ids(assignment.class_group_id).where(
                ClassMembership.pupil_id == pupil_id).exists())):
            raise DomainError(_("Ученик не числится в классе этого урока: отметка не сохранена."))
        if study_period_id is not None:
            period = session.scalar(select(StudyPeriod).where(
                StudyPeriod.id == study_period_id, StudyPeriod.school_id == class_group.school_id,
                StudyPeriod.academic_year_id == class_group.academic_year_id))
            if period is None:
                raise NotInScope(f"study_period {study_period_id}")
        else:
            # The year mark closes with the last period of the year.
            period = session.scalar(select(StudyPeriod).where(
                StudyPeriod.school_id == class_group.school_id,
                StudyPeriod.academic_year_id == class_group.academic_year_id).order_by(StudyPeriod.number.desc()).limit(1))
        if value_clean:
            assessment.check_period_result(_period_mode(session, class_group, assignment.subject_id, study_period_id),
                                           value_clean)
        recorded = _check_lock(scope, period, reason)
        query = select(PeriodMark).where(PeriodMark.pupil_id == pupil_id, PeriodMark.subject_id == assignment.subject_id,
                                         PeriodMark.academic_year_id == class_group.academic_year_id)
        query = query.where(PeriodMark.study_period_id == study_period_id) if study_period_id is not None \
            else query.where(PeriodMark.study_period_id.is_(None))
        row = session.scalar(query.with_for_update())
        if (row.version if row else None) != version:
            raise StaleVersion()
        audit = dict(school_id=class_group.school_id, entity="period_mark", pupil_id=pupil_id, reason=recorded)
        label = period.name if study_period_id is not None else _("год")
        if row is None:
            if not value_clean:
                return None
            row = PeriodMark(pupil_id=pupil_id, class_group_id=assignment.class_group_id, subject_id=assignment.subject_id,
                             academic_year_id=class_group.academic_year_id, study_period_id=study_period_id,
                             value=value_clean, set_by_id=actor.user_id, version=1)
            session.add(row)
            session.flush()
            _audit(session, actor, action="create", entity_id=row.id, new=f"{value_clean} ({label})", **audit)
            return row
        if not value_clean:
            old = row.value
            done = session.execute(delete(PeriodMark).where(PeriodMark.id == row.id, PeriodMark.version == version)
                                   .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                raise StaleVersion()
            _audit(session, actor, action="delete", entity_id=row.id, old=f"{old} ({label})", **audit)
            return None
        if row.value == value_clean:
            return row
        old = row.value
        done = session.execute(update(PeriodMark).where(PeriodMark.id == row.id, PeriodMark.version == version)
                               .values(value=value_clean, version=PeriodMark.version + 1, set_by_id=actor.user_id,
                                       set_at=clock.region_now())
                               .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise StaleVersion()
        _audit(session, actor, action="update", entity_id=row.id, old=f"{old} ({label})", new=f"{value_clean} ({label})", **audit)
        session.expire(row)
        return row
    return _transaction(session, work)


def _period_mode(session: Session, class_group, subject_id: int, study_period_id: int | None) -> str:
    """How the subject's result for the period (None: the year) is given in the class."""
    settings = assessment.settings_of(session, class_group.id, subject_id)
    if study_period_id is not None:
        return assessment.mode_in(settings, class_group.grade, study_period_id)
    periods = session.scalars(select(StudyPeriod.id).where(StudyPeriod.school_id == class_group.school_id,
                                                           StudyPeriod.academic_year_id == class_group.academic_year_id))
    return assessment.year_mode(settings, class_group.grade, periods)
