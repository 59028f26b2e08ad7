"""Graded deadlines: the one table the control page, the report's «Внедрение» sheet and the
dashboard's overdue list are made from, so that they agree cell by cell.

For each milestone of the campaign and each municipality, as of `today` (the statuses of
app.rollout.status, counted by the database):

- a school milestone (p.4.2): how many of the municipality's general-education schools did it on
  time, late, have it overdue (not done, the deadline passed) or not due yet; the days overdue;
- a milestone of the municipality itself (p.4.1: the plan, the responsible person): done on time
  or late (the date, the days late), overdue (the days) or not due;
- the usage share (p.4.3, «не менее 75 % школ к 01.09.2012»): judged by the figures of the
  deadline's month, September 2012: if the share of the schools using the system that month
  reaches the campaign's target, it is done on time; if a later month (not after `today`) reaches
  it, late; otherwise, once the deadline has passed, overdue.

The light of a cell whose deadline has passed is graded by the share done (on time or late)
against the thresholds of app.rollout.thresholds (by default green from 95 %, yellow from 75 %);
a milestone of the municipality counts as 100 % or 0 %. A cell whose deadline has not come is
grey; a school milestone of a municipality without general-education schools has nothing to
judge (no light). The municipality's light is its worst cell's, grey when no deadline has passed.

Rows come worst first: red, yellow, green, grey; within a light, the lowest share done first,
then the most schools overdue, then the name in natural order.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app import formats
from app.formats import natural_key, percent
from app.models import Campaign, Municipality, RolloutPlan, School, SchoolReadiness
from app.rollout.status import (
    GREEN,
    GREY,
    LATE,
    NOT_DUE,
    ON_TIME,
    OVERDUE,
    PLAN_DATES,
    READINESS_DATES,
    RED,
    STATUSES,
    YELLOW,
    MilestoneInfo,
    milestone_status,
    milestones_of,
    plan_done_clause,
    readiness_done_clause,
    usage_done_on,
    usage_months_query,
    worst_status,
)
from app.rollout.thresholds import LightThresholds, current_light_thresholds
from app.i18n import _l

LIGHTS = (RED, YELLOW, GREEN, GREY)   # worst first
_LIGHT_RANK = {light: rank for rank, light in enumerate(LIGHTS)}
SORTS = ("worst", "name")


@dataclass(frozen=True)
class Grade:
    """One milestone of one municipality.

    Counts: of the municipality's general-education schools for a school milestone; 0 or 1 for a
    milestone of the municipality itself (the usage share included). `light` is None when there
    is nothing to judge (a school milestone without schools), GREY before the deadline."""

    milestone: MilestoneInfo
    schools: int                    # the municipality's general-education schools
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_due: int = 0
    light: str | None = None
    done_on: dt.date | None = None  # a municipality's milestone: the day it was done
    days_overdue: int | None = None  # whole days since the deadline, when something is overdue
    month: dt.date | None = None    # the usage share: the month it is judged by
    using: int | None = None        # ... the schools using the system that month
    reported: int | None = None     # ... the schools with figures for that month

    @property
    def per_school(self) -> bool:
        return self.milestone.level == "school"

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue + self.not_due

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def status(self) -> str | None:
        """The worst status present (overdue, not due, late, on time); None with nothing to judge."""
        return worst_status(s for s in STATUSES if self.count(s))

    def count(self, status: str) -> int:
        return {ON_TIME: self.on_time, LATE: self.late, OVERDUE: self.overdue, NOT_DUE: self.not_due}[status]

    def share(self, status: str) -> Decimal | None:
        """Percent of the total in `status` (app.formats.percent); None with nothing to judge."""
        return percent(self.count(status), self.total)

    @property
    def done_share(self) -> Decimal | None:
        return percent(self.done, self.total)

    @property
    def days_late(self) -> int | None:
        """A municipality's milestone done late: by how many days."""
        if self.late and self.done_on is not None:
            return (self.done_on - self.milestone.due_on).days
        return None

    @property
    def using_share(self) -> Decimal | None:
        """The usage share: percent of the schools using the system in the judged month."""
        return percent(self.using, self.schools) if self.using is not None else None

    @property
    def judged(self) -> bool:
        """Graded: the deadline has passed and there is something to judge."""
        return self.light in (GREEN, YELLOW, RED)


@dataclass
class DeadlineRow:
    municipality_id: int
    name: str
    schools: int
    cells: dict[str, Grade]
    light: str

    @property
    def lowest_share(self) -> Decimal | None:
        """The lowest share done among the graded cells; None when none is graded."""
        shares = [c.done_share for c in self.cells.values() if c.judged]
        return min(shares) if shares else None

    @property
    def schools_overdue(self) -> int:
        return sum(c.overdue for c in self.cells.values() if c.per_school)

    def has(self, status: str, milestone: str | None = None) -> bool:
        """Some school (or the municipality) is in `status` for `milestone`, or for any."""
        cells = [self.cells[milestone]] if milestone in self.cells else self.cells.values()
        return any(c.count(status) for c in cells)


@dataclass
class DeadlineTable:
    """The graded table as of `today`: `rows` in the order asked for (worst first by default)."""

    campaign: Campaign
    today: dt.date
    thresholds: LightThresholds
    milestones: list[MilestoneInfo]
    rows: list[DeadlineRow] = field(default_factory=list)

    @property
    def lights(self) -> dict[str, int]:
        """Municipalities per light."""
        return {light: sum(1 for r in self.rows if r.light == light) for light in LIGHTS}

    def cell_lights(self, code: str) -> dict[str, int]:
        """Municipalities per light of one milestone's cell."""
        return {light: sum(1 for r in self.rows if r.cells[code].light == light) for light in LIGHTS}

    def overdue_municipalities(self, code: str) -> int:
        """Municipalities with the milestone overdue (for a school milestone: in some school)."""
        return sum(1 for r in self.rows if r.cells[code].overdue)

    def counts(self, code: str) -> dict[str, int]:
        """Schools (or municipalities, for a municipality's milestone) per status, summed."""
        return {status: sum(r.cells[code].count(status) for r in self.rows) for status in STATUSES}


def deadline_table(session: Session, campaign: Campaign, today: dt.date, *, where=None,
                   municipality_id: int | None = None, thresholds: LightThresholds | None = None,
                   light: str | None = None, milestone: str | None = None, status: str | None = None,
                   name: str | None = None, sort: str = "worst") -> DeadlineTable:
    """The graded table of `campaign` as of `today`.

    `where`: a SQL clause on Municipality (the user's scope); `municipality_id`: one municipality.
    Filters, combined with AND, unknown values ignored: `light` — municipalities with this light;
    `status` — those with a school (or the municipality) in this status for `milestone`, or for
    any milestone; `name` — a case-blind part of the name. `sort`: "worst" (see the module) or
    "name". Statements: the milestones, the thresholds (unless given), one of counts per
    municipality, and the usage months when the campaign has the usage milestone."""
    milestones = milestones_of(session, campaign)
    thresholds = thresholds or current_light_thresholds(session)
    table = DeadlineTable(campaign, today, thresholds, milestones)
    clauses = [c for c in (where, Municipality.id == municipality_id if municipality_id is not None else None)
               if c is not None]
    scope = and_(*clauses) if clauses else None
    counted = session.execute(_counts_query(campaign, today, milestones, scope)).all()
    usage = _usage_months(session, campaign, today, milestones, scope)
    for row in counted:
        cells = {m.code: _grade(m, row, usage.get(row.id, {}), campaign, today, thresholds) for m in milestones}
        table.rows.append(DeadlineRow(row.id, row.name, row.schools or 0, cells, _row_light(cells.values())))
    table.rows = _filtered(table.rows, light, milestone, status, name)
    _sort(table.rows, sort)
    return table


def _counts_query(campaign: Campaign, today: dt.date, milestones: list[MilestoneInfo], where):
    """One row per municipality: id, name, schools (general-education), for each school
    milestone its schools done on time (`<code>_on_time`) and late (`<code>_late`) by `today`,
    for each plan milestone the day it was done by `today` (NULL: not done, or no plan)."""
    per_school_columns = []
    for m in milestones:
        if m.level == "school":
            done, day = readiness_done_clause(m.code, today), READINESS_DATES[m.code]
            per_school_columns += [
                func.sum(case((and_(done, day <= m.due_on), 1), else_=0)).label(f"{m.code}_on_time"),
                func.sum(case((and_(done, day > m.due_on), 1), else_=0)).label(f"{m.code}_late"),
            ]
    per_school = (
        select(School.municipality_id.label("municipality_id"), func.count().label("schools"), *per_school_columns)
        .outerjoin(SchoolReadiness, and_(SchoolReadiness.school_id == School.id,
                                         SchoolReadiness.campaign_id == campaign.id))
        .where(School.is_general_education.is_(True))
        .group_by(School.municipality_id)
        .subquery()
    )
    plan_columns = [case((plan_done_clause(m.code, today), PLAN_DATES[m.code])).label(m.code)
                    for m in milestones if m.level != "school" and m.code in PLAN_DATES]
    query = (
        select(Municipality.id, Municipality.name, per_school.c.schools,
               *[per_school.c[column.name] for column in per_school_columns], *plan_columns)
        .outerjoin(per_school, per_school.c.municipality_id == Municipality.id)
        .outerjoin(RolloutPlan, and_(RolloutPlan.municipality_id == Municipality.id,
                                     RolloutPlan.campaign_id == campaign.id))
    )
    return query.where(where) if where is not None else query


def _usage_months(session: Session, campaign: Campaign, today: dt.date, milestones: list[MilestoneInfo],
                  where) -> dict[int, dict[dt.date, tuple[int, int]]]:
    """municipality id -> month -> (schools using the system, schools with figures)."""
    months: dict[int, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    if any(m.code == "usage_share" for m in milestones):
        for mid, month, using, reported in session.execute(usage_months_query(campaign, today, where)):
            months[mid][month] = (int(using or 0), int(reported or 0))
    return months


def _grade(m: MilestoneInfo, row, months: dict[dt.date, tuple[int, int]], campaign: Campaign,
           today: dt.date, thresholds: LightThresholds) -> Grade:
    schools = row.schools or 0
    overdue_days = (today - m.due_on).days if today > m.due_on else None
    if m.level == "school":
        if not schools:
            return Grade(m, 0)
        on_time, late = getattr(row, f"{m.code}_on_time") or 0, getattr(row, f"{m.code}_late") or 0
        rest = schools - on_time - late
        overdue, not_due = (rest, 0) if overdue_days else (0, rest)
        return Grade(m, schools, on_time, late, overdue, not_due, _light(m, on_time + late, schools, today, thresholds),
                     days_overdue=overdue_days if overdue else None)
    if m.code == "usage_share":
        if not schools:
            return Grade(m, 0)
        judged = m.due_on.replace(day=1)
        done_on = usage_done_on({month: using for month, (using, _) in months.items()}, schools,
                                Decimal(campaign.target_share), today, m.due_on)
        using, reported = months.get(judged, (0, 0)) if judged <= today else (None, None)
        return _single(m, schools, done_on, today, thresholds, month=judged, using=using, reported=reported)
    return _single(m, schools, getattr(row, m.code, None), today, thresholds)


def _single(m: MilestoneInfo, schools: int, done_on: dt.date | None, today: dt.date, thresholds: LightThresholds,
            **usage) -> Grade:
    """A milestone of the municipality itself: one status, graded 100 % or 0 %."""
    status = milestone_status(m.due_on, done_on, today)
    done = int(status in (ON_TIME, LATE))
    return Grade(m, schools, int(status == ON_TIME), int(status == LATE), int(status == OVERDUE),
                 int(status == NOT_DUE), _light(m, done, 1, today, thresholds),
                 done_on=done_on if done else None,
                 days_overdue=(today - m.due_on).days if status == OVERDUE else None, **usage)


def _light(m: MilestoneInfo, done: int, total: int, today: dt.date, thresholds: LightThresholds) -> str:
    return thresholds.light(done, total) if today > m.due_on else GREY


def _row_light(cells) -> str:
    """The worst light of the graded cells; grey when no deadline has passed."""
    lights = {c.light for c in cells if c.judged}
    return next((light for light in LIGHTS if light in lights), GREY)


def _filtered(rows: list[DeadlineRow], light, milestone, status, name) -> list[DeadlineRow]:
    if light in LIGHTS:
        rows = [r for r in rows if r.light == light]
    if status in STATUSES:
        rows = [r for r in rows if r.has(status, milestone)]
    if name and name.strip():
        needle = formats.fold_text(name.strip())
        rows = [r for r in rows if needle in formats.fold_text(r.name)]
    return rows


def _sort(rows: list[DeadlineRow], sort: str) -> None:
    if sort == "name":
        rows.sort(key=lambda r: (natural_key(r.name), r.municipality_id))
        return
    rows.sort(key=lambda r: (_LIGHT_RANK[r.light], r.lowest_share if r.lowest_share is not None else 101,
                             -r.schools_overdue, natural_key(r.name), r.municipality_id))


# --- the dashboard's list of overdue milestones ---------------------------------------------

@dataclass(frozen=True)
class OverdueMilestone:
    """One milestone overdue somewhere, for the monitoring dashboard."""

    code: str
    title: str
    order_item: str
    level: str                 # 'municipality' or 'school'
    due_on: dt.date
    days_overdue: int          # whole days since the due date (today - due_on)
    municipalities: list[tuple[int, str]]  # (id, name) of municipalities with it overdue, natural order
    school_count: int          # schools with it overdue (0 for a municipality's milestone)

    @property
    def municipality_count(self) -> int:
        return len(self.municipalities)

    def __str__(self) -> str:
        text = _l("п.%(item)s %(title)s (срок %(due)s, просрочено на %(days)s дн.): муниципальных образований — %(m)s",
                  item=self.order_item, title=self.title, due=formats.format_date(self.due_on),
                  days=self.days_overdue, m=self.municipality_count)
        if self.level == "school":
            return str(text) + str(_l(", школ — %(n)s", n=self.school_count))
        return str(text)


def overdue_list(table: DeadlineTable) -> list[OverdueMilestone]:
    """The milestones overdue in at least one municipality (or school) of the table, by due date;
    read off the table's cells, so the dashboard says what the control page says."""
    result = []
    by_name = sorted(table.rows, key=lambda r: (natural_key(r.name), r.municipality_id))
    for m in table.milestones:
        late = [r for r in by_name if r.cells[m.code].overdue]
        if late:
            schools = sum(r.cells[m.code].overdue for r in late) if m.level == "school" else 0
            result.append(OverdueMilestone(m.code, m.title, m.order_item, m.level, m.due_on,
                                           (table.today - m.due_on).days,
                                           [(r.municipality_id, r.name) for r in late], schools))
    return result
