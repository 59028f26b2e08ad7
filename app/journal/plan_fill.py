"""«Заполнить темы из плана»: the thematic plan's topics written into a study period's lessons that
have none, in order.

The plan is read as a row of lesson-hours: a topic of N hours is N hours in a row. The
assignment's lessons of the year up to the period's end are walked in order (date, lesson number;
cancelled lessons are not taught and do not count), with a place in that row:

- a lesson with a topic that is one of the plan's topics, at the place or further on (compared
  case- and «ё»-blind, spaces collapsed), moves the place past that hour: a topic written by hand
  or filled before counts as taught, and so filling resumes after the last topic used;
- a lesson with a topic the plan does not have (a test, an excursion) leaves the place;
- an empty lesson of the period that the user may write takes the hour at the place, which moves
  on; other empty lessons (earlier periods, lessons someone else writes) take nothing.

So filling twice writes nothing the second time, a written topic is never overwritten, and
holidays do not matter: lessons are what exists. When the plan runs out, the remaining lessons
stay empty. `planned_topics` answers the same without writing, for the journal grid to show the
planned topic where none is written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.diary.week import CalendarPeriod, load_periods
from app.errors import DomainError
from app.formats import fold_text
from app.journal import entries
from app.journal.access import marks_writable_on
from app.journal.plan import PlanHeading, open_heading
from app.models import Lesson, PlanTopic, ThematicPlan
from app.security.clauses import NotInScope
from app.security.scope import Scope, visible
from app.i18n import _


@dataclass(frozen=True)
class Hour:
    """One lesson-hour of the plan: the topic's place in the plan, its text, which of its hours."""

    position: int
    topic: str
    hour: int
    hours: int


@dataclass(frozen=True)
class JournalLesson:
    """A lesson as the filling sees it: its topic (None: empty) and whether it may take one."""

    id: int
    date: dt.date
    number: int
    topic: str | None
    fillable: bool


def plan_hours(topics) -> list[Hour]:
    """(position, topic, hours) rows in order -> the plan's hours in order."""
    return [Hour(position, topic, hour, hours) for position, topic, hours in topics for hour in range(1, hours + 1)]


def _key(text: str) -> str:
    return " ".join(fold_text(text).split())


class Assigned(NamedTuple):
    taken: dict[int, Hour]  # lesson id -> the plan hour it takes
    place: int  # how many of the plan's hours are used after the last lesson walked


def assign_hours(hours: list[Hour], lessons: list[JournalLesson]) -> Assigned:
    """The plan hour each fillable empty lesson among `lessons` (in their order) takes, by the
    rule of the module docstring, and how many hours are then used."""
    keys = [_key(hour.topic) for hour in hours]
    place, taken = 0, {}
    for lesson in lessons:
        if place >= len(hours):
            break
        if lesson.topic and lesson.topic.strip():
            key = _key(lesson.topic)
            found = next((index for index in range(place, len(hours)) if keys[index] == key), None)
            if found is not None:
                place = found + 1
        elif lesson.fillable:
            taken[lesson.id] = hours[place]
            place += 1
    return Assigned(taken, place)


@dataclass(frozen=True)
class Filled:
    """A lesson given a topic: its date and number, the topic and which of its hours it is."""

    lesson_id: int
    date: dt.date
    number: int
    hour: Hour


@dataclass
class FillReport:
    period: CalendarPeriod
    filled: list[Filled]
    empty_left: int  # the period's lessons still without a topic
    hours_left: int  # the plan's hours after the last one used: 0 when it ran out


def _period(session: Session, heading: PlanHeading, period_id: int) -> tuple[CalendarPeriod, dt.date]:
    """The study period `period_id` of the assignment's school and year, and the year's first
    day of study; NotInScope for another one."""
    periods = [p for p in load_periods(session, heading.school_id) if p.academic_year_id == heading.academic_year_id]
    for period in periods:
        if period.id == period_id:
            return period, periods[0].starts_on
    raise NotInScope(f"study_period {period_id}")


def _lessons(session: Session, scope: Scope, heading: PlanHeading, period: CalendarPeriod, year_start: dt.date, *,
             writable_only: bool) -> tuple[list[JournalLesson], dict[int, JournalLesson]]:
    """The assignment's lessons of the year up to the period's end, in order, the user may see;
    fillable: empty, in the period (and, `writable_only`, the user's to write)."""
    rows = session.execute(
        select(Lesson.id, Lesson.date, Lesson.lesson_number, Lesson.topic, marks_writable_on(scope).label("writable"))
        .where(Lesson.assignment_id == heading.assignment_id, Lesson.cancelled.is_(False),
               Lesson.date >= year_start, Lesson.date <= period.ends_on, visible(scope, Lesson))
        .order_by(Lesson.date, Lesson.lesson_number)).all()
    lessons = [JournalLesson(id_, date, number, topic,
                             fillable=(not (topic and topic.strip()) and date >= period.starts_on
                                       and (bool(writable) or not writable_only)))
               for id_, date, number, topic, writable in rows]
    return lessons, {lesson.id: lesson for lesson in lessons}


def _hours(session: Session, assignment_id: int) -> list[Hour]:
    return plan_hours(session.execute(
        select(PlanTopic.position, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment_id).order_by(PlanTopic.position)).all())


def planned_topics(session: Session, scope: Scope, assignment_id: int, period_id: int | None) -> dict[int, str]:
    """Lesson id -> the topic «Заполнить темы из плана» would write into it, for the period's empty
    lessons (whoever may write them): what the journal grid shows in grey where no topic is
    written. Empty without a plan or a period. NotInScope for a plan or period the user may not
    read."""
    heading = open_heading(session, scope, assignment_id)
    if period_id is None:
        return {}
    period, year_start = _period(session, heading, period_id)
    hours = _hours(session, assignment_id)
    if not hours:
        return {}
    lessons, _by_id = _lessons(session, scope, heading, period, year_start, writable_only=False)
    return {lesson_id: hour.topic for lesson_id, hour in assign_hours(hours, lessons).taken.items()}


def fill_topics(session: Session, scope: Scope, actor: entries.Actor, assignment_id: int,
                period_id: int | None) -> FillReport:
    """Write the plan's topics into the period's empty lessons the user may write, in one
    transaction, and report what was written. NotInScope when the user may not change the plan (or
    the period is not the assignment's year's); DomainError for no period chosen, a plan without
    topics or a locked period."""
    try:
        heading = open_heading(session, scope, assignment_id, to_change=True)
        if period_id is None:
            raise DomainError(_("Выберите учебный период, уроки которого заполнить."))
        period, year_start = _period(session, heading, period_id)
        hours = _hours(session, assignment_id)
        if not hours:
            raise DomainError(_("В плане нет тем: сначала заполните план или загрузите его из файла."))
        lessons, by_id = _lessons(session, scope, heading, period, year_start, writable_only=True)
        taken, place = assign_hours(hours, lessons)
        written = entries.write_plan_topics(
            session, scope, actor, period=period,
            topics=[(lesson_id, heading.school_id, hour.topic) for lesson_id, hour in taken.items()])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    filled = [Filled(lesson_id, by_id[lesson_id].date, by_id[lesson_id].number, taken[lesson_id])
              for lesson_id in written]
    empty_left = sum(1 for lesson in lessons if lesson.date >= period.starts_on and lesson.id not in written
                     and not (lesson.topic and lesson.topic.strip()))
    return FillReport(period=period, filled=filled, empty_left=empty_left, hours_left=len(hours) - place)
