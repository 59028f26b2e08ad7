"""A month's usage indicators per school, computed from this journal (docs/design.md, «When a
school «uses the system» in a month»).

The journal figures (lessons, marks, active teachers) are sums of the month's rows of
`app.monitoring.activity.assignment_activity` — the same rows the teacher completion report shows —
so the two can never disagree.

Cost: a constant number of aggregate queries over the month's lessons, their marks, the month's
diary visits and the schools' staff and pupils; never the whole history. The queries ride the
indexes lesson(school_id, date), mark(lesson_id, …) and diary_visit(day).

Indicators, for school S and month M (lessons of M up to `as_of`):
- lessons_due: lessons of S in M, not cancelled, dated no later than as_of;
- lessons_filled: of those, lessons with a non-blank topic;
- teachers_total: staff of S who are active teachers;
- teachers_active: of those, teachers who taught a due lesson of M that has a topic or a mark;
- marks_entered: marks on the due lessons of M;
- marks_on_time: of those, marks created no later than the end of the day after the lesson;
- pupils_total: pupils of S enrolled at some time in M;
- pupils_with_diary_access: of those, pupils with an own login or a guardian with a login, the
  login used before the end of M (its first login recorded: an issued login slip nobody used
  is no access);
- diary_visits: diary openings of S's pupils on days of M.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    AccountEvent,
    DiaryVisit,
    Guardian,
    GuardianLink,
    JournalSystem,
    Lesson,
    Pupil,
    School,
    Staff,
    UsageSnapshot,
)
from app.monitoring import registry
from app.monitoring.activity import assignment_activity
from app.monitoring.months import last_day, next_month
from app.monitoring.thresholds import Threshold, current_threshold, uses_system

INDICATORS = registry.codes()  # re-read by _counts: a test may add an indicator to the registry


@dataclass
class ComputeResult:
    month: dt.date
    computed: int = 0                      # snapshots written (new or refreshed)
    kept: list[int] = field(default_factory=list)  # schools whose imported/entered snapshot was kept


def _counts() -> dict[str, int]:
    return {name: 0 for name in registry.codes()}


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
    """School id -> the indicator counts for `month` (first day), for every computed school.

    The counts named in app.monitoring.registry with an `activity_field` are sums of that field
    over the month's activity rows; the others are counted below; an IMPORT indicator stays 0."""
    start, end = month, next_month(month)
    as_of = as_of or dt.date.today()
    schools = computed_schools(session, month)
    result = {school_id: _counts() for school_id in session.scalars(schools)}
    if not result:
        return result

    teacher = and_(Staff.is_teacher.is_(True), Staff.active.is_(True))
    for school_id, total in session.execute(
        select(Staff.school_id, func.count()).where(Staff.school_id.in_(schools), teacher).group_by(Staff.school_id)
    ):
        result[school_id]["teachers_total"] = total

    active: dict[int, set[int]] = {}
    summed = [(i.code, i.activity_field) for i in registry.summed_from_activity()]
    for activity in assignment_activity(session, schools, start, min(last_day(month), as_of)):
        row = result[activity.school_id]
        for code, field_name in summed:
            row[code] += getattr(activity, field_name)
        if activity.counts_as_teacher and activity.lessons_touched:
            active.setdefault(activity.school_id, set()).add(activity.teacher_id)
    for school_id, teachers in active.items():
        result[school_id]["teachers_active"] = len(teachers)

    month_over = dt.datetime.combine(end, dt.time())

    def used(user_id):
        return exists().where(AccountEvent.user_id == user_id, AccountEvent.kind == "first_login",
                              AccountEvent.at < month_over)

    guardian_login = exists().where(
        GuardianLink.pupil_id == Pupil.id, Guardian.id == GuardianLink.guardian_id, used(Guardian.user_id)
    )
    access = or_(used(Pupil.user_id), guardian_login)
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
