"""What the weekly timetable pages read and the one write of a cell, with the user's Scope.

Rows out of scope raise NotInScope (the page answers 404). A cell's save or clear is one
transaction: it commits, or rolls back and raises DomainError (Russian message)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.errors import DomainError
from app.security.clauses import NotInScope
from app.models import BellSchedule, ClassGroup, Room, Staff, Substitution, TeachingAssignment, TimetableSlot
from app.name_search import natural
from app.security.scope import Scope, changeable, visible
from app.i18n import _
from app.timetable.calendar import lessons_out_of_step
from app.timetable.clashes import CellResult, clear_cell, save_cell


def scoped_row(session: Session, scope: Scope, model, pk, *, write: bool = False):
    """The row `pk` of `model` if the user sees it (`write`: may change it); else NotInScope."""
    rule = changeable if write else visible
    key = model.__mapper__.primary_key[0]
    row = session.scalars(select(model).where(key == pk, rule(scope, model))).first()
    if row is None:
        raise NotInScope()
    return row


def grid_choices(session: Session, scope: Scope) -> tuple[list[ClassGroup], list[Staff], list[Room]]:
    """Classes (latest year first, by grade and letter), teachers by name and rooms the user sees (in
    the natural order of their names: «Каб. 9» before «Каб. 10»)."""
    classes = list(session.scalars(
        select(ClassGroup).options(joinedload(ClassGroup.academic_year))
        .where(visible(scope, ClassGroup))
        .order_by(ClassGroup.academic_year_id.desc(), ClassGroup.grade, ClassGroup.letter)).unique())
    teachers = list(session.scalars(select(Staff).where(visible(scope, Staff), Staff.is_teacher.is_(True))
                                    .order_by(Staff.last_name, Staff.first_name)))
    rooms = list(session.scalars(select(Room).where(visible(scope, Room)).order_by(natural(Room.name), Room.id)))
    return classes, teachers, rooms


def bells(session: Session, school_id: int, shift: int = 1) -> list[BellSchedule]:
    """The school's bell times of one shift, by lesson number."""
    return list(session.scalars(select(BellSchedule).where(
        BellSchedule.school_id == school_id, BellSchedule.shift == shift).order_by(BellSchedule.lesson_number)))


def week_substitutions(session: Session, where, monday: dt.date) -> dict:
    """Substitutions of the week matching `where`: {(weekday, lesson number, assignment id): row}."""
    rows = session.scalars(
        select(Substitution).join(Substitution.assignment)
        .options(joinedload(Substitution.substitute), joinedload(Substitution.room),
                 joinedload(Substitution.replacement).joinedload(TeachingAssignment.subject),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.class_group),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.subject))
        .where(where, Substitution.date >= monday, Substitution.date <= monday + dt.timedelta(days=6))).unique()
    return {(s.date.isoweekday(), s.lesson_number, s.assignment_id): s for s in rows}


def class_edit_choices(session: Session, scope: Scope, class_group: ClassGroup) -> dict | None:
    """The class's load and the school's rooms for the editable grid; None if the user may not
    change the class."""
    if session.scalar(select(ClassGroup.id).where(ClassGroup.id == class_group.id,
                                                  changeable(scope, ClassGroup))) is None:
        return None
    assignments = list(session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup))
        .where(TeachingAssignment.class_group_id == class_group.id)
        .order_by(TeachingAssignment.subject_id, TeachingAssignment.subgroup_id)).unique())
    rooms = list(session.scalars(select(Room).where(Room.school_id == class_group.school_id)
                                 .order_by(natural(Room.name), Room.id)))
    return {"assignments": assignments, "rooms": rooms, "usual_room_id": usual_room(session, class_group)}


def usual_room(session: Session, class_group: ClassGroup) -> int | None:
    """The room the class has most of its current lessons in (not a shared one, such as the gym):
    the room a new cell of the class starts with. None when the class has no room yet."""
    return session.scalar(
        select(TimetableSlot.room_id).join(Room, Room.id == TimetableSlot.room_id)
        .where(TimetableSlot.class_group_id == class_group.id, TimetableSlot.valid_to.is_(None),
               Room.shareable.is_(False))
        .group_by(TimetableSlot.room_id).order_by(func.count().desc(), TimetableSlot.room_id).limit(1))


def sibling_classes(session: Session, scope: Scope, class_group: ClassGroup) -> list[ClassGroup]:
    """The visible classes of the same school and year, by grade and letter."""
    return list(session.scalars(
        select(ClassGroup).where(ClassGroup.school_id == class_group.school_id,
                                 ClassGroup.academic_year_id == class_group.academic_year_id,
                                 visible(scope, ClassGroup))
        .order_by(ClassGroup.grade, ClassGroup.letter)))


def school_classes(session: Session, scope: Scope) -> list[ClassGroup]:
    """The classes of the user's school in its latest year with classes; NotInScope without a school."""
    if scope.school_id is None:
        raise NotInScope()
    year = session.scalar(select(ClassGroup.academic_year_id).where(ClassGroup.school_id == scope.school_id)
                          .order_by(ClassGroup.academic_year_id.desc()))
    return list(session.scalars(select(ClassGroup).where(
        ClassGroup.school_id == scope.school_id, ClassGroup.academic_year_id == year,
        visible(scope, ClassGroup)).order_by(ClassGroup.grade, ClassGroup.letter)))


def check_valid_from(class_group: ClassGroup, valid_from: dt.date) -> None:
    """A cell's change starts inside the class's academic year; DomainError otherwise."""
    year = class_group.academic_year
    if not (year.starts_on <= valid_from <= year.ends_on):
        raise DomainError(_("Дата изменения должна быть внутри учебного года %(year)s.", year=year.name))


def save_class_cell(session: Session, scope: Scope, class_group: ClassGroup, weekday: int, number: int,
                    assignment_id: int, room_id: int | None, valid_from: dt.date, *, add: bool) -> CellResult:
    """Put a lesson of the class's load into its cell from `valid_from` on, checking clashes;
    commits. `class_group` comes from scoped_row(write=True), `valid_from` passed check_valid_from."""
    try:
        result = save_cell(session, class_group, weekday, number, assignment_id, room_id, valid_from, add=add)
        result.out_of_step = lessons_out_of_step(session, class_group, weekday, number, valid_from)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def clear_class_cell(session: Session, scope: Scope, class_group: ClassGroup, weekday: int, number: int,
                     valid_from: dt.date) -> CellResult:
    """Empty the class's cell from `valid_from` on; commits (inputs as for save_class_cell)."""
    try:
        result = clear_cell(session, class_group, weekday, number, valid_from)
        result.out_of_step = lessons_out_of_step(session, class_group, weekday, number, valid_from)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result
