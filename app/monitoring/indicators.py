"""A month's usage indicators per school, computed from this journal (docs/design.md, «When a
school «uses the system» in a month»).

The journal figures (lessons, marks, active teachers) are sums of the month's rows of
`app.monitoring.activity.assignment_activity` — the same rows the teacher completion report shows —
so the two can never disagree.

Cost: a constant number of aggregate queries over the month's lessons, their marks, the month's
diary visits and the schools' staff and pupils; never the whole history. The queries ride the
indexes lesson(school_id, date), mark(lesson_id, …) and diary_visit(day).

Only schools that keep their journal here in the month are computed (a lesson due here, not on
another vendor's system: app.monitoring.coverage); the others are «нет данных» unless imported or
entered. A month in progress counts lessons up to `as_of`, the app's today by default.

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

from app import clock
from app.errors import DomainError
from app.models import (
    AccountEvent,
    DiaryVisit,
    Guardian,
    GuardianLink,
    Pupil,
    School,
    Staff,
    UsageSnapshot,
)
from app.monitoring import coverage, registry
from app.monitoring.activity import assignment_activity
from app.monitoring.months import counted_until, incomplete_label, last_day, month_label, next_month
from app.monitoring.thresholds import Threshold, current_threshold, uses_system
from app.i18n import _

INDICATORS = registry.codes()  # re-read by _counts: a test may add an indicator to the registry


@dataclass
class ComputeResult:
    """What a compute did with every school of the region for the month: each is counted once,
    as computed, imported, entered or «нет данных» (by reason), so the counts add up to all schools."""
    month: dt.date
    until: dt.date | None = None           # lessons counted up to this day
    today: dt.date | None = None           # the day of the compute (a month in progress says so)
    computed: int = 0                      # snapshots written (new or refreshed) from the journal
    kept: list[int] = field(default_factory=list)  # schools whose imported/entered snapshot was kept
    imported: int = 0                      # schools with imported figures for the month
    entered: int = 0                       # schools with figures entered by hand
    no_data: dict[str, int] = field(default_factory=dict)  # reason (app.monitoring.coverage) -> schools
    removed: int = 0                       # earlier computed snapshots of schools with no lessons now

    @property
    def no_data_total(self) -> int:
        return sum(self.no_data.values())

    @property
    def schools_total(self) -> int:
        return self.computed + self.imported + self.entered + self.no_data_total

    def message(self) -> str:
        """The Russian summary the page and the command show; it accounts for every school."""
        month = month_label(self.month)
        state = incomplete_label(self.month, self.today) if self.today else None
        if state:
            month = f"{month} ({state})"
        text = _("%(month)s: рассчитано по журналу — %(computed)s; загружено из других систем — %(imported)s; "
                 "введено вручную — %(entered)s; нет данных — %(no_data)s. Всего школ — %(total)s.",
                 month=month, computed=self.computed, imported=self.imported, entered=self.entered,
                 no_data=self.no_data_total, total=self.schools_total)
        if self.no_data_total:
            text += " " + _("Нет данных: %(reasons)s.", reasons=coverage.reasons_text(self.no_data))
        if self.removed:
            text += " " + _("Удалены прежние расчёты школ без уроков в журнале: %(count)s.", count=self.removed)
        return text


def _counts() -> dict[str, int]:
    return {name: 0 for name in registry.codes()}


def computed_schools(session: Session, month: dt.date, *, until: dt.date | None = None):
    """Schools whose figures come from this journal: those that keep their journal here in the month
    (app.monitoring.coverage.keeps_journal_here), lessons counted up to `until` (default: the
    month's last day). A SELECT of school ids."""
    return select(School.id).where(coverage.keeps_journal_here(month, until or last_day(month)))


def indicators_for_month(session: Session, month: dt.date, *, as_of: dt.date | None = None) -> dict[int, dict[str, int]]:
    """School id -> the indicator counts for `month` (first day), for every school that keeps its
    journal here in the month; lessons count up to `as_of` (default: the app's today).

    The counts named in app.monitoring.registry with an `activity_field` are sums of that field
    over the month's activity rows; the others are counted below; an IMPORT indicator stays 0."""
    start, end = month, next_month(month)
    until = counted_until(month, as_of or clock.today())
    schools = computed_schools(session, month, until=until)
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
    for activity in assignment_activity(session, schools, start, until):
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
    """Compute and upsert the month's snapshots of every school that keeps its journal here, lessons
    counted up to `as_of` (default: the app's today). Idempotent; commits.

    A school's imported or hand-entered snapshot for the month is kept as it is (listed in `kept`):
    those figures come from elsewhere and compute must not overwrite them. A computed snapshot of a
    school that no longer keeps its journal here that month is removed: it is «нет данных», not zero.
    A month that has not begun is refused (DomainError)."""
    today = as_of or clock.today()
    if today < month:
        raise DomainError(_("%(month)s ещё не начался: рассчитать можно только начавшийся месяц.",
                            month=month_label(month).capitalize()))
    threshold = threshold or current_threshold(session)
    figures = indicators_for_month(session, month, as_of=today)
    now = now or clock.region_now()
    existing = {
        s.school_id: s
        for s in session.scalars(select(UsageSnapshot).where(UsageSnapshot.month == month))
    }
    result = ComputeResult(month=month, until=counted_until(month, today), today=today)
    for school_id, counts in sorted(figures.items()):
        snapshot = existing.get(school_id)
        if snapshot is not None and snapshot.source != "computed":
            result.kept.append(school_id)
            continue
        if snapshot is None:
            snapshot = UsageSnapshot(school_id=school_id, month=month, source="computed")
            session.add(snapshot)
        _fill(snapshot, counts, threshold, now)
        result.computed += 1
    for school_id, snapshot in existing.items():
        if snapshot.source == "computed" and school_id not in figures:
            session.delete(snapshot)
            result.removed += 1
    session.flush()
    _account_for_every_school(session, result)
    session.commit()
    return result


def _fill(snapshot: UsageSnapshot, counts: dict[str, int], threshold: Threshold, now: dt.datetime) -> None:
    """A computed snapshot's figures, verdict and time."""
    for name, value in counts.items():
        setattr(snapshot, name, value)
    snapshot.uses_system = uses_system(threshold, **{k: counts[k] for k in (
        "lessons_filled", "lessons_due", "teachers_active", "teachers_total")})
    snapshot.computed_at = now
    snapshot.import_batch_id = None
    snapshot.entered_by_id = None


def _account_for_every_school(session: Session, result: ComputeResult) -> None:
    """Fill the result's imported, entered and no-data counts (one statement over every school)."""
    month = result.month
    source = UsageSnapshot.source
    reason = case((source.is_(None), coverage.no_data_reason(month, result.until)), else_=source)
    rows = session.execute(
        select(reason, func.count())
        .select_from(School)
        .outerjoin(UsageSnapshot, and_(UsageSnapshot.school_id == School.id, UsageSnapshot.month == month))
        .group_by(reason)
    )
    for what, schools in rows:
        if what == "imported":
            result.imported = schools
        elif what == "entered":
            result.entered = schools
        elif what in coverage.REASONS:
            result.no_data[what] = schools
