"""Adoption shares (order 2613 p.4.3): schools using the system / municipal general-education
schools, per municipality and for the region, against the campaign's target (75%) and each
municipality's own planned target. Everything takes a Scope: a coordinator sees own municipality.

Shares are percents rounded half-up to one decimal (66.7); a municipality without
general-education schools has share None. Only general-education schools count, in the
denominator and in the numerator.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.formats import natural_key, percent
from app.models import Campaign, Municipality, PlanTarget, RolloutPlan, School, UsageSnapshot
from app.monitoring import registry
from app.monitoring.months import last_day, previous_month
from app.security.scope import Scope, visible

DEFAULT_TARGET_SHARE = Decimal("75")
DEFAULT_REPORT_DAY = 5
ONE_DECIMAL = Decimal("0.1")


def campaign_for(session: Session, month: dt.date) -> Campaign | None:
    """The campaign running in `month` (latest started), else the latest campaign, else None."""
    return campaign_in(all_campaigns(session), month)


def all_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, latest started first (a region has a handful)."""
    return list(session.scalars(select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())))


def campaign_in(campaigns: list[Campaign], month: dt.date) -> Campaign | None:
    """`campaign_for` over campaigns already loaded by `all_campaigns`."""
    for campaign in campaigns:
        if campaign.starts_on <= last_day(month) and (campaign.ends_on is None or campaign.ends_on >= month):
            return campaign
    return campaigns[0] if campaigns else None


def target_share(campaign: Campaign | None) -> Decimal:
    return Decimal(campaign.target_share) if campaign else DEFAULT_TARGET_SHARE


@dataclass
class MunicipalityShare:
    municipality_id: int
    name: str
    schools_total: int
    schools_using: int
    share: Decimal | None
    target_share: Decimal
    plan_share: Decimal | None = None
    plan_date: dt.date | None = None
    previous_using: int = 0
    previous_share: Decimal | None = None
    with_data: int = 0              # schools with a snapshot for the month

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target_share

    @property
    def meets_plan(self) -> bool | None:
        if self.plan_share is None:
            return None
        return self.share is not None and self.share >= self.plan_share

    @property
    def change(self) -> Decimal | None:
        """Change of the share against the previous month, in percentage points."""
        if self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share


@dataclass
class RegionTotals:
    month: dt.date
    target_share: Decimal
    schools_total: int = 0
    schools_using: int = 0
    share: Decimal | None = None
    previous_using: int = 0
    previous_share: Decimal | None = None
    municipalities: int = 0
    municipalities_meeting_target: int = 0
    snapshots: int = 0              # schools (any kind) with a snapshot for the month
    rows: list[MunicipalityShare] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.snapshots > 0

    @property
    def change(self) -> Decimal | None:
        if self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share


def _using_by_municipality(session: Session, scope: Scope, month: dt.date, previous: dt.date):
    """municipality id -> ((general-education schools, of them using, schools with a snapshot) in
    `month`, the same in `previous`); both months in one pass over the schools."""
    general = School.is_general_education.is_(True)
    using = and_(general, UsageSnapshot.uses_system.is_(True))

    def in_month(condition, when):
        return func.sum(case((and_(condition, UsageSnapshot.month == when), 1), else_=0))

    rows = session.execute(
        select(
            School.municipality_id,
            func.count(func.distinct(case((general, School.id)))),
            in_month(using, month), in_month(True, month),
            in_month(using, previous), in_month(True, previous),
        )
        .outerjoin(UsageSnapshot, and_(UsageSnapshot.school_id == School.id, UsageSnapshot.month.in_([month, previous])))
        .where(visible(scope, School))
        .group_by(School.municipality_id)
    )
    return {m: ((int(total or 0), int(now or 0), int(now_data or 0)),
                (int(total or 0), int(before or 0), int(before_data or 0)))
            for m, total, now, now_data, before, before_data in rows}


def _plan_targets(session: Session, campaign: Campaign | None, month: dt.date) -> dict[int, tuple]:
    """municipality id -> (target_date, share, school_count) of its latest plan target dated no
    later than the month's last day."""
    if campaign is None:
        return {}
    rows = session.execute(
        select(RolloutPlan.municipality_id, PlanTarget.target_date, PlanTarget.share, PlanTarget.school_count)
        .join(PlanTarget, PlanTarget.plan_id == RolloutPlan.id)
        .where(RolloutPlan.campaign_id == campaign.id, PlanTarget.target_date <= last_day(month))
        .order_by(RolloutPlan.municipality_id, PlanTarget.target_date)
    )
    return {m: (target_date, share, school_count) for m, target_date, share, school_count in rows}


def municipality_shares(session: Session, scope: Scope, month: dt.date) -> RegionTotals:
    """Shares of every municipality in scope for `month`, with the region (scope) totals."""
    campaign = campaign_for(session, month)
    target = target_share(campaign)
    both = _using_by_municipality(session, scope, month, previous_month(month))
    now = {m: pair[0] for m, pair in both.items()}
    before = {m: pair[1] for m, pair in both.items()}
    plans = _plan_targets(session, campaign, month)
    totals = RegionTotals(month=month, target_share=target)
    municipalities = session.execute(
        select(Municipality.id, Municipality.name).where(visible(scope, Municipality)).order_by(Municipality.name)
    )
    for municipality_id, name in municipalities:
        total, using, with_data = now.get(municipality_id, (0, 0, 0))
        _, previous_using, previous_data = before.get(municipality_id, (0, 0, 0))
        row = MunicipalityShare(
            municipality_id=municipality_id, name=name, schools_total=total, schools_using=using,
            share=percent(using, total), target_share=target, previous_using=previous_using,
            previous_share=percent(previous_using, total) if previous_data else None, with_data=with_data,
        )
        plan = plans.get(municipality_id)
        if plan is not None:
            plan_date, plan_share, plan_count = plan
            row.plan_date = plan_date
            row.plan_share = (Decimal(plan_share).quantize(ONE_DECIMAL) if plan_share is not None
                              else percent(plan_count, total))
        totals.rows.append(row)
        totals.schools_total += total
        totals.schools_using += using
        totals.previous_using += previous_using
        totals.snapshots += with_data
        totals.municipalities += 1
        totals.municipalities_meeting_target += row.meets_target
    totals.share = percent(totals.schools_using, totals.schools_total)
    had_previous = any(data for _, _, data in before.values())
    totals.previous_share = percent(totals.previous_using, totals.schools_total) if had_previous else None
    return totals


@dataclass
class MonthPoint:
    month: dt.date
    schools_using: int
    schools_total: int
    share: Decimal | None


def region_series(session: Session, scope: Scope, *, until: dt.date, months: int = 12) -> list[MonthPoint]:
    """The share of schools using the system for each month with snapshots, up to `until`
    (at most `months` points, oldest first). The denominator is today's general-education
    schools in scope."""
    general_in_scope = and_(visible(scope, School), School.is_general_education.is_(True))
    total_query = select(func.count()).select_from(School).where(general_in_scope).correlate(None).scalar_subquery()
    rows = session.execute(
        select(UsageSnapshot.month, func.sum(case((UsageSnapshot.uses_system.is_(True), 1), else_=0)), total_query)
        .join(School, School.id == UsageSnapshot.school_id)
        .where(general_in_scope, UsageSnapshot.month <= until)
        .group_by(UsageSnapshot.month)
        .order_by(UsageSnapshot.month.desc())
        .limit(months)
    ).all()
    return [MonthPoint(month, int(using or 0), total or 0, percent(int(using or 0), total or 0))
            for month, using, total in reversed(rows)]


def distribution_indicators() -> dict[str, tuple[str, str, str]]:
    """The shares the distribution chart offers, from app.monitoring.registry:
    key -> (numerator column, denominator column, label), in the chart's order."""
    return {i.share_key or i.code: (i.code, i.part_of, i.share_label) for i in registry.charted()}


DISTRIBUTION_INDICATORS = distribution_indicators()


@dataclass
class Bin:
    label: str
    low: int
    high: int
    schools: int = 0


def indicator_distribution(session: Session, scope: Scope, month: dt.date, indicator: str) -> tuple[list[Bin], int]:
    """How many schools fall in each 10-point band of an indicator's share for `month`.

    Returns (ten bins 0–10 … 90–100, the last one closed; schools with nothing to divide by)."""
    numerator, denominator, _ = distribution_indicators()[indicator]
    bins = [Bin(f"{low}–{low + 10}%", low, low + 10) for low in range(0, 100, 10)]
    undefined = 0
    rows = session.execute(
        select(getattr(UsageSnapshot, numerator), getattr(UsageSnapshot, denominator))
        .join(School, School.id == UsageSnapshot.school_id)
        .where(UsageSnapshot.month == month, visible(scope, School))
    )
    for part, whole in rows:
        if not whole:
            undefined += 1
            continue
        index = min(int(part * 10 // whole), 9)
        bins[index].schools += 1
    return bins, undefined


def chart_value(row: MunicipalityShare) -> Decimal | None:
    """The share a chart draws for a municipality: None (no bar, «нет данных») when no school of it
    has figures for the month, or it has no general-education schools."""
    return row.share if row.with_data and row.share is not None else None


def chart_order(rows: list[MunicipalityShare]) -> list[MunicipalityShare]:
    """The municipalities in the order the share charts (the pages' and the report's) draw them:
    by share, the lowest first, then by name in natural order; those without a share last."""
    return sorted(rows, key=lambda r: (chart_value(r) is None, chart_value(r) or 0, natural_key(r.name),
                                       r.municipality_id))
