"""Substitutions written into the calendar: another teacher, room or subject, or a cancelled lesson,
for one date and lesson number (entered through app.timetable.substitute).

The calendar's Lesson row carries the result (Lesson.teacher_id, Lesson.cancelled), so the
substitute finds the lesson in their journal for that date and the diary shows it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import formats
from app.errors import DomainError
from app.models import Absence, Homework, Lesson, Mark, Staff, Substitution, TeachingAssignment, TimetableSlot
from app.i18n import _
from app.timetable.clashes import active_on


def check_substitution(session: Session, substitution: Substitution) -> None:
    """Refuse a substitution that cannot work, with a Russian reason.

    The substitute must be a teacher of the same school and must not teach another lesson
    (own or as a substitute) at the same date and lesson number."""
    assignment = session.get(TeachingAssignment, substitution.assignment_id)
    if assignment is None:
        raise DomainError(_("Выберите урок из нагрузки школы."))
    if not substitution.cancelled and substitution.substitute_id is None:
        raise DomainError(_("Укажите заменяющего учителя или отметьте, что урок отменён."))
    if not _is_scheduled(session, substitution.assignment_id, substitution.date, substitution.lesson_number):
        raise DomainError(_(
            "%(date)s у «%(lesson)s» нет %(n)s-го урока ни в календаре, ни в расписании: проверьте дату и номер урока.",
            date=formats.format_date(substitution.date), lesson=assignment, n=substitution.lesson_number))
    if substitution.cancelled:
        return
    substitute = session.get(Staff, substitution.substitute_id)
    school_id = assignment.class_group.school_id
    if substitute is None or substitute.school_id != school_id:
        raise DomainError(_("Заменяющий учитель должен работать в этой школе."))
    if substitute.id == assignment.teacher_id:
        raise DomainError(_("Заменяющий учитель совпадает с учителем по нагрузке."))
    busy = session.scalars(
        select(Lesson).where(Lesson.teacher_id == substitute.id, Lesson.date == substitution.date,
                             Lesson.lesson_number == substitution.lesson_number, Lesson.cancelled.is_(False),
                             Lesson.assignment_id != substitution.assignment_id)
    ).first()
    busy_class = busy.class_group.name if busy is not None else None
    if busy_class is None:  # lessons not generated yet: the substitute's own timetable counts
        slot = session.scalars(
            select(TimetableSlot).join(TimetableSlot.assignment)
            .where(TeachingAssignment.teacher_id == substitute.id, TimetableSlot.weekday == substitution.date.isoweekday(),
                   TimetableSlot.lesson_number == substitution.lesson_number, active_on(substitution.date),
                   TimetableSlot.assignment_id != substitution.assignment_id)).first()
        busy_class = slot.class_group.name if slot is not None else None
    if busy_class is not None:
        raise DomainError(_(
            "Учитель %(teacher)s в это время ведёт урок: %(cls)s, %(date)s, %(n)s-й урок.",
            teacher=substitute.short_name, cls=busy_class, date=formats.format_date(substitution.date),
            n=substitution.lesson_number,
        ))


def _is_scheduled(session: Session, assignment_id: int, date, lesson_number: int) -> bool:
    """Is there such a lesson: in the calendar, or (not generated yet) in the timetable that day?"""
    if lesson_of(session, assignment_id, date, lesson_number) is not None:
        return True
    return session.scalar(select(TimetableSlot.id).where(
        TimetableSlot.assignment_id == assignment_id, TimetableSlot.weekday == date.isoweekday(),
        TimetableSlot.lesson_number == lesson_number, active_on(date))) is not None


def apply_substitution(session: Session, substitution: Substitution) -> Lesson | None:
    """Write the substitution into its calendar lesson (if generated yet; the calendar generator
    applies it to lessons created later). Returns the lesson or None.

    A replacement by another subject cancels the lesson in its own journal and gives the same
    date and lesson number to the replacing assignment's journal (a lesson created there)."""
    lesson = lesson_of(session, substitution.assignment_id, substitution.date, substitution.lesson_number)
    if lesson is None:
        return None
    replaced = substitution.replacement_id is not None
    lesson.cancelled = bool(substitution.cancelled) or replaced
    if substitution.cancelled or substitution.substitute_id is None or replaced:
        lesson.teacher_id = lesson.assignment.teacher_id
    else:
        lesson.teacher_id = substitution.substitute_id
    lesson.room_id = substitution.room_id or _timetable_room(session, lesson)
    if replaced:
        other = lesson_of(session, substitution.replacement_id, substitution.date, substitution.lesson_number)
        if other is None:
            other = Lesson(assignment_id=substitution.replacement_id, class_group_id=lesson.class_group_id,
                           school_id=lesson.school_id, date=lesson.date, lesson_number=lesson.lesson_number,
                           teacher_id=substitution.substitute_id, cancelled=False)
            session.add(other)
        other.room_id = lesson.room_id
    session.flush()
    return lesson


def undo_substitution(session: Session, substitution: Substitution) -> Lesson | None:
    """The lesson returns to its assignment's teacher and room and is no longer cancelled; the
    replacing subject's lesson is removed if nothing was written in it."""
    if substitution.replacement_id is not None:
        other = lesson_of(session, substitution.replacement_id, substitution.date, substitution.lesson_number)
        if other is not None and not _has_records(session, other):
            session.delete(other)
    lesson = lesson_of(session, substitution.assignment_id, substitution.date, substitution.lesson_number)
    if lesson is None:
        return None
    lesson.teacher_id = lesson.assignment.teacher_id
    lesson.cancelled = False
    lesson.room_id = _timetable_room(session, lesson)
    session.flush()
    return lesson


def _has_records(session: Session, lesson: Lesson) -> bool:
    return bool(lesson.topic
                or session.scalar(select(Homework.id).where(Homework.lesson_id == lesson.id).limit(1))
                or session.scalar(select(Mark.id).where(Mark.lesson_id == lesson.id).limit(1))
                or session.scalar(select(Absence.id).where(Absence.lesson_id == lesson.id).limit(1)))


def _timetable_room(session: Session, lesson: Lesson) -> int | None:
    """The room of the lesson's timetable slot that day (the lesson's own when there is none)."""
    room = session.scalar(select(TimetableSlot.room_id).where(
        TimetableSlot.assignment_id == lesson.assignment_id, TimetableSlot.weekday == lesson.date.isoweekday(),
        TimetableSlot.lesson_number == lesson.lesson_number, active_on(lesson.date)))
    return room if room is not None else lesson.room_id


def lesson_of(session: Session, assignment_id: int, date, lesson_number: int) -> Lesson | None:
    """The calendar's lesson of the assignment on that date and number, if generated."""
    return session.scalars(select(Lesson).where(
        Lesson.assignment_id == assignment_id, Lesson.date == date, Lesson.lesson_number == lesson_number)).first()
