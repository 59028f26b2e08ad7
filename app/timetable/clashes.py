"""Clash rules and warnings of the weekly timetable, and the one way to change a cell.

A timetable cell is (class, weekday, lesson number). It holds one whole-class lesson or several
subgroup lessons. A slot is valid from `valid_from` to `valid_to` inclusive (None = open), so a
change from a date closes the old slot the day before and opens a new one: past weeks keep the
timetable they had.

Clashes refuse the change (nothing is saved); warnings are saved and shown.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app import formats
from app.errors import DomainError
from app.models import BellSchedule, ClassGroup, Room, TeachingAssignment, TimetableSlot
from app.i18n import N_, _

WEEKDAY_NAMES = {  # translated where shown: weekday_name(), the grid template, the xlsx export
    1: N_("понедельник"), 2: N_("вторник"), 3: N_("среда"), 4: N_("четверг"), 5: N_("пятница"), 6: N_("суббота"),
}


def weekday_name(weekday: int) -> str:
    return _(WEEKDAY_NAMES[weekday])


def max_lessons_per_day(grade: int) -> int:
    """Sanitary limit of lessons a day (СанПиН): grade 1: 4, 2–4: 5, 5–6: 6, 7–11: 7.

    Grade 1 may have 5 lessons once a week (see `day_load_warnings`)."""
    if grade <= 1:
        return 4
    if grade <= 4:
        return 5
    if grade <= 6:
        return 6
    return 7


def day_load_warnings(grade: int, lessons_per_weekday: dict[int, int]) -> list[str]:
    """Warnings for days above the grade's limit. Grade 1 is allowed one day with 5 lessons."""
    limit = max_lessons_per_day(grade)
    warnings = []
    grace_used = False
    for weekday in sorted(lessons_per_weekday):
        count = lessons_per_weekday[weekday]
        if grade == 1 and count == limit + 1 and not grace_used:
            grace_used = True
            continue
        if count > limit:
            warnings.append(_(
                "%(day)s: %(count)s уроков, для %(grade)s класса допускается не больше %(limit)s.",
                day=weekday_name(weekday).capitalize(), count=count, grade=grade, limit=limit,
            ))
    return warnings


def hours_match(hours_per_week: Decimal, lessons_in_week: int) -> bool:
    """A fractional load (1.5 h = alternating weeks) matches either neighbouring whole number."""
    hours = Decimal(hours_per_week)
    return math.floor(hours) <= lessons_in_week <= math.ceil(hours)


def active_on(day: dt.date):
    """Slots valid on `day`."""
    return (TimetableSlot.valid_from <= day) & or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= day)


def active_from(day: dt.date):
    """Slots valid on `day` or any later day (they overlap an open-ended change from `day`)."""
    return or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= day)


def room_label(name: str) -> str:
    """A room as it reads in a cell: a room named by its number is «каб. 21», any other name
    («Каб. 110», «Спортзал») as it is written (as the diary and «Сегодня» print it)."""
    return _("каб. %(room)s", room=name) if name[:1].isdigit() else name


def lesson_label(number: int) -> str:
    return _("%(n)s-й урок", n=number)


@dataclass
class CellResult:
    """What a saved change left in the cell, and the class's warnings after it."""

    slots: list[TimetableSlot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Dates whose lessons, already in the calendar, no longer follow the cell (app.timetable.calendar).
    out_of_step: list[dt.date] = field(default_factory=list)


def bell_times(session: Session, school_id: int) -> dict[tuple[int, int], tuple[dt.time, dt.time]]:
    rows = session.scalars(select(BellSchedule).where(BellSchedule.school_id == school_id))
    return {(b.shift, b.lesson_number): (b.starts_at, b.ends_at) for b in rows}


def same_time(bells, shift_a, number_a, shift_b, number_b) -> bool:
    """Do two lessons (of classes on possibly different shifts) overlap in time?"""
    a, b = bells.get((shift_a, number_a)), bells.get((shift_b, number_b))
    if a is None or b is None:
        return shift_a == shift_b and number_a == number_b
    return a[0] < b[1] and b[0] < a[1]


def _cell_slots(session: Session, class_group_id: int, weekday: int, lesson_number: int, valid_from: dt.date):
    return list(session.scalars(
        select(TimetableSlot)
        .options(joinedload(TimetableSlot.assignment))
        .where(TimetableSlot.class_group_id == class_group_id, TimetableSlot.weekday == weekday,
               TimetableSlot.lesson_number == lesson_number, active_from(valid_from))
        .order_by(TimetableSlot.id)
    ))


def find_clashes(
    session: Session,
    class_group: ClassGroup,
    weekday: int,
    lesson_number: int,
    assignment: TeachingAssignment,
    room: Room | None,
    valid_from: dt.date,
    replaced_ids: set[int] = frozenset(),
) -> list[str]:
    """Russian messages for every rule the new slot would break; empty when it may be saved.

    Rules: the lesson number must be in the bell schedule of the class's shift; the teacher may
    not teach elsewhere at an overlapping time; a room that is not shareable may not be taken
    twice; a subgroup lesson may not overlap a whole-class lesson of the same class, nor the same
    subgroup twice. Slots in `replaced_ids` are about to be closed and are ignored. Only slots
    valid on `valid_from` or later count (history cannot clash)."""
    bells = bell_times(session, class_group.school_id)
    if not bells:
        return [_("Сначала заполните расписание звонков школы.")]
    problems = _bell_problems(bells, class_group, lesson_number)
    for other in _slots_near(session, class_group, weekday, assignment, room, valid_from):
        if other.id in replaced_ids:
            continue
        if same_time(bells, class_group.shift, lesson_number, other.class_group.shift, other.lesson_number):
            problems += _clashes_with(other, class_group, weekday, lesson_number, assignment, room)
    return problems


def _bell_problems(bells, class_group: ClassGroup, lesson_number: int) -> list[str]:
    """The lesson number must be in the bell schedule of the class's shift."""
    if (class_group.shift, lesson_number) in bells:
        return []
    numbers = sorted(n for s, n in bells if s == class_group.shift)
    return [_(
        "%(lesson)s не предусмотрен расписанием звонков %(shift)s смены (уроки: %(numbers)s).",
        lesson=lesson_label(lesson_number).capitalize(), shift=class_group.shift,
        numbers=", ".join(str(n) for n in numbers) or "—",
    )]


def _slots_near(session: Session, class_group: ClassGroup, weekday: int, assignment: TeachingAssignment,
                room: Room | None, valid_from: dt.date) -> list[TimetableSlot]:
    """Slots of the weekday valid from `valid_from` on that share the teacher, the class or the room."""
    near = [TeachingAssignment.teacher_id == assignment.teacher_id, TimetableSlot.class_group_id == class_group.id]
    if room is not None:
        near.append(TimetableSlot.room_id == room.id)
    return list(session.scalars(
        select(TimetableSlot)
        .join(TimetableSlot.assignment)
        .options(joinedload(TimetableSlot.assignment).joinedload(TeachingAssignment.teacher),
                 joinedload(TimetableSlot.class_group), joinedload(TimetableSlot.room))
        .where(TimetableSlot.weekday == weekday, active_from(valid_from),
               or_(*near))
        .order_by(TimetableSlot.id)
    ))


def _clashes_with(other: TimetableSlot, class_group: ClassGroup, weekday: int, lesson_number: int,
                  assignment: TeachingAssignment, room: Room | None) -> list[str]:
    """What the new slot breaks against `other`, a slot at an overlapping time."""
    problems = []
    where = _("%(cls)s, %(day)s, %(lesson)s", cls=other.class_group.name,
              day=weekday_name(weekday), lesson=lesson_label(other.lesson_number))
    if other.assignment.teacher_id == assignment.teacher_id:
        problems.append(_(
            "Учитель %(teacher)s в это время уже ведёт урок: %(where)s.",
            teacher=other.assignment.teacher.short_name, where=where,
        ))
    if room is not None and other.room_id == room.id and not room.shareable:
        label = room_label(room.name)
        problems.append(_(
            "%(room)s в это время уже занят: %(where)s. Выберите другой кабинет "
            "или отметьте кабинет как общий.", room=label[:1].upper() + label[1:], where=where,
        ))
    if other.class_group_id == class_group.id and other.lesson_number == lesson_number:
        problems += _subgroup_clashes(other, class_group, assignment)
    return problems


def _subgroup_clashes(other: TimetableSlot, class_group: ClassGroup, assignment: TeachingAssignment) -> list[str]:
    """`other` is in the same cell: only lessons of two different subgroups may share it."""
    mine, theirs = assignment.subgroup_id, other.assignment.subgroup_id
    if mine is None or theirs is None:
        return [_(
            "В %(cls)s на этот урок уже стоит «%(other)s»: урок подгруппы не может идти "
            "одновременно с уроком всего класса.", cls=class_group.name, other=other.assignment,
        )]
    if mine == theirs:
        return [_(
            "У подгруппы «%(group)s» на этот урок уже стоит «%(other)s».",
            group=other.assignment.subgroup.name, other=other.assignment,
        )]
    return []


def class_warnings(session: Session, class_group: ClassGroup, on_date: dt.date) -> list[str]:
    """Saved-but-shown problems of a class's week as valid on `on_date`: weekly hours of each
    assignment not matched by the timetable, and days over the grade's sanitary limit."""
    slots = list(session.scalars(
        select(TimetableSlot).where(TimetableSlot.class_group_id == class_group.id, active_on(on_date))
    ))
    per_assignment: dict[int, int] = defaultdict(int)
    numbers_per_day: dict[int, set[int]] = defaultdict(set)
    for slot in slots:
        per_assignment[slot.assignment_id] += 1
        numbers_per_day[slot.weekday].add(slot.lesson_number)
    warnings = []
    assignments = session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup))
        .where(TeachingAssignment.class_group_id == class_group.id)
        .order_by(TeachingAssignment.id)
    )
    for a in assignments:
        count = per_assignment.get(a.id, 0)
        if not hours_match(a.hours_per_week, count):
            warnings.append(_(
                "%(assignment)s (%(teacher)s): в расписании %(count)s ч в неделю, по нагрузке %(hours)s ч.",
                assignment=a.subject.name + (f" ({a.subgroup.name})" if a.subgroup_id else ""),
                teacher=a.teacher.short_name, count=count, hours=formats.format_decimal(a.hours_per_week, 1, trim=True),
            ))
    warnings += day_load_warnings(class_group.grade, {d: len(n) for d, n in numbers_per_day.items()})
    return warnings


def _close(session: Session, slot: TimetableSlot, valid_from: dt.date) -> None:
    """End `slot` the day before `valid_from`; a slot not yet started by then is removed."""
    if slot.valid_from >= valid_from:
        session.delete(slot)
    else:
        slot.valid_to = valid_from - dt.timedelta(days=1)


def save_cell(
    session: Session,
    class_group: ClassGroup,
    weekday: int,
    lesson_number: int,
    assignment_id: int,
    room_id: int | None,
    valid_from: dt.date,
    *,
    add: bool = False,
) -> CellResult:
    """Put `assignment` (and `room`) into the cell from `valid_from` on.

    By default the cell's current slots are replaced; with `add=True` the new slot is added
    beside them (a second subgroup). Raises DomainError with every clash and changes nothing;
    otherwise flushes (the caller commits) and returns the cell and the class's warnings."""
    if weekday not in WEEKDAY_NAMES:
        raise DomainError(_("День недели должен быть от понедельника до субботы."))
    assignment = session.get(TeachingAssignment, assignment_id)
    if assignment is None or assignment.class_group_id != class_group.id:
        raise DomainError(_("Выберите предмет и учителя из нагрузки этого класса."))
    room = None
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None or room.school_id != class_group.school_id:
            raise DomainError(_("Выберите кабинет своей школы."))
    current = _cell_slots(session, class_group.id, weekday, lesson_number, valid_from)
    replaced = [] if add else current
    problems = find_clashes(session, class_group, weekday, lesson_number, assignment, room, valid_from,
                            {s.id for s in replaced})
    if problems:
        raise DomainError(" ".join(problems), code="clash")
    for slot in replaced:
        _close(session, slot, valid_from)
    session.add(TimetableSlot(class_group_id=class_group.id, weekday=weekday, lesson_number=lesson_number,
                              assignment_id=assignment.id, room_id=room.id if room else None,
                              valid_from=valid_from))
    session.flush()
    return CellResult(slots=_cell_slots(session, class_group.id, weekday, lesson_number, valid_from),
                      warnings=class_warnings(session, class_group, valid_from))


def clear_cell(session: Session, class_group: ClassGroup, weekday: int, lesson_number: int,
               valid_from: dt.date, slot_id: int | None = None) -> CellResult:
    """Remove the cell's lessons (or just `slot_id`) from `valid_from` on; earlier weeks keep them."""
    for slot in _cell_slots(session, class_group.id, weekday, lesson_number, valid_from):
        if slot_id is None or slot.id == slot_id:
            _close(session, slot, valid_from)
    session.flush()
    return CellResult(slots=_cell_slots(session, class_group.id, weekday, lesson_number, valid_from),
                      warnings=class_warnings(session, class_group, valid_from))


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_slots(session: Session, where, monday: dt.date) -> dict[tuple[int, int], list[TimetableSlot]]:
    """Slots matching `where` as valid on each day of the week of `monday`:
    {(weekday, lesson_number): [slot, ...]}."""
    sunday = monday + dt.timedelta(days=6)
    rows = session.scalars(
        select(TimetableSlot)
        .join(TimetableSlot.assignment)
        .options(joinedload(TimetableSlot.assignment).joinedload(TeachingAssignment.subject),
                 joinedload(TimetableSlot.assignment).joinedload(TeachingAssignment.teacher),
                 joinedload(TimetableSlot.assignment).joinedload(TeachingAssignment.subgroup),
                 joinedload(TimetableSlot.class_group), joinedload(TimetableSlot.room))
        .where(where, TimetableSlot.valid_from <= sunday,
               or_(TimetableSlot.valid_to.is_(None), TimetableSlot.valid_to >= monday))
        .order_by(TimetableSlot.lesson_number, TimetableSlot.id)
    ).unique()
    grid: dict[tuple[int, int], list[TimetableSlot]] = defaultdict(list)
    for slot in rows:
        day = monday + dt.timedelta(days=slot.weekday - 1)
        if slot.valid_from <= day and (slot.valid_to is None or slot.valid_to >= day):
            grid[(slot.weekday, slot.lesson_number)].append(slot)
    return grid
