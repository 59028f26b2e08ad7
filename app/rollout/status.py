"""Status against the campaign's milestones: computed from the records, never typed by anyone.

Four statuses of one milestone for one municipality or school, as of a given day `today`
(passed in by the caller; nothing here reads the clock):

- ON_TIME  «выполнено в срок»: done on or before the due date (the due day itself is on time);
- LATE     «выполнено с опозданием»: done after the due date;
- OVERDUE  «просрочено»: not done and the due date has passed (today > due_on);
- NOT_DUE  «срок не наступил»: not done, due today or later.

A date entered in the future (done_on > today) does not count as done yet: the record says
what is planned, not what happened.

What "done" means for each milestone code (app.models.rollout.MILESTONE_CODES):

- plan_approved (p.4.1): the plan has an approval document number and date and at least one
  dated quantitative target; done on the approval date;
- responsible_appointed (p.4.1): the responsible person's full name and appointment date;
- normative_acts (p.4.2): the school's local act (document) and its date;
- system_chosen (p.4.2): the school has a chosen journal system and the date of the choice;
- hardware_ready (p.4.2): the date hardware and software were ready;
- staff_trained (p.4.2): all staff taking part trained (trained == total > 0) and the date;
- usage_share (p.4.3): the share of the municipality's general-education schools whose monthly
  usage snapshot says "uses the system" reaches the campaign's target share, judged by the
  figures of the deadline's month and later: done on the first day of the first such month
  (September 2012's figures meet a 01.09.2012 deadline on time, October's late).

School milestones are judged per school; `evaluate` sums a municipality's schools up into one
cell (the worst status, and the count of each), for the drill-down pages of one municipality and
one school. The control page, the report's «Внедрение» sheet and the dashboard read the graded
table of app.rollout.deadlines, which counts the same statuses in the database (the SQL twins of
the rules at the end of this module) and grades each municipality by the share of schools done.
Only general-education schools (School.is_general_education) take part, as in the order's 75% rule.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.formats import natural_key
from app.models import (
    Campaign,
    JournalSystem,
    Milestone,
    Municipality,
    PlanTarget,
    RolloutPlan,
    School,
    SchoolReadiness,
    UsageSnapshot,
)

ON_TIME = "on_time"
LATE = "late"
OVERDUE = "overdue"
NOT_DUE = "not_due"
STATUSES = (ON_TIME, LATE, OVERDUE, NOT_DUE)

# Traffic light of a whole municipality or school.
GREEN = "green"    # nothing overdue or late, at least one milestone reached or due
YELLOW = "yellow"  # something done late, nothing overdue
RED = "red"        # something overdue
GREY = "grey"      # no deadline has come and nothing is done yet
LIGHTS = (RED, YELLOW, GREEN, GREY)

SCHOOL_ITEMS = ("normative_acts", "system_chosen", "hardware_ready", "staff_trained")
MUNICIPAL_ITEMS = ("plan_approved", "responsible_appointed", "usage_share")

# Worst first: how a group of schools sums up into one municipality cell.
_WORST_FIRST = (OVERDUE, NOT_DUE, LATE, ON_TIME)


def milestone_status(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    """Status of one milestone. `done_on` None (or later than `today`) means not done."""
    if done_on is not None and done_on <= today:
        return ON_TIME if done_on <= due_on else LATE
    return OVERDUE if today > due_on else NOT_DUE


def worst_status(statuses) -> str | None:
    """The group's status: the worst one present; None for an empty group."""
    present = set(statuses)
    for status in _WORST_FIRST:
        if status in present:
            return status
    return None


def light_of(statuses) -> str:
    """Traffic light of a set of milestone statuses (None entries are ignored)."""
    present = {s for s in statuses if s is not None}
    if OVERDUE in present:
        return RED
    if LATE in present:
        return YELLOW
    if not present or present == {NOT_DUE}:
        return GREY
    return GREEN


# --- what counts as done -------------------------------------------------------------------

def plan_done_on(plan: RolloutPlan | None, code: str, has_targets: bool) -> dt.date | None:
    """Done date of a municipal plan milestone (plan_approved / responsible_appointed)."""
    if plan is None:
        return None
    if code == "plan_approved":
        if (plan.approval_doc_number or "").strip() and plan.approval_doc_date and has_targets:
            return plan.approval_doc_date
        return None
    if code == "responsible_appointed":
        if (plan.responsible_full_name or "").strip() and plan.responsible_appointed_on:
            return plan.responsible_appointed_on
        return None
    raise ValueError(f"not a plan milestone: {code}")


def readiness_done_on(readiness: SchoolReadiness | None, code: str, journal_system_id: int | None) -> dt.date | None:
    """Done date of one readiness item of a school (see the module docstring)."""
    if readiness is None:
        return None
    r = readiness
    if code == "normative_acts":
        return r.normative_acts_on if (r.normative_acts_doc or "").strip() else None
    if code == "system_chosen":
        return r.system_chosen_on if journal_system_id else None
    if code == "hardware_ready":
        return r.hardware_ready_on
    if code == "staff_trained":
        if r.staff_total and r.staff_trained is not None and r.staff_trained >= r.staff_total:
            return r.staff_trained_on
        return None
    raise ValueError(f"not a readiness item: {code}")


# --- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneInfo:
    id: int
    code: str
    level: str
    order_item: str
    title: str
    due_on: dt.date


@dataclass
class Cell:
    """One municipality (or school) × one milestone.

    `status` is None when there is nothing to judge (a school milestone in a municipality without
    general-education schools). `counts` holds schools per status for school milestones, and
    {status: 1} for municipal ones. `done`/`total`: schools done / schools, or for usage_share
    the schools using the system in the latest month / schools."""

    milestone: MilestoneInfo
    status: str | None
    done_on: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    done: int | None = None
    total: int | None = None


@dataclass
class SchoolRow:
    school_id: int
    name: str
    journal_system: str | None
    readiness_id: int | None
    cells: dict[str, Cell]

    @property
    def light(self) -> str:
        return light_of(c.status for c in self.cells.values())


@dataclass
class MunicipalityRow:
    municipality_id: int
    name: str
    plan_id: int | None
    cells: dict[str, Cell]
    schools: list[SchoolRow]

    @property
    def light(self) -> str:
        return light_of(c.status for c in self.cells.values())

    def count(self, status: str) -> int:
        """Milestones of this municipality in `status`."""
        return sum(1 for c in self.cells.values() if c.status == status)


def milestones_of(session: Session, campaign: Campaign) -> list[MilestoneInfo]:
    rows = session.scalars(
        select(Milestone).where(Milestone.campaign_id == campaign.id).order_by(Milestone.due_on, Milestone.id)
    )
    return [MilestoneInfo(m.id, m.code, m.level, m.order_item, m.title, m.due_on) for m in rows]


def active_campaign(session: Session, today: dt.date) -> Campaign | None:
    """The campaign that applies on `today`.

    The one running on that day (starts_on ≤ today ≤ ends_on, an open end counts as running);
    of several, the latest started. If none runs, the latest started before `today`; if every
    campaign starts later, the earliest of them. None when there is no campaign at all."""
    running = session.scalars(
        select(Campaign)
        .where(Campaign.starts_on <= today, (Campaign.ends_on.is_(None)) | (Campaign.ends_on >= today))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    ).first()
    if running:
        return running
    past = session.scalars(
        select(Campaign).where(Campaign.starts_on <= today).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    ).first()
    if past:
        return past
    return session.scalars(select(Campaign).order_by(Campaign.starts_on, Campaign.id)).first()


def usage_done_on(months: dict[dt.date, int], total: int, target: Decimal, today: dt.date,
                  due_on: dt.date) -> dt.date | None:
    """The usage share's done date: the first month, from the month of the deadline on and not
    after `today`, whose share of schools using the system reaches `target` (its first day).

    The item is judged by the figures of its deadline's month (September for 01.09.2012): an
    earlier month's figures say nothing about it. None when no such month, or no schools."""
    if total <= 0:
        return None
    judged = due_on.replace(day=1)
    for month in sorted(months):
        if judged <= month <= today and Decimal(months[month]) * 100 >= target * total:
            return month
    return None


def municipalities_to_judge(session: Session, where, municipality_id: int | None = None) -> list:
    """(id, name) of the municipalities in `where` (and/or the one `municipality_id`), in the
    natural order of their names."""
    query = select(Municipality.id, Municipality.name)
    if where is not None:
        query = query.where(where)
    if municipality_id is not None:
        query = query.where(Municipality.id == municipality_id)
    return sorted(session.execute(query).all(), key=lambda row: (natural_key(row.name), row.id))


def _plans_with_target_counts(session: Session, campaign: Campaign, ids: list[int]) -> tuple[dict, dict]:
    """Plans by municipality id, and the number of targets by plan id."""
    plans = {p.municipality_id: p for p in session.scalars(
        select(RolloutPlan).where(RolloutPlan.campaign_id == campaign.id, RolloutPlan.municipality_id.in_(ids)))}
    targets = dict(session.execute(
        select(PlanTarget.plan_id, func.count()).where(PlanTarget.plan_id.in_([p.id for p in plans.values()]))
        .group_by(PlanTarget.plan_id)).all()) if plans else {}
    return plans, targets


def _schools_with_readiness(session: Session, campaign: Campaign, ids: list[int]) -> tuple[list, dict]:
    """General-education schools of the municipalities (with their system's name) in the natural
    order of their names («СОШ № 2» before «СОШ № 10»), and their readiness records by school id."""
    schools = sorted(session.execute(
        select(School.id, School.municipality_id, School.short_name, School.journal_system_id, JournalSystem.name)
        .outerjoin(JournalSystem, JournalSystem.id == School.journal_system_id)
        .where(School.municipality_id.in_(ids), School.is_general_education.is_(True))
    ).all(), key=lambda s: (natural_key(s.short_name), s.id))
    school_ids = [s.id for s in schools]
    readiness = {r.school_id: r for r in session.scalars(
        select(SchoolReadiness).where(SchoolReadiness.campaign_id == campaign.id,
                                      SchoolReadiness.school_id.in_(school_ids)))} if school_ids else {}
    return schools, readiness


def _usage_months_of(session: Session, campaign: Campaign, today: dt.date, ids: list[int],
                     milestones: list[MilestoneInfo], has_schools: bool) -> dict[int, dict[dt.date, int]]:
    """Schools using the system, by municipality id and month; read only when usage is judged."""
    usage_months: dict[int, dict[dt.date, int]] = defaultdict(dict)
    if any(m.code == "usage_share" for m in milestones) and has_schools:
        rows = session.execute(
            select(School.municipality_id, UsageSnapshot.month, func.count())
            .join(School, School.id == UsageSnapshot.school_id)
            .where(School.municipality_id.in_(ids), School.is_general_education.is_(True),
                   UsageSnapshot.uses_system.is_(True), UsageSnapshot.month >= campaign.starts_on.replace(day=1),
                   UsageSnapshot.month <= today)
            .group_by(School.municipality_id, UsageSnapshot.month)
        ).all()
        for mid, month, n in rows:
            usage_months[mid][month] = n
    return usage_months


def _school_row(school, readiness: SchoolReadiness | None, milestones: list[MilestoneInfo],
                today: dt.date) -> SchoolRow:
    cells = {}
    for m in milestones:
        if m.level != "school":
            continue
        done_on = readiness_done_on(readiness, m.code, school.journal_system_id)
        status = milestone_status(m.due_on, done_on, today)
        cells[m.code] = Cell(m, status, done_on, {status: 1}, int(status in (ON_TIME, LATE)), 1)
    return SchoolRow(school.id, school.short_name, school[4], readiness.id if readiness else None, cells)


def _schools_cell(m: MilestoneInfo, school_rows: list[SchoolRow]) -> Cell:
    """A school milestone summed up over the municipality's schools: the worst status wins."""
    statuses = [row.cells[m.code].status for row in school_rows]
    counts = {st: statuses.count(st) for st in STATUSES if st in statuses}
    done = counts.get(ON_TIME, 0) + counts.get(LATE, 0)
    return Cell(m, worst_status(statuses), None, counts, done, len(school_rows))


def _usage_cell(m: MilestoneInfo, months: dict[dt.date, int], total: int, campaign: Campaign,
                today: dt.date) -> Cell:
    """No status without schools; `done` is the latest month's count of schools using the system."""
    done_on = usage_done_on(months, total, campaign.target_share, today, m.due_on)
    status = milestone_status(m.due_on, done_on, today) if total else None
    latest = months[max(months)] if months else 0
    return Cell(m, status, done_on, {status: 1} if status else {}, latest, total)


def _municipal_cells(milestones: list[MilestoneInfo], school_rows: list[SchoolRow], plan: RolloutPlan | None,
                     has_targets: bool, months: dict[dt.date, int], campaign: Campaign,
                     today: dt.date) -> dict[str, Cell]:
    cells = {}
    total = len(school_rows)
    for m in milestones:
        if m.level == "school":
            cells[m.code] = _schools_cell(m, school_rows)
        elif m.code == "usage_share":
            cells[m.code] = _usage_cell(m, months, total, campaign, today)
        else:
            done_on = plan_done_on(plan, m.code, has_targets)
            status = milestone_status(m.due_on, done_on, today)
            cells[m.code] = Cell(m, status, done_on, {status: 1})
    return cells


def evaluate(session: Session, campaign: Campaign, today: dt.date, *, where=None,
             municipality_id: int | None = None) -> list[MunicipalityRow]:
    """Every municipality (filtered by the SQL clause `where`, e.g. the user's scope on
    Municipality, and/or one `municipality_id`) with its milestone cells and its schools' rows,
    in the natural order of names. Queries: a fixed handful, independent of the number of
    municipalities."""
    milestones = milestones_of(session, campaign)
    municipalities = municipalities_to_judge(session, where, municipality_id)
    ids = [m.id for m in municipalities]
    if not ids:
        return []

    plans, targets = _plans_with_target_counts(session, campaign, ids)
    schools, readiness = _schools_with_readiness(session, campaign, ids)
    usage_months = _usage_months_of(session, campaign, today, ids, milestones, bool(schools))

    schools_by_municipality: dict[int, list] = defaultdict(list)
    for s in schools:
        schools_by_municipality[s.municipality_id].append(s)

    result = []
    for mid, name in municipalities:
        plan = plans.get(mid)
        has_targets = bool(plan and targets.get(plan.id))
        school_rows = [_school_row(s, readiness.get(s.id), milestones, today) for s in schools_by_municipality[mid]]
        cells = _municipal_cells(milestones, school_rows, plan, has_targets, usage_months.get(mid, {}),
                                 campaign, today)
        result.append(MunicipalityRow(mid, name, plan.id if plan else None, cells, school_rows))
    return result


# Python's str.strip() removes every character for which isspace() is true; the SQL twins of
# the "filled in" tests trim the same set so that a text of only such characters counts as blank.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _filled(column):
    """SQL twin of `(value or "").strip()` being non-empty (NULL counts as blank)."""
    return func.trim(column, _WHITESPACE) != ""


def plan_done_clause(code: str, today: dt.date):
    """SQL twin of `plan_done_on(plan, code, has_targets) <= today` on RolloutPlan (NULL when
    there is no plan, which the caller treats as not done)."""
    p = RolloutPlan
    if code == "plan_approved":
        has_targets = select(PlanTarget.id).where(PlanTarget.plan_id == p.id).exists()
        return and_(_filled(p.approval_doc_number), p.approval_doc_date <= today, has_targets)
    if code == "responsible_appointed":
        return and_(_filled(p.responsible_full_name), p.responsible_appointed_on <= today)
    raise ValueError(f"not a plan milestone: {code}")


READINESS_DATES = {
    "normative_acts": SchoolReadiness.normative_acts_on,
    "system_chosen": SchoolReadiness.system_chosen_on,
    "hardware_ready": SchoolReadiness.hardware_ready_on,
    "staff_trained": SchoolReadiness.staff_trained_on,
}
PLAN_DATES = {
    "plan_approved": RolloutPlan.approval_doc_date,
    "responsible_appointed": RolloutPlan.responsible_appointed_on,
}


def readiness_done_clause(code: str, today: dt.date):
    """SQL twin of `readiness_done_on(readiness, code, school.journal_system_id) <= today` on
    School outer-joined to its SchoolReadiness (NULL, i.e. not done, without a readiness row)."""
    r = SchoolReadiness
    if code == "normative_acts":
        return and_(_filled(r.normative_acts_doc), r.normative_acts_on <= today)
    if code == "system_chosen":
        return and_(School.journal_system_id.is_not(None), r.system_chosen_on <= today)
    if code == "hardware_ready":
        return r.hardware_ready_on <= today
    if code == "staff_trained":
        return and_(r.staff_total != 0, r.staff_trained >= r.staff_total, r.staff_trained_on <= today)
    raise ValueError(f"not a readiness item: {code}")


def usage_months_query(campaign: Campaign, today: dt.date, where):
    """(municipality id, month, general-education schools using the system, general-education
    schools with figures for the month) from the campaign's first month to `today`; the using
    count is what `evaluate` reads."""
    query = (
        select(School.municipality_id, UsageSnapshot.month,
               func.sum(case((UsageSnapshot.uses_system.is_(True), 1), else_=0)), func.count())
        .join(School, School.id == UsageSnapshot.school_id)
        .where(School.is_general_education.is_(True),
               UsageSnapshot.month >= campaign.starts_on.replace(day=1), UsageSnapshot.month <= today)
        .group_by(School.municipality_id, UsageSnapshot.month)
    )
    if where is None:
        return query
    return query.join(Municipality, Municipality.id == School.municipality_id).where(where)
