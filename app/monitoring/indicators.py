"""A month's usage indicators per school, computed from this journal (DESIGN.md «When does a school
use the system in a month»).

Cost: a constant number of aggregate queries (GROUP BY school) over the month's lessons, their
marks, the month's diary visits and the schools' staff and pupils; never the whole history.
The queries ride the indexes lesson(school_id, date), mark(lesson_id, …) and diary_visit(day).

Indicators, for school S and month M (lessons of M up to `as_of`):
- lessons_due: lessons of S in M, not cancelled, dated no later than as_of;
- lessons_filled: of those, lessons with a non-blank topic;
- teachers_total: staff of S who are active teachers;
- teachers_active: of those, teachers who taught a due lesson of M that has a topic or a mark;
- marks_entered: marks on the due lessons of M;
- marks_on_time: of those, marks created no later than the end of the day after the lesson;
- pupils_total: pupils of S enrolled at some time in M;
- pupils_with_diary_access: of those, pupils with an own login or a guardian with a login;
- diary_visits: diary openings of S's pupils on days of M.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from app.models import (
    DiaryVisit,
    Guardian,
    GuardianLink,
    JournalSystem,
    Lesson,
    Mark,
    Pupil,
    School,
    Staff,
    UsageSnapshot,
)
from app.monitoring.months import next_month
from app.monitoring.thresholds import Threshold, current_threshold, uses_system

INDICATORS = (
    "teachers_active", "teachers_total", "lessons_filled", "lessons_due", "marks_entered", "marks_on_time",
    "pupils_total", "pupils_with_diary_access", "diary_visits",
)


@dataclass
class ComputeResult:
    month: dt.date
    computed: int = 0                      # snapshots written (new or refreshed)
    kept: list[int] = field(default_factory=list)  # schools whose imported/entered snapshot was kept


def _counts() -> dict[str, int]:
    return {name: 0 for name in INDICATORS}


def _day_after_next(session: Session, day_column):
    """SQL for the lesson date + 2 days (the first moment that is too late for an entry)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day_column, "+2 day")
    return day_column + literal(2)


def computed_schools(session: Session, month: dt.date):
    """Schools whose figures come from this journal: their chosen system is this product, or they
    recorded no choice yet but keep lessons here in the month. A SELECT of school ids."""
    lessons_here = exists().where(Lesson.school_id == School.id, Lesson.date >= month, Lesson.date < next_month(month))
    return (
        select(School.id)
        .outerjoin(JournalSystem, JournalSystem.id == School.journal_system_id)
        .where(or_(JournalSystem.is_own.is_(True), and_(School.journal_system_id.is_(None), lessons_here)))
    )


def indicators_for_month(session: Session, month: dt.date, *, as_of: dt.date | None = None) -> dict[int, dict[str, int]]:
    """School id -> the nine indicator counts for `month` (first day), for every computed school."""
    start, end = month, next_month(month)
    as_of = as_of or dt.date.today()
    due_end = min(end, as_of + dt.timedelta(days=1))
    schools = computed_schools(session, month)
    result = {school_id: _counts() for school_id in session.scalars(schools)}
    if not result:
        return result

    teacher = and_(Staff.is_teacher.is_(True), Staff.active.is_(True))
    for school_id, total in session.execute(
        select(Staff.school_id, func.count()).where(Staff.school_id.in_(schools), teacher).group_by(Staff.school_id)
    ):
        result[school_id]["teachers_total"] = total

    filled = func.length(func.trim(func.coalesce(Lesson.topic, ""))) > 0
    has_mark = exists().where(Mark.lesson_id == Lesson.id)
    due = and_(Lesson.school_id.in_(schools), Lesson.date >= start, Lesson.date < due_end, Lesson.cancelled.is_(False))
    active_teacher = case(
        (and_(or_(filled, has_mark), teacher, Staff.school_id == Lesson.school_id), Lesson.teacher_id), else_=None
    )
    for school_id, lessons_due, lessons_filled, teachers_active in session.execute(
        select(Lesson.school_id, func.count(), func.sum(case((filled, 1), else_=0)), func.count(distinct(active_teacher)))
        .join(Staff, Staff.id == Lesson.teacher_id)
        .where(due)
        .group_by(Lesson.school_id)
    ):
        row = result[school_id]
        row.update(lessons_due=lessons_due, lessons_filled=int(lessons_filled or 0), teachers_active=teachers_active)

    on_time = Mark.created_at < _day_after_next(session, Lesson.date)
    for school_id, entered, timely in session.execute(
        select(Lesson.school_id, func.count(Mark.id), func.sum(case((on_time, 1), else_=0)))
        .join(Mark, Mark.lesson_id == Lesson.id)
        .where(due)
        .group_by(Lesson.school_id)
    ):
        result[school_id].update(marks_entered=entered, marks_on_time=int(timely or 0))

    guardian_login = exists().where(
        GuardianLink.pupil_id == Pupil.id, Guardian.id == GuardianLink.guardian_id, Guardian.user_id.is_not(None)
    )
    access = or_(Pupil.user_id.is_not(None), guardian_login)
    enrolled = and_(Pupil.enrolled_on < end, or_(Pupil.left_on.is_(None), Pupil.left_on >= start))
    for school_id, total, with_access in session.execute(
        select(Pupil.school_id, func.count(), func.sum(case((access, 1), else_=0)))
        .where(Pupil.school_id.in_(schools), enrolled)
        .group_by(Pupil.school_id)
    ):
        result[school_id].update(pupils_total=total, pupils_with_diary_access=int(with_access or 0))

    for school_id, visits in session.execute(
        select(Pupil.school_id, func.sum(DiaryVisit.visits))
        .join(Pupil, Pupil.id == DiaryVisit.pupil_id)
        .where(DiaryVisit.day >= start, DiaryVisit.day < end, Pupil.school_id.in_(schools))
        .group_by(Pupil.school_id)
    ):
        result[school_id]["diary_visits"] = int(visits or 0)
    return result


def compute_month(session: Session, month: dt.date, *, as_of: dt.date | None = None,
                  now: dt.datetime | None = None, threshold: Threshold | None = None) -> ComputeResult:
    """Compute and upsert the month's snapshots of every computed school. Idempotent; commits.

    A school's imported or hand-entered snapshot for the month is kept as it is (listed in
    `kept`): those figures come from elsewhere and compute must not overwrite them."""
    threshold = threshold or current_threshold(session)
    figures = indicators_for_month(session, month, as_of=as_of)
    now = now or dt.datetime.now()
    existing = {
        s.school_id: s
        for s in session.scalars(
            select(UsageSnapshot).where(UsageSnapshot.month == month, UsageSnapshot.school_id.in_(list(figures) or [0]))
        )
    } if figures else {}
    result = ComputeResult(month=month)
    for school_id, counts in sorted(figures.items()):
        snapshot = existing.get(school_id)
        if snapshot is not None and snapshot.source != "computed":
            result.kept.append(school_id)
            continue
        if snapshot is None:
            snapshot = UsageSnapshot(school_id=school_id, month=month, source="computed")
            session.add(snapshot)
        for name, value in counts.items():
            setattr(snapshot, name, value)
        snapshot.uses_system = uses_system(threshold, **{k: counts[k] for k in (
            "lessons_filled", "lessons_due", "teachers_active", "teachers_total")})
        snapshot.computed_at = now
        snapshot.import_batch_id = None
        snapshot.entered_by_id = None
        result.computed += 1
    session.commit()
    return result
