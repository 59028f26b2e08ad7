"""The school administration's page of subjects taught without marks: per class a matrix of its
subjects × the study periods of its year, each cell the mode the school set (app.journal.assessment)
or the grade's default, with who set it and when.

Reading and writing go through the row scope: a class outside the user's scope is NotInScope (404),
and only a user who may change SubjectAssessment rows of the class (the school's administration)
saves. A save names the mode of every cell it shows («по умолчанию» deletes the row) and the mode
the page showed there: a cell left as shown is not written, and a cell changed by someone else since
the page was read refuses the save (no lost update: saves of a class wait for each other on its
row). The cells are checked first (the class's subjects and periods, known modes), then written
in one transaction.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.journal.assessment import default_mode
from app.models import AcademicYear, ClassGroup, StudyPeriod, Subject, SubjectAssessment, TeachingAssignment
from app.models.journal import ASSESSMENT_MODES
from app.models.people import short_name
from app.models.timetable import class_name
from app.security.clauses import NotInScope, would_be_changeable
from app.security.scope import Scope, visible
from app.i18n import _


@dataclass(frozen=True)
class ClassLine:
    """A class in the overview: how many cells the school has set apart from the default."""

    id: int
    name: str
    grade: int
    default: str
    set_cells: int = 0
    set_modes: tuple[str, ...] = ()  # the modes among them, in the order of ASSESSMENT_MODES


@dataclass(frozen=True)
class Setting:
    """A cell the school has set: the mode, who set it (name) and when (the region's time)."""

    mode: str
    set_by: str
    set_at: dt.datetime | None


@dataclass
class ClassMatrix:
    class_group_id: int
    class_name: str
    grade: int
    default: str
    periods: list[tuple[int, str]]                      # (id, name) in order
    subjects: list[tuple[int, str]]                     # (id, name) by name
    settings: dict[tuple[int, int], Setting] = field(default_factory=dict)  # (subject id, period id)

    def mode(self, subject_id: int, period_id: int) -> str:
        """The mode in force in the cell: the school's, else the default."""
        setting = self.settings.get((subject_id, period_id))
        return setting.mode if setting else self.default


def _year_of(session: Session, scope: Scope, today: dt.date) -> int | None:
    """The academic year of the classes shown: the one of `today`, else the latest with a class in scope."""
    years = session.execute(
        select(AcademicYear.id, AcademicYear.starts_on, AcademicYear.ends_on)
        .where(AcademicYear.id.in_(select(ClassGroup.academic_year_id).where(visible(scope, ClassGroup))))
        .order_by(AcademicYear.starts_on.desc())).all()
    for year_id, starts_on, ends_on in years:
        if starts_on <= today <= ends_on:
            return year_id
    return years[0][0] if years else None


def classes_overview(session: Session, scope: Scope, today: dt.date) -> list[ClassLine]:
    """The classes in scope of the current academic year (grade, letter), each with its default and
    the number of cells the school has set."""
    year_id = _year_of(session, scope, today)
    if year_id is None:
        return []
    classes = session.execute(
        select(ClassGroup.id, ClassGroup.grade, ClassGroup.letter)
        .where(ClassGroup.academic_year_id == year_id, visible(scope, ClassGroup))).all()
    counts: dict[int, list[str]] = defaultdict(list)
    for class_group_id, mode in session.execute(
            select(SubjectAssessment.class_group_id, SubjectAssessment.mode)
            .where(SubjectAssessment.class_group_id.in_([c.id for c in classes] or [0]))):
        counts[class_group_id].append(mode)
    lines = [ClassLine(id=c.id, name=class_name(c.grade, c.letter), grade=c.grade, default=default_mode(c.grade),
                       set_cells=len(counts[c.id]),
                       set_modes=tuple(m for m in ASSESSMENT_MODES if m in counts[c.id])) for c in classes]
    return sorted(lines, key=lambda line: (line.grade, line.name))


def _class_in_scope(session: Session, scope: Scope, class_group_id: int, *, lock: bool = False) -> ClassGroup:
    query = select(ClassGroup).where(ClassGroup.id == class_group_id, visible(scope, ClassGroup))
    class_group = session.scalar(query.with_for_update(of=ClassGroup) if lock else query)
    if class_group is None or not would_be_changeable(session, scope, SubjectAssessment,
                                                       class_group_id=class_group_id):
        raise NotInScope(f"class_group {class_group_id}")
    return class_group


def class_matrix(session: Session, scope: Scope, class_group_id: int, *, lock: bool = False) -> ClassMatrix:
    """The class's subjects (of its teaching load) × its school's study periods of its year, with
    the cells the school has set. NotInScope for a class the user may not set. `lock`: the class's
    row stays locked for the rest of the transaction (a save)."""
    class_group = _class_in_scope(session, scope, class_group_id, lock=lock)
    periods = [tuple(row) for row in session.execute(
        select(StudyPeriod.id, StudyPeriod.name).where(
            StudyPeriod.school_id == class_group.school_id,
            StudyPeriod.academic_year_id == class_group.academic_year_id).order_by(StudyPeriod.starts_on))]
    subjects = [tuple(row) for row in session.execute(
        select(Subject.id, Subject.name).distinct()
        .join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
        .where(TeachingAssignment.class_group_id == class_group.id).order_by(Subject.name, Subject.id))]
    matrix = ClassMatrix(class_group_id=class_group.id, class_name=class_group.name, grade=class_group.grade,
                         default=default_mode(class_group.grade), periods=periods, subjects=subjects)
    for subject_id, period_id, mode, last, first, username, set_at in session.execute(
            select(SubjectAssessment.subject_id, SubjectAssessment.study_period_id, SubjectAssessment.mode,
                   User.last_name, User.first_name, User.username, SubjectAssessment.set_at)
            .outerjoin(User, User.id == SubjectAssessment.set_by_id)
            .where(SubjectAssessment.class_group_id == class_group.id)):
        who = short_name(last, first, None) if last else (username or "")
        matrix.settings[(subject_id, period_id)] = Setting(mode, who, set_at)
    return matrix


KEEP = "keep"  # a whole period's choice that leaves its cells as chosen one by one


class StaleAssessment(DomainError):
    """A cell the save changes was changed by someone else after the page was read."""

    def __init__(self, class_name: str):
        super().__init__(_("Настройку класса %(name)s уже изменил другой пользователь: ничего не сохранено. "
                           "Обновите страницу и выберите снова.", name=class_name), code="stale")


def save_class_assessment(session: Session, scope: Scope, user_id: int | None, class_group_id: int,
                          cells: dict[tuple[int, int], str], whole_periods: dict[int, str],
                          now: dt.datetime, shown: dict[tuple[int, int], str] | None = None) -> int:
    """Set the class's cells: `cells` (subject id, period id) -> a mode or "" (the default);
    `whole_periods` period id -> a mode, "" or KEEP, which, unless KEEP, sets every subject of the
    period. `shown`: (subject id, period id) -> the mode the page showed ("" the default); a cell
    wanted as shown is left as it now is, and a cell to change that no longer is as shown refuses
    the save (StaleAssessment). A cell not named is left as it is. Refuses (DomainError, nothing
    written) a subject or period that is not the class's, or an unknown mode. Returns the number of
    cells changed. One transaction; who and when (`now`, the region's time) are kept on each row written."""
    shown = shown or {}
    try:
        matrix = class_matrix(session, scope, class_group_id, lock=True)
        wanted = _wanted(matrix, cells, whole_periods)
        existing = {(row.subject_id, row.study_period_id): row for row in session.scalars(
            select(SubjectAssessment).where(SubjectAssessment.class_group_id == class_group_id))}
        changed = 0
        for cell, mode in sorted(wanted.items()):
            row = existing.get(cell)
            if cell in shown:
                if mode == shown[cell]:
                    continue  # left as the page showed it: whatever it is now stays
                if (row.mode if row else "") != shown[cell]:
                    raise StaleAssessment(matrix.class_name)
            subject_id, period_id = cell
            if not mode:
                if row is not None:
                    session.delete(row)
                    changed += 1
            elif row is None:
                session.add(SubjectAssessment(class_group_id=class_group_id, subject_id=subject_id,
                                              study_period_id=period_id, mode=mode, set_by_id=user_id, set_at=now))
                changed += 1
            elif row.mode != mode:
                row.mode, row.set_by_id, row.set_at = mode, user_id, now
                changed += 1
        session.commit()
        return changed
    except BaseException:
        session.rollback()
        raise


def _wanted(matrix: ClassMatrix, cells: dict[tuple[int, int], str], whole_periods: dict[int, str]) -> dict:
    """(subject id, period id) -> mode or "" for every cell to write, checked against the class."""
    subjects = {subject_id for subject_id, _name in matrix.subjects}
    periods = {period_id for period_id, _name in matrix.periods}
    wanted = {}
    for (subject_id, period_id), mode in cells.items():
        if subject_id not in subjects or period_id not in periods:
            raise DomainError(_("Предмет или период не относится к классу %(name)s: обновите страницу.",
                                name=matrix.class_name))
        wanted[(subject_id, period_id)] = _checked(mode)
    for period_id, mode in whole_periods.items():
        if mode == KEEP:
            continue
        if period_id not in periods:
            raise DomainError(_("Предмет или период не относится к классу %(name)s: обновите страницу.",
                                name=matrix.class_name))
        mode = _checked(mode)
        wanted.update({(subject_id, period_id): mode for subject_id in subjects})
    return wanted


def _checked(mode: str) -> str:
    mode = (mode or "").strip()
    if mode and mode not in ASSESSMENT_MODES:
        raise DomainError(_("Неизвестный способ оценивания: «%(mode)s». Выберите из списка.", mode=mode[:20]))
    return mode
