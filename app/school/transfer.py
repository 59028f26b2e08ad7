"""Transfer of a pupil between classes of the school, by an order (приказ), from a date.

The pupil's membership in the old class ends the day before; a new one in the other class starts
on the date; Pupil.class_group_id becomes the new class. The marks and absences given before the
date stay in the old class's journal, those from the date are given in the new class's.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import formats
from app.errors import DomainError
from app.i18n import _
from app.models import Absence, AcademicYear, ClassGroup, ClassMembership, Lesson, Mark, Pupil, StudyPeriod
from app.security.clauses import NotInScope, would_be_changeable
from app.security.scope import Scope, visible


def transfer(session: Session, scope: Scope, pupil_id: int, to_class_id: int, on: dt.date,
             order_number: str, reason: str | None = None) -> "Transferred":
    """Move the pupil to the class `to_class_id` from `on` (the first day in the new class) by the
    order `order_number`. Commits and returns the new membership with what stays behind.

    NotInScope when the user may not see the pupil or the class, or may not record memberships in
    either class (another school's pupil: 404). DomainError, with nothing changed, when the order's
    number is missing, the date is outside the new class's school year, or the pupil is not in a
    class on that date, already in that one, or arrived in it that day, or has marks or absences in
    the old class after the study period the transfer falls in (the old journal would list the pupil
    in no period of theirs). Those of that period from the date on stay in the old journal, greyed
    and read-only (counted in the answer): a mark is never moved to a class it was not given in."""
    try:
        return _transfer(session, scope, pupil_id, to_class_id, on, order_number, reason)
    except BaseException:
        session.rollback()
        raise


def _transfer(session, scope, pupil_id, to_class_id, on, order_number, reason) -> "Transferred":
    pupil = session.scalar(select(Pupil).where(Pupil.id == pupil_id, visible(scope, Pupil)).with_for_update())
    if pupil is None:
        raise NotInScope(f"pupil {pupil_id}")
    target = session.scalar(select(ClassGroup).where(ClassGroup.id == to_class_id, visible(scope, ClassGroup)))
    if target is None or target.school_id != pupil.school_id:
        raise NotInScope(f"class_group {to_class_id}")
    if not would_be_changeable(session, scope, ClassMembership, class_group_id=target.id, pupil_id=pupil.id):
        raise NotInScope(f"class_group {to_class_id}")
    order_number = (order_number or "").strip()
    if not order_number:
        raise DomainError(_("Укажите номер приказа о переводе."))
    year = session.get(AcademicYear, target.academic_year_id)
    if not year.starts_on <= on <= year.ends_on:
        raise DomainError(_("Дата перевода %(date)s — вне учебного года %(year)s класса %(klass)s.",
                            date=formats.format_date(on), year=year.name, klass=target.name))
    current = session.scalar(select(ClassMembership).where(
        ClassMembership.pupil_id == pupil.id, ClassMembership.starts_on <= on,
        or_(ClassMembership.ends_on.is_(None), ClassMembership.ends_on >= on)).with_for_update())
    if current is None:
        raise DomainError(_("%(date)s ученик не числится ни в одном классе: переводить не из чего.",
                            date=formats.format_date(on)))
    old = session.get(ClassGroup, current.class_group_id)
    if old.id == target.id:
        raise DomainError(_("Ученик уже в классе %(klass)s.", klass=target.name))
    if not would_be_changeable(session, scope, ClassMembership, class_group_id=old.id, pupil_id=pupil.id):
        raise NotInScope(f"class_group {old.id}")
    if current.starts_on == on:
        raise DomainError(_("Ученик пришёл в класс %(klass)s %(date)s: перевести его можно со следующего дня.",
                            date=formats.format_date(on), klass=old.name))
    _refuse_hidden_entries(session, pupil.id, old, on)
    later = current.ends_on
    current.ends_on = on - dt.timedelta(days=1)
    moved = ClassMembership(pupil_id=pupil.id, class_group_id=target.id, starts_on=on, ends_on=later,
                            order_number=order_number[:40], reason=(reason or "").strip()[:200] or None)
    session.add(moved)
    pupil.class_group_id = target.id
    session.flush()
    left_behind = _entries_from(session, pupil.id, old.id, on)
    session.commit()
    return Transferred(moved, old.name, left_behind)


def _refuse_hidden_entries(session: Session, pupil_id: int, old: ClassGroup, on: dt.date) -> None:
    """DomainError when the pupil has marks or absences in the old class's journal that it would no
    longer show. Entries from the date on stay in the old journal: shown greyed in the period the
    pupil leaves in, where the pupil is still listed; after it they would be listed nowhere."""
    last_day = on - dt.timedelta(days=1)
    shown_until = session.scalar(select(StudyPeriod.ends_on).where(
        StudyPeriod.school_id == old.school_id, StudyPeriod.starts_on <= last_day,
        StudyPeriod.ends_on >= last_day)) or last_day
    hidden = _last_entry_after(session, pupil_id, old.id, shown_until)
    if hidden is not None:
        raise DomainError(_("У ученика есть отметки или пропуски в журнале %(klass)s после %(until)s (последние — "
                            "%(last)s): в журнале класса их не было бы видно. Укажите дату после них или "
                            "исправьте журнал.", until=formats.format_date(shown_until),
                            last=formats.format_date(hidden), klass=old.name))


def _last_entry_after(session: Session, pupil_id: int, class_group_id: int, day: dt.date) -> dt.date | None:
    """The last date after `day` of the pupil's marks and absences in the class's lessons, or None."""
    lessons = select(Lesson.id).where(Lesson.class_group_id == class_group_id, Lesson.date > day)
    marked = select(func.max(Lesson.date)).join(Mark, Mark.lesson_id == Lesson.id).where(
        Mark.pupil_id == pupil_id, Lesson.id.in_(lessons))
    absent = select(func.max(Lesson.date)).join(Absence, Absence.lesson_id == Lesson.id).where(
        Absence.pupil_id == pupil_id, Lesson.id.in_(lessons))
    days = [d for d in (session.scalar(marked), session.scalar(absent)) if d is not None]
    return max(days) if days else None


def _entries_from(session: Session, pupil_id: int, class_group_id: int, on: dt.date) -> int:
    """How many marks and absences the pupil has in the class's lessons from `on`."""
    lessons = select(Lesson.id).where(Lesson.class_group_id == class_group_id, Lesson.date >= on)
    marks = select(func.count()).select_from(Mark).where(Mark.pupil_id == pupil_id, Mark.lesson_id.in_(lessons))
    absences = select(func.count()).select_from(Absence).where(Absence.pupil_id == pupil_id,
                                                               Absence.lesson_id.in_(lessons))
    return session.scalar(marks) + session.scalar(absences)


@dataclass(frozen=True)
class Transferred:
    """A transfer done: the new membership, the old class's name, and how many of the pupil's marks
    and absences in the old class are dated from the transfer on (they stay in its journal, on days
    outside the pupil's membership: read-only there)."""
    membership: ClassMembership
    old_class: str
    left_behind: int


@dataclass(frozen=True)
class HistoryRow:
    class_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    order_number: str | None
    reason: str | None


@dataclass(frozen=True)
class PupilClasses:
    """The transfer page: the pupil, their classes over time, and the classes they may move to."""
    pupil_id: int
    name: str
    current_class: str | None
    history: list[HistoryRow]
    classes: list[tuple[int, str]]  # (id, name): the school's other classes of the current class's year


def pupil_classes(session: Session, scope: Scope, pupil_id: int) -> PupilClasses:
    """What the transfer page shows for the pupil, or NotInScope."""
    pupil = session.scalar(select(Pupil).where(Pupil.id == pupil_id, visible(scope, Pupil)))
    if pupil is None:
        raise NotInScope(f"pupil {pupil_id}")
    rows = session.execute(
        select(ClassGroup, ClassMembership).join(ClassMembership, ClassMembership.class_group_id == ClassGroup.id)
        .where(ClassMembership.pupil_id == pupil.id).order_by(ClassMembership.starts_on, ClassMembership.id)).all()
    history = [HistoryRow(klass.name, m.starts_on, m.ends_on, m.order_number, m.reason) for klass, m in rows]
    current = session.get(ClassGroup, pupil.class_group_id) if pupil.class_group_id else None
    classes = []
    if current is not None:
        classes = [(c.id, c.name) for c in session.scalars(
            select(ClassGroup).where(ClassGroup.school_id == pupil.school_id,
                                     ClassGroup.academic_year_id == current.academic_year_id,
                                     ClassGroup.id != current.id, visible(scope, ClassGroup))
            .order_by(ClassGroup.grade, ClassGroup.letter))]
    return PupilClasses(pupil.id, pupil.full_name, current.name if current else None, history, classes)
