"""Builders for rollout tests: the 2012 campaign of order 2613, plans, readiness, snapshots."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.models import (
    Campaign,
    JournalSystem,
    Milestone,
    PlanTarget,
    RolloutPlan,
    SchoolReadiness,
    UsageSnapshot,
)

D = dt.date
PLAN_DUE = D(2012, 7, 1)
READINESS_DUE = D(2012, 8, 1)
USAGE_DUE = D(2012, 9, 1)

MILESTONES_2012 = (
    ("plan_approved", "municipality", "4.1", "План внедрения с количественными показателями", PLAN_DUE),
    ("responsible_appointed", "municipality", "4.1", "Назначение ответственного лица", PLAN_DUE),
    ("normative_acts", "school", "4.2", "Нормативно-правовое обеспечение", READINESS_DUE),
    ("system_chosen", "school", "4.2", "Выбор варианта системы", READINESS_DUE),
    ("hardware_ready", "school", "4.2", "Технические средства и ПО", READINESS_DUE),
    ("staff_trained", "school", "4.2", "Обучение работников", READINESS_DUE),
    ("usage_share", "municipality", "4.3", "Использование не менее чем в 75% школ", USAGE_DUE),
)


def make_campaign(session, *, title="Внедрение электронных журналов 2012", starts=D(2012, 6, 13),
                  ends=D(2013, 5, 31), codes=None):
    c = Campaign(title=title, order_number="2613", order_date=D(2012, 6, 13), target_share=Decimal("75"),
                 report_day=5, starts_on=starts, ends_on=ends)
    session.add(c)
    session.flush()
    for code, level, item, name, due in MILESTONES_2012:
        if codes is None or code in codes:
            session.add(Milestone(campaign_id=c.id, code=code, level=level, order_item=item, title=name, due_on=due))
    session.flush()
    session.refresh(c)
    return c


def make_system(session, name="Электронный журнал МО", own=True):
    s = session.query(JournalSystem).filter_by(name=name).one_or_none()
    if s is None:
        s = JournalSystem(name=name, vendor="Министерство образования МО" if own else "Другой поставщик", is_own=own)
        session.add(s)
        session.flush()
    return s


def make_plan(session, campaign, municipality, *, approved_on=None, appointed_on=None, targets=()):
    plan = RolloutPlan(campaign_id=campaign.id, municipality_id=municipality.id)
    if approved_on:
        plan.approval_doc_number = "112-р"
        plan.approval_doc_date = approved_on
    if appointed_on:
        plan.responsible_full_name = "Смирнова Ольга Викторовна"
        plan.responsible_position = "начальник отдела"
        plan.responsible_appointed_on = appointed_on
    session.add(plan)
    session.flush()
    for date, share in targets:
        session.add(PlanTarget(plan_id=plan.id, target_date=date, share=Decimal(share)))
    session.flush()
    return plan


def make_readiness(session, campaign, school, *, on=None, acts=None, chosen=None, hardware=None,
                   trained=None, system=None, staff=(10, 10)):
    """Readiness of a school; `on` sets every item's date at once, the others override one item."""
    acts = acts or on
    chosen = chosen or on
    hardware = hardware or on
    trained = trained or on
    if chosen and system is None:
        system = make_system(session)
    if system is not None:
        school.journal_system_id = system.id
    r = SchoolReadiness(campaign_id=campaign.id, school_id=school.id,
                        normative_acts_doc="Положение об электронном журнале" if acts else None,
                        normative_acts_on=acts, system_chosen_on=chosen, hardware_ready_on=hardware,
                        staff_trained=staff[0] if trained else None, staff_total=staff[1] if trained else None,
                        staff_trained_on=trained)
    session.add(r)
    session.flush()
    return r


def make_snapshot(session, school, month, uses=True):
    s = UsageSnapshot(school_id=school.id, month=month, source="entered", uses_system=uses)
    session.add(s)
    session.flush()
    return s
