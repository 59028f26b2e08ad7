"""Closing a study period: what is still missing, whether the period may be closed now, and the record
of every close and reopen.

A closed period (study_period.locked_at) refuses teachers' changes (app.journal.entries). Closing
is guarded:
- only a period that has begun may be closed (by app.clock.today()): a future period never;
- before the period's last day only the school administration may close it, confirming the early
  close with a reason; on or after the last day the administration (or the region's
  administrator) closes it, with a reason if they wish;
- reopening always takes a reason;
- every close and reopen is kept (PeriodCloseEvent): who, when (region time), why, early or not.

What is missing (`close_check`), for the classes of the period's school and year:
- pupils without a period mark, per class and subject: the pupils of each teaching assignment
  (its subgroup's, else the class's) enrolled during the period; a subject the class is taught
  without marks in the period (app.journal.assessment) needs none; «зачёт/незачёт» needs its result;
- lessons without a topic, per class and subject: lessons of the period up to today (not cancelled)
  whose topic is empty, charged to the teacher who gave them (the substitute, if any);
- the teachers concerned: each with the number of missing period marks and topics.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import clock, formats
from app.errors import DomainError
from app.i18n import _
from app.journal import assessment
from app.journal.entries import Actor
from app.models import (
    ClassGroup,
    Lesson,
    PeriodCloseEvent,
    PeriodMark,
    Pupil,
    Staff,
    StudyPeriod,
    Subject,
    SubjectAssessment,
    TeachingAssignment,
)
from app.models.journal import UNMARKED
from app.models.timetable import subgroup_pupil
from app.security import roles as R
from app.security.clauses import NotInScope
from app.security.scope import Scope, changeable, visible
from app.textinput import clean_column

# Who may close and reopen a period at all; who may close one before its last day.
CLOSING_ROLES = (R.ADMIN, R.SCHOOL_ADMIN)
EARLY_CLOSING_ROLES = (R.SCHOOL_ADMIN,)

CLOSE, REOPEN = "close", "reopen"


@dataclass(frozen=True)
class MissingMarks:
    """Pupils of a class without a period mark in a subject, and the subject's teachers."""

    class_name: str
    subject: str
    teachers: tuple[str, ...]
    pupils: tuple[str, ...]


@dataclass(frozen=True)
class MissingTopics:
    """Lessons of a class in a subject given without a topic: their dates and who gave them."""

    class_name: str
    subject: str
    teachers: tuple[str, ...]
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class TeacherDue:
    """A teacher concerned: how many period marks and lesson topics are missing in their classes."""

    name: str
    marks: int
    topics: int


@dataclass
class CloseCheck:
    """What closing `period` on `today` would leave missing, and whether it may be closed."""

    period: StudyPeriod
    today: dt.date
    missing_marks: list[MissingMarks] = field(default_factory=list)
    missing_topics: list[MissingTopics] = field(default_factory=list)
    teachers: list[TeacherDue] = field(default_factory=list)

    @property
    def future(self) -> bool:
        """The period has not begun: it may not be closed."""
        return self.today < self.period.starts_on

    @property
    def early(self) -> bool:
        """Before the period's last day: closing needs the administration's confirmation and a reason."""
        return self.today < self.period.ends_on

    @property
    def complete(self) -> bool:
        return not self.missing_marks and not self.missing_topics

    @property
    def pupils_missing(self) -> int:
        return sum(len(row.pupils) for row in self.missing_marks)

    @property
    def lessons_missing(self) -> int:
        return sum(len(row.dates) for row in self.missing_topics)


def _period(session: Session, scope: Scope, study_period_id: int) -> StudyPeriod:
    period = session.scalar(select(StudyPeriod).where(StudyPeriod.id == study_period_id, visible(scope, StudyPeriod)))
    if period is None:
        raise NotInScope(f"study_period {study_period_id}")
    return period


def close_check(session: Session, scope: Scope, study_period_id: int, today: dt.date | None = None) -> CloseCheck:
    """What is missing in the period (module docstring) as of `today` (app.clock.today() by default).
    NotInScope when the user cannot see the period."""
    period = _period(session, scope, study_period_id)
    check = CloseCheck(period=period, today=today or clock.today())
    classes = {c.id: c for c in session.scalars(
        select(ClassGroup).where(ClassGroup.school_id == period.school_id,
                                 ClassGroup.academic_year_id == period.academic_year_id))}
    dues: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if not check.future:
        check.missing_marks = _missing_marks(session, scope, period, classes, dues)
        check.missing_topics = _missing_topics(session, scope, period, classes, check.today, dues)
    check.teachers = [TeacherDue(name, marks, topics) for name, (marks, topics) in sorted(dues.items())]
    return check


def _class_order(class_group: ClassGroup) -> tuple:
    return class_group.grade, class_group.letter


def _missing_marks(session: Session, scope: Scope, period: StudyPeriod, classes: dict[int, ClassGroup],
                   dues: dict[str, list[int]]) -> list[MissingMarks]:
    """Per class and subject (in class, then subject name order): the pupils without a period mark."""
    if not classes:
        return []
    pupils = _pupils_in_period(session, scope, period, classes)
    wanted, subject_names = _pupils_without_marks(session, period, classes, pupils)
    names = {p.id: " ".join(part for part in (p.last_name, p.first_name) if part) for p in pupils}
    order = {p.id: i for i, p in enumerate(pupils)}
    rows = []
    for (class_id, subject_id), missing in sorted(
            wanted.items(), key=lambda kv: (_class_order(classes[kv[0][0]]), subject_names[kv[0][1]])):
        for pupil_teachers in missing.values():
            for name in pupil_teachers:
                dues[name][0] += 1
        rows.append(MissingMarks(class_name=classes[class_id].name, subject=subject_names[subject_id],
                                 teachers=tuple(sorted(set().union(*missing.values()))),
                                 pupils=tuple(names[pid] for pid in sorted(missing, key=order.get))))
    return rows


def _pupils_in_period(session: Session, scope: Scope, period: StudyPeriod, classes: dict[int, ClassGroup]) -> list:
    """The classes' pupils enrolled during the period, by name."""
    return session.execute(
        select(Pupil.id, Pupil.class_group_id, Pupil.last_name, Pupil.first_name)
        .where(Pupil.class_group_id.in_(classes), visible(scope, Pupil), Pupil.enrolled_on <= period.ends_on,
               or_(Pupil.left_on.is_(None), Pupil.left_on >= period.starts_on))
        .order_by(Pupil.last_name, Pupil.first_name, Pupil.middle_name, Pupil.id)).all()


def _pupils_without_marks(session: Session, period: StudyPeriod, classes: dict[int, ClassGroup],
                          pupils: list) -> tuple[dict[tuple[int, int], dict[int, set[str]]], dict[int, str]]:
    """(class id, subject id) -> pupil id -> the teachers whose assignment covers the pupil, for the
    pupils without a period mark in a subject that needs one; and subject id -> name."""
    by_class: dict[int, list] = defaultdict(list)
    for p in pupils:
        by_class[p.class_group_id].append(p)
    in_subgroup = defaultdict(set)
    for subgroup_id, pupil_id in session.execute(
            select(subgroup_pupil.c.subgroup_id, subgroup_pupil.c.pupil_id)
            .where(subgroup_pupil.c.pupil_id.in_([p.id for p in pupils]))):
        in_subgroup[subgroup_id].add(pupil_id)
    marked = set(session.execute(
        select(PeriodMark.pupil_id, PeriodMark.class_group_id, PeriodMark.subject_id)
        .where(PeriodMark.study_period_id == period.id, PeriodMark.class_group_id.in_(classes))).all())
    wanted: dict[tuple[int, int], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    subject_names: dict[int, str] = {}
    for a, subject_name, teacher in _assignments_with_period_marks(session, period, classes):
        subject_names[a.subject_id] = subject_name
        for p in by_class[a.class_group_id]:
            covered = a.subgroup_id is None or p.id in in_subgroup[a.subgroup_id]
            if covered and (p.id, a.class_group_id, a.subject_id) not in marked:
                wanted[a.class_group_id, a.subject_id][p.id].add(teacher.short_name)
    return wanted, subject_names


def _assignments_with_period_marks(session: Session, period: StudyPeriod, classes: dict[int, ClassGroup]) -> list:
    """(assignment, subject name, teacher) of the classes' subjects that take a period result in the
    period: every mode but «без отметок» (app.journal.assessment)."""
    settings = {(class_id, subject_id): mode for class_id, subject_id, mode in session.execute(
        select(SubjectAssessment.class_group_id, SubjectAssessment.subject_id, SubjectAssessment.mode)
        .where(SubjectAssessment.study_period_id == period.id, SubjectAssessment.class_group_id.in_(classes)))}
    rows = session.execute(
        select(TeachingAssignment, Subject.name, Staff)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(Staff, Staff.id == TeachingAssignment.teacher_id)
        .where(TeachingAssignment.class_group_id.in_(classes))).all()
    return [row for row in rows
            if (settings.get((row[0].class_group_id, row[0].subject_id))
                or assessment.default_mode(classes[row[0].class_group_id].grade)) != UNMARKED]


def _missing_topics(session: Session, scope: Scope, period: StudyPeriod, classes: dict[int, ClassGroup],
                    today: dt.date, dues: dict[str, list[int]]) -> list[MissingTopics]:
    """Per class and subject: the dates of the period's lessons up to `today` without a topic."""
    if not classes:
        return []
    last = min(today, period.ends_on)
    rows = session.execute(
        select(Lesson.class_group_id, Subject.name, Lesson.date, Staff)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(Staff, Staff.id == Lesson.teacher_id)
        .where(Lesson.class_group_id.in_(classes), Lesson.date >= period.starts_on, Lesson.date <= last,
               Lesson.cancelled.is_(False), or_(Lesson.topic.is_(None), func.trim(Lesson.topic) == ""),
               visible(scope, Lesson))
        .order_by(Lesson.date, Lesson.lesson_number)).all()
    grouped: dict[tuple[int, str], tuple[list, set]] = defaultdict(lambda: ([], set()))
    for class_id, subject_name, day, teacher in rows:
        dates, teachers = grouped[class_id, subject_name]
        dates.append(day)
        teachers.add(teacher.short_name)
        dues[teacher.short_name][1] += 1
    return [MissingTopics(class_name=classes[class_id].name, subject=subject, teachers=tuple(sorted(teachers)),
                          dates=tuple(dates))
            for (class_id, subject), (dates, teachers) in sorted(
                grouped.items(), key=lambda kv: (_class_order(classes[kv[0][0]]), kv[0][1]))]


def close_period(session: Session, scope: Scope, actor: Actor, *, study_period_id: int, reason: str | None = None,
                 early: bool = False, today: dt.date | None = None) -> StudyPeriod:
    """Close the period, as the module docstring guards it, and record who, when and why. `early`:
    the user confirmed closing before the last day. Closing a closed period changes nothing (a
    second tab keeps the first close). DomainError (a Russian sentence) on a refusal; nothing is
    written then."""
    try:
        period = _writable_period(session, scope, study_period_id, lock=True)
        today = today or clock.today()
        reason = clean_column(PeriodCloseEvent.reason, reason, field=_("Причина"))
        if period.locked_at is not None:
            session.rollback()
            return period
        if today < period.starts_on:
            raise DomainError(_("Период «%(name)s» ещё не начался: закрыть можно только текущий или прошедший "
                                "период.", name=period.name))
        is_early = today < period.ends_on
        if is_early:
            if scope.role not in EARLY_CLOSING_ROLES:
                raise DomainError(_("Период «%(name)s» ещё не окончен: досрочно закрыть его может только "
                                    "администрация школы.", name=period.name))
            if not early or not reason:
                raise DomainError(_("Период «%(name)s» оканчивается %(day)s. Чтобы закрыть его досрочно, "
                                    "подтвердите досрочное закрытие и укажите причину.",
                                    name=period.name, day=formats.format_date(period.ends_on)))
        now = clock.region_now()
        period.locked_at = now
        period.locked_by_id = actor.user_id
        _record(session, period, actor, CLOSE, reason, now, early=is_early)
        session.commit()
        return period
    except BaseException:
        session.rollback()
        raise


def reopen_period(session: Session, scope: Scope, actor: Actor, *, study_period_id: int,
                  reason: str | None) -> StudyPeriod:
    """Open a closed period for changes again; the reason is required and recorded. Reopening an
    open period changes nothing."""
    try:
        period = _writable_period(session, scope, study_period_id, lock=True)
        reason = clean_column(PeriodCloseEvent.reason, reason, field=_("Причина"))
        if period.locked_at is None:
            session.rollback()
            return period
        if not reason:
            raise DomainError(_("Чтобы открыть период «%(name)s» для изменений, укажите причину.", name=period.name))
        period.locked_at = None
        period.locked_by_id = None
        _record(session, period, actor, REOPEN, reason, clock.region_now())
        session.commit()
        return period
    except BaseException:
        session.rollback()
        raise


def _writable_period(session: Session, scope: Scope, study_period_id: int, *, lock: bool) -> StudyPeriod:
    period = _period(session, scope, study_period_id)
    allowed = session.scalar(select(StudyPeriod.id).where(StudyPeriod.id == study_period_id,
                                                          changeable(scope, StudyPeriod)))
    if allowed is None or scope.role not in CLOSING_ROLES:
        raise DomainError(_("Закрывать и открывать периоды может только администрация школы."))
    if lock:
        period = session.scalar(select(StudyPeriod).where(StudyPeriod.id == study_period_id)
                                .with_for_update().execution_options(populate_existing=True))
    return period


def _record(session: Session, period: StudyPeriod, actor: Actor, action: str, reason: str | None,
            now: dt.datetime, *, early: bool = False) -> None:
    session.add(PeriodCloseEvent(study_period_id=period.id, school_id=period.school_id, action=action, early=early,
                                 reason=reason or None, user_id=actor.user_id, user_name=actor.user_name[:200],
                                 at=now))


def history(session: Session, scope: Scope, study_period_ids: list[int]) -> dict[int, list[PeriodCloseEvent]]:
    """Study period id -> its closes and reopens, oldest first (those the user may see)."""
    events: dict[int, list[PeriodCloseEvent]] = defaultdict(list)
    if not study_period_ids:
        return events
    for event in session.scalars(
            select(PeriodCloseEvent).where(PeriodCloseEvent.study_period_id.in_(study_period_ids),
                                           visible(scope, PeriodCloseEvent))
            .order_by(PeriodCloseEvent.at, PeriodCloseEvent.id)):
        events[event.study_period_id].append(event)
    return events
