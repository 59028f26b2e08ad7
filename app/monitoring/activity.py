"""Journal activity per school, teacher and teaching assignment over a date range: the one
computation behind the teacher completion report and the monthly usage indicators.

A lesson is due when it is in the calendar, not cancelled and dated within the range (the caller
caps the range at "today" or `as_of`). Per (school, teacher who gave the lesson, assignment):
- lessons_due;
- lessons_with_topic: due lessons with a non-blank topic (the monitoring's «заполненные уроки»);
- lessons_with_marks: due lessons with at least one mark;
- lessons_touched: due lessons with a topic or a mark (what makes a teacher «active»);
- lessons_empty: due lessons with no topic, no marks and no absences («пустые уроки»);
- marks_entered: marks on due lessons;
- marks_on_time: of those, marks created no later than the end of the day after the lesson.

Marks count only on lessons assessed with marks (`app.journal.assessment.lesson_marked`): a lesson of
a subject taught without marks (grade 1, «зачёт/незачёт») is due, filled with its topic, touched,
empty or not like any other, but a mark on it (entered before the school said so) is counted
nowhere: not in lessons_with_marks, marks_entered or marks_on_time, nor as what touches a lesson.

A substitute's lessons count for the substitute (Lesson.teacher_id), under the assignment they
belong to. Cost: two GROUP BY queries over the range's lessons (indexes lesson(school_id, date),
mark(lesson_id, ...), absence(lesson_id, ...)), whatever the number of schools.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from app.formats import percent
from app.journal.assessment import lesson_marked
from app.models import Absence, Lesson, Mark, Staff


@dataclass(slots=True)
class AssignmentActivity:
    school_id: int
    teacher_id: int
    assignment_id: int
    # The lesson's teacher is an active teacher on the staff of this school (the monitoring
    # counts only those among the school's teachers; a visiting substitute is not one of them).
    counts_as_teacher: bool
    lessons_due: int = 0
    lessons_with_topic: int = 0
    lessons_with_marks: int = 0
    lessons_touched: int = 0
    lessons_empty: int = 0
    marks_entered: int = 0
    marks_on_time: int = 0

    @property
    def fill_share(self) -> Decimal | None:
        """Lessons with a topic per lesson due, in percent to 0.1; None when nothing was due."""
        return percent(self.lessons_with_topic, self.lessons_due)

    @property
    def key(self) -> tuple[int, int, int]:
        return self.school_id, self.teacher_id, self.assignment_id


def day_after_next(session: Session, day_column):
    """SQL for the lesson date + 2 days (the first moment that is too late for an entry)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day_column, "+2 day")
    return day_column + literal(2)


def topic_filled() -> ColumnElement[bool]:
    """The lesson has a non-blank topic."""
    return func.length(func.trim(func.coalesce(Lesson.topic, ""))) > 0


def assignment_activity(
    session: Session,
    school_ids: Iterable[int] | Select | None,
    start: dt.date,
    end: dt.date,
    *,
    lesson_filter: ColumnElement[bool] | None = None,
) -> list[AssignmentActivity]:
    """Activity rows for lessons dated start..end (both inclusive) in the given schools.

    `school_ids`: ids, a SELECT of school ids, or None for every school. `lesson_filter`: an extra
    WHERE clause on Lesson (a user's scope). Only groups with a due lesson appear; an empty range
    (start > end) gives [] without touching the database. Rows come in no particular order."""
    if start > end:
        return []
    due = [Lesson.date >= start, Lesson.date <= end, Lesson.cancelled.is_(False)]
    if school_ids is not None:
        due.append(Lesson.school_id.in_(school_ids if isinstance(school_ids, Select) else list(school_ids)))
    if lesson_filter is not None:
        due.append(lesson_filter)
    due_clause = and_(*due)

    # Each lesson's facts once, then summed per group (so every EXISTS runs once per lesson).
    filled = topic_filled()
    # The one place the monitoring leaves out the marks of lessons taught without marks.
    marks_count = lesson_marked()
    has_mark = and_(exists().where(Mark.lesson_id == Lesson.id), marks_count)
    has_absence = exists().where(Absence.lesson_id == Lesson.id)
    per_lesson = (
        select(
            Lesson.school_id, Lesson.teacher_id, Lesson.assignment_id,
            case((filled, 1), else_=0).label("topic"),
            case((has_mark, 1), else_=0).label("marks"),
            case((has_absence, 1), else_=0).label("absences"),
        )
        .where(due_clause)
        .subquery()
    )
    lesson = per_lesson.c
    teacher_here = and_(Staff.is_teacher.is_(True), Staff.active.is_(True), Staff.school_id == lesson.school_id)
    touched = or_(lesson.topic == 1, lesson.marks == 1)
    empty = and_(lesson.topic == 0, lesson.marks == 0, lesson.absences == 0)
    rows: dict[tuple[int, int, int], AssignmentActivity] = {}
    for school_id, teacher_id, assignment_id, here, due_n, topic_n, marks_n, touched_n, empty_n in session.execute(
        select(
            lesson.school_id, lesson.teacher_id, lesson.assignment_id,
            func.max(case((teacher_here, 1), else_=0)),
            func.count(),
            func.sum(lesson.topic),
            func.sum(lesson.marks),
            func.sum(case((touched, 1), else_=0)),
            func.sum(case((empty, 1), else_=0)),
        )
        .join(Staff, Staff.id == lesson.teacher_id)
        .group_by(lesson.school_id, lesson.teacher_id, lesson.assignment_id)
    ):
        row = AssignmentActivity(
            school_id=school_id, teacher_id=teacher_id, assignment_id=assignment_id, counts_as_teacher=bool(here),
            lessons_due=due_n, lessons_with_topic=int(topic_n or 0), lessons_with_marks=int(marks_n or 0),
            lessons_touched=int(touched_n or 0), lessons_empty=int(empty_n or 0),
        )
        rows[row.key] = row

    on_time = Mark.created_at < day_after_next(session, Lesson.date)
    for school_id, teacher_id, assignment_id, entered, timely in session.execute(
        select(Lesson.school_id, Lesson.teacher_id, Lesson.assignment_id, func.count(Mark.id),
               func.sum(case((on_time, 1), else_=0)))
        .join(Mark, Mark.lesson_id == Lesson.id)
        .where(due_clause, marks_count)
        .group_by(Lesson.school_id, Lesson.teacher_id, Lesson.assignment_id)
    ):
        row = rows.get((school_id, teacher_id, assignment_id))
        if row is not None:  # always there: a marked lesson is a due lesson of the same group
            row.marks_entered, row.marks_on_time = entered, int(timely or 0)
    return list(rows.values())
