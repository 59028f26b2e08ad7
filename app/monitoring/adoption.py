"""Adoption shares (order 2613 p.4.3): schools using the system / municipal general-education
schools, per municipality and for the region, against the campaign's target (75%) and each
municipality's own planned target. Everything takes a Scope: a coordinator sees own municipality.

Shares are percents rounded half-up to one decimal (66.7); a municipality without
general-education schools has share None. Only general-education schools count, in the
denominator and in the numerator.

A school without figures for the month is «нет данных» (app.monitoring.coverage): counted apart
(`no_data`, by reason), and in the share's denominator as not using the system unless the
methodology leaves it out (Threshold.no_data_in_denominator). A month in progress (`today` within
it) shows no change against the previous month: a part of a month is no trend.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from app.formats import natural_key, percent
from app.models import Campaign, Municipality, PlanTarget, RolloutPlan, School, UsageSnapshot
from app.monitoring import coverage, registry
from app.monitoring.months import counted_until, incomplete_label, is_complete, last_day, previous_month
from app.monitoring.thresholds import Threshold, current_threshold
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
    with_data: int = 0              # general-education schools with a snapshot for the month
    no_data: int = 0                # general-education schools without one («нет данных»)
    incomplete: bool = False        # the month is in progress: no change is shown

    @property
    def not_using(self) -> int:
        """Schools with figures whose verdict is «не использует»."""
        return self.schools_total - self.schools_using - self.no_data

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target_share

    @property
    def meets_plan(self) -> bool | None:
        if self.plan_share is None or self.share is None:  # no plan, or no figures to judge by
            return None
        return self.share >= self.plan_share

    @property
    def change(self) -> Decimal | None:
        """Change of the share against the previous month, in percentage points; None for a month in
        progress."""
        if self.incomplete or self.share is None or self.previous_share is None:
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
    snapshots: int = 0              # general-education schools with a snapshot for the month
    rows: list[MunicipalityShare] = field(default_factory=list)
    no_data: int = 0                # general-education schools without one («нет данных»)
    no_data_reasons: dict[str, int] = field(default_factory=dict)  # app.monitoring.coverage reason -> schools
    no_data_in_denominator: bool = True   # the methodology's rule the shares were counted by
    today: dt.date | None = None    # the day the figures are read on (None: the month as complete)

    @property
    def has_data(self) -> bool:
        return self.snapshots > 0

    @property
    def incomplete(self) -> bool:
        """The month is still in progress (or not begun) on `today`."""
        return self.today is not None and not is_complete(self.month, self.today)

    @property
    def state_label(self) -> str | None:
        """«неполный месяц: по 19.10.2012» for a month in progress; None for a complete one."""
        return incomplete_label(self.month, self.today) if self.incomplete else None

    @property
    def not_using(self) -> int:
        return self.schools_total - self.schools_using - self.no_data

    @property
    def change(self) -> Decimal | None:
        """Change of the region's share against the previous month; None for a month in progress."""
        if self.incomplete or self.share is None or self.previous_share is None:
            return None
        return self.share - self.previous_share


@dataclass
class _Counts:
    """One municipality's general-education schools in a month and the month before."""
    total: int = 0
    using: int = 0
    with_data: int = 0
    previous_using: int = 0
    previous_with_data: int = 0
    no_data: dict[str, int] = field(default_factory=dict)  # reason -> schools without figures


def _using_by_municipality(session: Session, scope: Scope, month: dt.date, previous: dt.date,
                           until: dt.date) -> dict[int, _Counts]:
    """municipality id -> its general-education schools' counts in `month` and `previous`, with the
    reason of each school without figures in `month`; one statement, one row per school inside."""
    now, before = aliased(UsageSnapshot), aliased(UsageSnapshot)
    per_school = (
        select(
            School.municipality_id.label("municipality_id"),
            case((now.uses_system.is_(True), 1), else_=0).label("using"),
            case((now.id.is_not(None), 1), else_=0).label("with_data"),
            case((before.uses_system.is_(True), 1), else_=0).label("previous_using"),
            case((before.id.is_not(None), 1), else_=0).label("previous_with_data"),
            case((now.id.is_(None), coverage.no_data_reason(month, until))).label("missing"),
        )
        .outerjoin(now, and_(now.school_id == School.id, now.month == month))
        .outerjoin(before, and_(before.school_id == School.id, before.month == previous))
        .where(visible(scope, School), School.is_general_education.is_(True))
        .subquery()
    )
    c = per_school.c
    # Grouped by the reason too, so each school's reason is worked out once (its EXISTS probes
    # run only for a school without a snapshot).
    rows = session.execute(
        select(c.municipality_id, c.missing, func.count(), func.sum(c.using), func.sum(c.with_data),
               func.sum(c.previous_using), func.sum(c.previous_with_data))
        .group_by(c.municipality_id, c.missing)
    )
    result: dict[int, _Counts] = {}
    for municipality_id, missing, total, using, with_data, previous_using, previous_with_data in rows:
        counts = result.setdefault(municipality_id, _Counts())
        counts.total += int(total)
        counts.using += int(using or 0)
        counts.with_data += int(with_data or 0)
        counts.previous_using += int(previous_using or 0)
        counts.previous_with_data += int(previous_with_data or 0)
        if missing is not None:
            counts.no_data[missing] = counts.no_data.get(missing, 0) + int(total)
    return result


def _share(using: int, total: int, no_data: int, no_data_in_denominator: bool) -> Decimal | None:
    """The share by the methodology's rule: schools without figures in the denominator or not."""
    return percent(using, total if no_data_in_denominator else total - no_data)


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


def municipality_shares(session: Session, scope: Scope, month: dt.date, *, today: dt.date | None = None,
                        threshold: Threshold | None = None) -> RegionTotals:
    """Shares of every municipality in scope for `month`, with the region (scope) totals.

    `today`: the day the figures are read on (the app's today); a month in progress counts its
    schools' lessons up to it and shows no change. None reads the month as complete. `threshold`
    carries the methodology's rule for schools without figures (default: the current one)."""
    campaign = campaign_for(session, month)
    target = target_share(campaign)
    rule = (threshold or current_threshold(session)).no_data_in_denominator
    until = counted_until(month, today) if today else last_day(month)
    counts = _using_by_municipality(session, scope, month, previous_month(month), until)
    plans = _plan_targets(session, campaign, month)
    totals = RegionTotals(month=month, target_share=target, no_data_in_denominator=rule, today=today)
    incomplete = totals.incomplete
    municipalities = session.execute(
        select(Municipality.id, Municipality.name).where(visible(scope, Municipality)).order_by(Municipality.name)
    )
    previous_no_data = 0
    for municipality_id, name in municipalities:
        c = counts.get(municipality_id, _Counts())
        no_data = sum(c.no_data.values())
        row = MunicipalityShare(
            municipality_id=municipality_id, name=name, schools_total=c.total, schools_using=c.using,
            share=_share(c.using, c.total, no_data, rule) if c.with_data else None, target_share=target,
            previous_using=c.previous_using,
            previous_share=(_share(c.previous_using, c.total, c.total - c.previous_with_data, rule)
                            if c.previous_with_data else None),
            with_data=c.with_data, no_data=no_data, incomplete=incomplete,
        )
        plan = plans.get(municipality_id)
        if plan is not None:
            plan_date, plan_share, plan_count = plan
            row.plan_date = plan_date
            row.plan_share = (Decimal(plan_share).quantize(ONE_DECIMAL) if plan_share is not None
                              else percent(plan_count, c.total))
        totals.rows.append(row)
        totals.schools_total += c.total
        totals.schools_using += c.using
        totals.previous_using += c.previous_using
        totals.snapshots += c.with_data
        totals.no_data += no_data
        previous_no_data += c.total - c.previous_with_data
        for reason, n in c.no_data.items():
            totals.no_data_reasons[reason] = totals.no_data_reasons.get(reason, 0) + n
        totals.municipalities += 1
        totals.municipalities_meeting_target += row.meets_target
    # Without a single school's figures there is no share to show, not a share of 0 %.
    totals.share = _share(totals.schools_using, totals.schools_total, totals.no_data, rule) if totals.snapshots else None
    had_previous = any(c.previous_with_data for c in counts.values())
    totals.previous_share = (_share(totals.previous_using, totals.schools_total, previous_no_data, rule)
                             if had_previous else None)
    return totals


@dataclass
class MonthPoint:
    month: dt.date
    schools_using: int
    schools_total: int
    share: Decimal | None
    no_data: int = 0                # schools without figures that month
    incomplete: bool = False        # the month is in progress: a part of a month, not a trend


def region_series(session: Session, scope: Scope, *, until: dt.date, months: int = 12, today: dt.date | None = None,
                  threshold: Threshold | None = None) -> list[MonthPoint]:
    """The share of schools using the system for each month with snapshots, up to `until`
    (at most `months` points, oldest first). The denominator is today's general-education
    schools in scope, less those without figures that month if the methodology says so
    (`threshold`, default the current one). A month not complete on `today` is marked."""
    rule = (threshold or current_threshold(session)).no_data_in_denominator
    general_in_scope = and_(visible(scope, School), School.is_general_education.is_(True))
    total_query = select(func.count()).select_from(School).where(general_in_scope).correlate(None).scalar_subquery()
    rows = session.execute(
        select(UsageSnapshot.month, func.sum(case((UsageSnapshot.uses_system.is_(True), 1), else_=0)), func.count(),
               total_query)
        .join(School, School.id == UsageSnapshot.school_id)
        .where(general_in_scope, UsageSnapshot.month <= until)
        .group_by(UsageSnapshot.month)
        .order_by(UsageSnapshot.month.desc())
        .limit(months)
    ).all()
    points = []
    for month, using, with_data, total in reversed(rows):
        using, total = int(using or 0), int(total or 0)
        no_data = max(total - int(with_data), 0)
        points.append(MonthPoint(month, using, total, _share(using, total, no_data, rule), no_data,
                                 today is not None and not is_complete(month, today)))
    return points


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


def indicator_distribution(session: Session, scope: Scope, month: dt.date,
                           indicator: str) -> tuple[list[Bin], int, int]:
    """How many schools fall in each 10-point band of an indicator's share for `month`.

    Returns (ten bins 0–10 … 90–100, the last one closed; schools with figures but nothing to divide
    by; schools without figures for the month, «нет данных», which are in no bin)."""
    numerator, denominator, _ = distribution_indicators()[indicator]
    bins = [Bin(f"{low}–{low + 10}%", low, low + 10) for low in range(0, 100, 10)]
    undefined = no_data = 0
    rows = session.execute(
        select(UsageSnapshot.id, getattr(UsageSnapshot, numerator), getattr(UsageSnapshot, denominator))
        .select_from(School)
        .outerjoin(UsageSnapshot, and_(UsageSnapshot.school_id == School.id, UsageSnapshot.month == month))
        .where(visible(scope, School))
    )
    for snapshot_id, part, whole in rows:
        if snapshot_id is None:
            no_data += 1
            continue
        if not whole:
            undefined += 1
            continue
        index = min(int(part * 10 // whole), 9)
        bins[index].schools += 1
    return bins, undefined, no_data


def chart_value(row: MunicipalityShare) -> Decimal | None:
    """The share a chart draws for a municipality: None (no bar, «нет данных») when no school of it
    has figures for the month, or it has no general-education schools."""
    return row.share if row.with_data and row.share is not None else None


def chart_order(rows: list[MunicipalityShare]) -> list[MunicipalityShare]:
    """The municipalities in the order the share charts (the pages' and the report's) draw them:
    by share, the lowest first, then by name in natural order; those without a share last."""
    return sorted(rows, key=lambda r: (chart_value(r) is None, chart_value(r) or 0, natural_key(r.name),
                                       r.municipality_id))
