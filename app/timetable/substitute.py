"""Substitutions entered where they happen: one lesson of one date, from the timetable's weeks.

The school's day plan (`day_plan`) is what each class has on a date: the calendar's lessons where
they are generated, else the timetable's slots valid that day, with that day's substitutions on
them. The suggestions read it: a teacher is free at a lesson when no lesson of the plan at an
overlapping time (the bells of both shifts, as the timetable's clash rules) is theirs; a room is
free when no such lesson is in it (a shareable room is always free). A teacher's load is the
number of lessons the plan gives them that day.

Writes go through `substitute_teacher`, `replace_subject`, `change_room`, `cancel_lesson` and
`remove`: each checks the same rules, records the one Substitution row of (assignment, date,
lesson number), writes it into the calendar's lesson (app.timetable.substitutions) and commits,
or rolls back and raises DomainError with a Russian reason."""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app import formats
from app.errors import DomainError
from app.exports.cells import write_cell
from app.i18n import _
from app.models import ClassGroup, Lesson, Room, Staff, Substitution, TeachingAssignment, TimetableSlot
from app.name_search import natural
from app.security.clauses import NotInScope
from app.security.scope import Scope, changeable, visible
from app.timetable import substitutions
from app.timetable.clashes import active_on, bell_times, same_time

REASON_LENGTH = 200


@dataclass(frozen=True)
class Planned:
    """One lesson of a class on the day, as it will be given."""

    assignment_id: int
    class_group_id: int
    class_name: str
    shift: int
    lesson_number: int
    teacher_id: int
    room_id: int | None
    cancelled: bool


@dataclass(frozen=True)
class Candidate:
    """A teacher free at the lesson: whether they teach its subject, and their lessons that day."""

    teacher: Staff
    teaches_subject: bool
    load: int


@dataclass(frozen=True)
class RoomChoice:
    room: Room
    busy_with: str | None  # the class in it at that time; None when free


@dataclass
class LessonAt:
    """The lesson picked on a date: its assignment, the timetable's room and the substitution."""

    assignment: TeachingAssignment
    date: dt.date
    lesson_number: int
    room: Room | None
    substitution: Substitution | None

    @property
    def class_group(self) -> ClassGroup:
        return self.assignment.class_group


def day_plan(session: Session, school_id: int, day: dt.date) -> list[Planned]:
    """Every class's lessons of the school on `day` (four statements).

    A class with lessons in the calendar that day is read from them (they carry their
    substitutions); a class without (not generated yet) from its timetable slots valid that day,
    with the day's substitutions applied."""
    lessons = session.execute(
        select(Lesson.assignment_id, Lesson.class_group_id, ClassGroup.grade, ClassGroup.letter, ClassGroup.shift,
               Lesson.lesson_number, Lesson.teacher_id, Lesson.room_id, Lesson.cancelled)
        .join(ClassGroup, ClassGroup.id == Lesson.class_group_id)
        .where(Lesson.school_id == school_id, Lesson.date == day)).all()
    plan = [Planned(a, c, f"{g}{l}", s, n, t, r, bool(x)) for a, c, g, l, s, n, t, r, x in lessons]
    generated = {p.class_group_id for p in plan}
    slots = session.execute(
        select(TimetableSlot.assignment_id, TimetableSlot.class_group_id, ClassGroup.grade, ClassGroup.letter,
               ClassGroup.shift, TimetableSlot.lesson_number, TeachingAssignment.teacher_id, TimetableSlot.room_id)
        .join(ClassGroup, ClassGroup.id == TimetableSlot.class_group_id)
        .join(TeachingAssignment, TeachingAssignment.id == TimetableSlot.assignment_id)
        .where(ClassGroup.school_id == school_id, TimetableSlot.weekday == day.isoweekday(), active_on(day))).all()
    subs = {(s.assignment_id, s.lesson_number): s for s in session.scalars(
        select(Substitution).join(TeachingAssignment, TeachingAssignment.id == Substitution.assignment_id)
        .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
        .where(ClassGroup.school_id == school_id, Substitution.date == day))}
    for a, c, g, l, s, n, t, r in slots:
        if c in generated:
            continue
        sub = subs.get((a, n))
        if sub is not None:
            t = sub.substitute_id if sub.substitute_id and not sub.cancelled else t
            r = sub.room_id or r
        plan.append(Planned(a, c, f"{g}{l}", s, n, t, r, bool(sub is not None and sub.cancelled)))
    return plan


def teacher_loads(plan: list[Planned]) -> dict[int, int]:
    """Lessons each teacher gives that day (cancelled ones not counted)."""
    loads: dict[int, int] = defaultdict(int)
    for p in plan:
        if not p.cancelled:
            loads[p.teacher_id] += 1
    return dict(loads)


def _at_same_time(session: Session, lesson: LessonAt, plan: list[Planned]) -> list[Planned]:
    """The plan's lessons (not cancelled, other than `lesson` itself) overlapping it in time."""
    bells = bell_times(session, lesson.class_group.school_id)
    shift = lesson.class_group.shift
    return [p for p in plan if not p.cancelled
            and not (p.assignment_id == lesson.assignment.id and p.lesson_number == lesson.lesson_number)
            and same_time(bells, shift, lesson.lesson_number, p.shift, p.lesson_number)]


def free_teachers(session: Session, lesson: LessonAt, subject_id: int | None = None) -> list[Candidate]:
    """The school's active teachers free at `lesson`, but its own teacher: first those who teach
    the subject (`subject_id`, else the lesson's) anywhere in the school, then the others; within
    each, the least loaded that day first, then by name."""
    subject_id = subject_id or lesson.assignment.subject_id
    school_id = lesson.class_group.school_id
    plan = day_plan(session, school_id, lesson.date)
    busy = {p.teacher_id for p in _at_same_time(session, lesson, plan)}
    loads = teacher_loads(plan)
    subject_teachers = set(session.scalars(
        select(TeachingAssignment.teacher_id).join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
        .where(ClassGroup.school_id == school_id, TeachingAssignment.subject_id == subject_id)))
    teachers = session.scalars(select(Staff).where(
        Staff.school_id == school_id, Staff.is_teacher.is_(True), Staff.active.is_(True),
        Staff.id != lesson.assignment.teacher_id).order_by(Staff.last_name, Staff.first_name, Staff.middle_name))
    found = [Candidate(t, t.id in subject_teachers, loads.get(t.id, 0)) for t in teachers if t.id not in busy]
    return sorted(found, key=lambda c: (not c.teaches_subject, c.load))


def free_rooms(session: Session, lesson: LessonAt) -> list[RoomChoice]:
    """The school's rooms, free ones first (natural order of names), then the taken ones with the
    class in them. A shareable room is never taken."""
    plan = _at_same_time(session, lesson, day_plan(session, lesson.class_group.school_id, lesson.date))
    taken = {p.room_id: p.class_name for p in plan if p.room_id is not None}
    rooms = session.scalars(select(Room).where(Room.school_id == lesson.class_group.school_id)
                            .order_by(natural(Room.name), Room.id))
    choices = [RoomChoice(r, None if r.shareable else taken.get(r.id)) for r in rooms]
    return sorted(choices, key=lambda c: c.busy_with is not None)


def replacements(session: Session, lesson: LessonAt) -> list[TeachingAssignment]:
    """The class's other assignments whose teacher is free at `lesson` (whole class or same subgroup)."""
    free = {c.teacher.id for c in free_teachers(session, lesson)}
    rows = session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup))
        .where(TeachingAssignment.class_group_id == lesson.class_group.id,
               TeachingAssignment.id != lesson.assignment.id)
        .order_by(TeachingAssignment.subject_id, TeachingAssignment.subgroup_id)).unique()
    return [a for a in rows if a.teacher_id in free and a.subgroup_id == lesson.assignment.subgroup_id]


# --- the lesson picked on a date ----------------------------------------------------------

def lesson_at(session: Session, scope: Scope, assignment_id: int, day: dt.date, lesson_number: int,
              *, write: bool = False) -> LessonAt:
    """The lesson of `assignment_id` on `day` at `lesson_number`, if the user sees (`write`: may
    change) its class; NotInScope otherwise. DomainError when there is no such lesson that day
    (neither in the calendar nor in the timetable)."""
    rule = changeable if write else visible
    assignment = session.scalars(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.class_group), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.teacher))
        .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
        .where(TeachingAssignment.id == assignment_id, rule(scope, ClassGroup))).first()
    if assignment is None:
        raise NotInScope()
    lesson = substitutions.lesson_of(session, assignment_id, day, lesson_number)
    slot = session.scalars(select(TimetableSlot).where(
        TimetableSlot.assignment_id == assignment_id, TimetableSlot.weekday == day.isoweekday(),
        TimetableSlot.lesson_number == lesson_number, active_on(day))).first()
    if lesson is None and slot is None:
        raise DomainError(_(
            "%(date)s у «%(lesson)s» нет %(n)s-го урока ни в календаре, ни в расписании: выберите урок в расписании.",
            date=formats.format_date(day), lesson=assignment, n=lesson_number))
    room = slot.room if slot is not None else (lesson.room if lesson is not None else None)
    sub = session.scalars(select(Substitution).where(
        Substitution.assignment_id == assignment_id, Substitution.date == day,
        Substitution.lesson_number == lesson_number)).first()
    return LessonAt(assignment, day, lesson_number, room, sub)


# --- writes -------------------------------------------------------------------------------

def _row(session: Session, lesson: LessonAt) -> Substitution:
    """The lesson's substitution row to change (a new one if none); a replacing subject's lesson
    written before is taken back first, the new state writes its own."""
    if lesson.substitution is not None and lesson.substitution.replacement_id is not None:
        substitutions.undo_substitution(session, lesson.substitution)
    if lesson.substitution is None:
        lesson.substitution = Substitution(assignment_id=lesson.assignment.id, date=lesson.date,
                                           lesson_number=lesson.lesson_number, cancelled=False)
        session.add(lesson.substitution)
    return lesson.substitution


def _reason(reason: str | None) -> str | None:
    reason = " ".join((reason or "").split()) or None
    if reason is not None and len(reason) > REASON_LENGTH:
        raise DomainError(_("Причина — не длиннее %(n)s знаков.", n=REASON_LENGTH))
    return reason


def _commit(session: Session, lesson: LessonAt) -> Substitution:
    try:
        session.flush()
        substitutions.apply_substitution(session, lesson.substitution)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return lesson.substitution


def _check_teacher(session: Session, lesson: LessonAt, teacher_id: int, subject_id: int | None = None) -> Staff:
    teacher = session.get(Staff, teacher_id)
    if teacher is None or teacher.school_id != lesson.class_group.school_id or not teacher.is_teacher:
        raise DomainError(_("Выберите учителя своей школы из списка."))
    if teacher.id == lesson.assignment.teacher_id:
        raise DomainError(_("%(teacher)s и так ведёт этот урок: выберите другого учителя.", teacher=teacher.short_name))
    busy = next((p for p in _at_same_time(session, lesson, day_plan(session, lesson.class_group.school_id, lesson.date))
                 if p.teacher_id == teacher.id), None)
    if busy is not None:
        raise DomainError(_(
            "Учитель %(teacher)s в это время ведёт урок: %(cls)s, %(date)s, %(n)s-й урок.",
            teacher=teacher.short_name, cls=busy.class_name, date=formats.format_date(lesson.date),
            n=busy.lesson_number), code="clash")
    return teacher


def substitute_teacher(session: Session, lesson: LessonAt, teacher_id: int, reason: str | None = None) -> Substitution:
    """Another teacher gives the lesson (the subject stays). `lesson` comes from lesson_at(write=True)."""
    try:
        reason = _reason(reason)
        _check_teacher(session, lesson, teacher_id)
    except DomainError:
        session.rollback()
        raise
    row = _row(session, lesson)
    row.substitute_id, row.replacement_id, row.cancelled = teacher_id, None, False
    row.reason = reason or row.reason
    return _commit(session, lesson)


def replace_subject(session: Session, lesson: LessonAt, replacement_id: int, reason: str | None = None) -> Substitution:
    """Another subject of the class's load is given instead, by its own teacher."""
    try:
        reason = _reason(reason)
        other = session.get(TeachingAssignment, replacement_id)
        if other is None or other.class_group_id != lesson.class_group.id or other.id == lesson.assignment.id:
            raise DomainError(_("Выберите другой предмет из нагрузки класса %(cls)s.", cls=lesson.class_group.name))
        if other.subgroup_id != lesson.assignment.subgroup_id:
            raise DomainError(_("Заменить урок можно только уроком той же группы учеников."))
        if other.teacher_id != lesson.assignment.teacher_id:
            _check_teacher(session, lesson, other.teacher_id, other.subject_id)
    except DomainError:
        session.rollback()
        raise
    row = _row(session, lesson)
    row.replacement_id, row.substitute_id, row.cancelled = other.id, other.teacher_id, False
    row.reason = reason or row.reason
    return _commit(session, lesson)


def change_room(session: Session, lesson: LessonAt, room_id: int | None) -> Substitution | None:
    """The lesson is given in `room_id` that day (None: back to the timetable's room)."""
    try:
        room = None if room_id is None else _free_room(session, lesson, room_id)
    except DomainError:
        session.rollback()
        raise
    if room is None or (lesson.room is not None and room.id == lesson.room.id):
        if lesson.substitution is None:
            return None
        if not (lesson.substitution.cancelled or lesson.substitution.substitute_id):
            return remove(session, lesson)  # nothing else left on the row
        lesson.substitution.room_id = None
        return _commit(session, lesson)
    row = lesson.substitution or _row(session, lesson)
    row.room_id = room.id
    return _commit(session, lesson)


def _free_room(session: Session, lesson: LessonAt, room_id: int) -> Room:
    """The school's room `room_id` if it is free at the lesson's time, else DomainError."""
    room = session.get(Room, room_id)
    if room is None or room.school_id != lesson.class_group.school_id:
        raise DomainError(_("Выберите кабинет своей школы."))
    taken = next((c for c in free_rooms(session, lesson) if c.room.id == room.id), None)
    if taken is not None and taken.busy_with:
        raise DomainError(_("«%(room)s» в это время уже занят: %(cls)s. Выберите свободный кабинет.",
                            room=room.name, cls=taken.busy_with), code="clash")
    return room


def cancel_lesson(session: Session, lesson: LessonAt, reason: str | None) -> Substitution:
    """The lesson does not take place that day; the reason is required."""
    try:
        reason = _reason(reason)
        if reason is None:
            raise DomainError(_("Укажите причину отмены урока."))
    except DomainError:
        session.rollback()
        raise
    row = _row(session, lesson)
    row.cancelled, row.substitute_id, row.replacement_id, row.reason = True, None, None, reason
    return _commit(session, lesson)


def remove(session: Session, lesson: LessonAt) -> None:
    """The lesson goes back to the timetable: its teacher, subject and room."""
    if lesson.substitution is None:
        return None
    try:
        substitutions.undo_substitution(session, lesson.substitution)
        session.delete(lesson.substitution)
        lesson.substitution = None
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return None


# --- the day and the month ----------------------------------------------------------------

@dataclass(frozen=True)
class DayRow:
    substitution: Substitution
    teacher: Staff             # the timetable's teacher
    room: Room | None          # the timetable's room

    @property
    def kind(self) -> str:
        s = self.substitution
        if s.cancelled:
            return _("отмена")
        if s.replacement_id:
            return _("другой предмет")
        if s.substitute_id:
            return _("замена учителя")
        return _("другой кабинет")


def school_of(scope: Scope) -> int:
    """The user's school; NotInScope for users without one (region-wide roles have no staff room)."""
    if scope.school_id is None:
        raise NotInScope()
    return scope.school_id


def day_substitutions(session: Session, scope: Scope, day: dt.date) -> list[DayRow]:
    """The school's substitutions on `day`, by lesson number and class (two statements)."""
    school_id = school_of(scope)
    rows = list(session.scalars(
        select(Substitution)
        .join(TeachingAssignment, TeachingAssignment.id == Substitution.assignment_id)
        .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
        .options(joinedload(Substitution.assignment).joinedload(TeachingAssignment.class_group),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.subject),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.teacher),
                 joinedload(Substitution.replacement).joinedload(TeachingAssignment.subject),
                 joinedload(Substitution.substitute), joinedload(Substitution.room))
        .where(ClassGroup.school_id == school_id, Substitution.date == day, visible(scope, Substitution))
        .order_by(Substitution.lesson_number, ClassGroup.grade, ClassGroup.letter)).unique())
    rooms = dict(session.execute(
        select(TimetableSlot.assignment_id, Room).join(Room, Room.id == TimetableSlot.room_id)
        .where(TimetableSlot.assignment_id.in_([s.assignment_id for s in rows]),
               TimetableSlot.weekday == day.isoweekday(), active_on(day))).all()) if rows else {}
    return [DayRow(s, s.assignment.teacher, rooms.get(s.assignment_id)) for s in rows]


@dataclass
class RegisterLine:
    """One lesson a teacher gave for a colleague."""

    date: dt.date
    lesson_number: int
    class_name: str
    subject: str
    absent_teacher: str


@dataclass
class RegisterTeacher:
    teacher: Staff
    lines: list[RegisterLine]

    @property
    def hours(self) -> int:
        """Substitute hours: one per lesson given (an academic hour, whatever its length)."""
        return len(self.lines)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def monthly_register(session: Session, scope: Scope, month: dt.date) -> list[RegisterTeacher]:
    """The school's substitute teachers of `month` with the lessons each gave for whom, by name,
    each teacher's lessons by date and number. Cancelled lessons and room changes are not
    substitute hours; a lesson replaced by another subject is the replacement teacher's hour
    (one statement)."""
    school_id = school_of(scope)
    first, last = month_bounds(month)
    rows = session.scalars(
        select(Substitution)
        .join(TeachingAssignment, TeachingAssignment.id == Substitution.assignment_id)
        .join(ClassGroup, ClassGroup.id == TeachingAssignment.class_group_id)
        .join(Staff, Staff.id == Substitution.substitute_id)
        .options(joinedload(Substitution.assignment).joinedload(TeachingAssignment.class_group),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.subject),
                 joinedload(Substitution.assignment).joinedload(TeachingAssignment.teacher),
                 joinedload(Substitution.replacement).joinedload(TeachingAssignment.subject),
                 joinedload(Substitution.substitute))
        .where(ClassGroup.school_id == school_id, Substitution.date >= first, Substitution.date <= last,
               Substitution.cancelled.is_(False), visible(scope, Substitution))
        .order_by(Staff.last_name, Staff.first_name, Staff.id, Substitution.date, Substitution.lesson_number)).unique()
    register: dict[int, RegisterTeacher] = {}
    for s in rows:
        subject = (s.replacement or s.assignment).subject.name
        line = RegisterLine(s.date, s.lesson_number, s.assignment.class_group.name, subject,
                            s.assignment.teacher.short_name)
        register.setdefault(s.substitute_id, RegisterTeacher(s.substitute, [])).lines.append(line)
    return list(register.values())


def register_xlsx(register: list[RegisterTeacher], month: dt.date, school_name: str) -> bytes:
    """The month's register as xlsx: one row per lesson given, the teacher's hours under their
    lessons, the total at the end; dates дд.мм.гггг, A4 portrait, one page wide."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Замены"))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    cell = book.add_format({"border": 1})
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 2, 11)
    sheet.set_column(3, 3, 8)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 5, 22)
    write_cell(sheet, 0, 0, _("Учёт замещённых уроков: %(month)s", month=formats.format_month(month)), bold)
    write_cell(sheet, 1, 0, school_name)
    headers = [_("Заменяющий учитель"), _("Дата"), _("Урок"), _("Класс"), _("Предмет"), _("Вместо учителя")]
    for col, text in enumerate(headers):
        write_cell(sheet, 3, col, text, head)
    row = 4
    for teacher in register:
        for line in teacher.lines:
            values = [teacher.teacher.short_name, formats.format_date(line.date), line.lesson_number,
                      line.class_name, line.subject, line.absent_teacher]
            for col, value in enumerate(values):
                write_cell(sheet, row, col, value, cell)
            row += 1
        write_cell(sheet, row, 0, _("Итого %(name)s, часов:", name=teacher.teacher.short_name), bold)
        write_cell(sheet, row, 2, teacher.hours, bold)
        row += 2
    write_cell(sheet, row, 0, _("Всего часов замены:"), bold)
    write_cell(sheet, row, 2, sum(t.hours for t in register), bold)
    book.close()
    return buffer.getvalue()
