"""The dashboard and the adoption chart ask the database a fixed number of questions, however
many municipalities, schools, months and reports the region has."""
import datetime as dt

import pytest

from app.models import AnalyticalReport, Milestone, UsageSnapshot
from app.monitoring.indicators import compute_month
from tests.factories import make_municipality, make_school
from tests.monitoring_helpers import SEPTEMBER, build_monitoring_world
from tests.rollout_helpers import MILESTONES_2012, make_plan, make_readiness, make_system
from tests.statements import page_statements

DASHBOARD = "/monitoring/dashboard?month=2012-09"
CHART = "/monitoring/charts?month=2012-09&indicator=lessons_filled"
# The page's own statements, FAB's login and permission checks (ab_* tables) left out: they are
# the same on every page. The scope comes from the process's cache (app/reference_cache.py).
# Dashboard: the campaigns, the shares of both months, the
# plans' targets, the municipalities, the monthly series, the register (reports, months), the
# active campaign, its milestones, the light's thresholds, the control table's counts and usage
# months (the overdue list is read off that table), the threshold.
DASHBOARD_STATEMENTS = 14
# Chart: the distribution, the threshold (its rule for schools without data), the campaigns, the
# shares, the targets, the municipalities, the series.
CHART_STATEMENTS = 7


@pytest.fixture
def mw(app, session):
    world = build_monitoring_world(session, app.appbuilder.sm)
    for code, level, item, title, due in MILESTONES_2012:  # all overdue by now: every query runs
        session.add(Milestone(campaign_id=world.campaign.id, code=code, level=level, order_item=item, title=title,
                              due_on=due))
    compute_month(session, SEPTEMBER)
    session.commit()
    return world


def _grow(session, mw):
    """Three more municipalities with plans, readiness, a year of snapshots and reports."""
    system = make_system(session)
    for n in range(3):
        m = make_municipality(session, f"Гаммовский район {n}")
        make_plan(session, mw.campaign, m, approved_on=dt.date(2012, 7, 1), appointed_on=dt.date(2012, 7, 1),
                  targets=[(dt.date(2012, 9, 1), "50"), (dt.date(2012, 12, 1), "75")])
        for k in range(6):
            school = make_school(session, m, f"СОШ № {n}{k}", journal_system=system)
            make_readiness(session, mw.campaign, school, on=dt.date(2012, 8, 1) + dt.timedelta(days=k))
            for month in range(1, 13):
                session.add(UsageSnapshot(school_id=school.id, month=dt.date(2012 + (month < 9), month, 1),
                                          source="entered", uses_system=k % 2 == 0))
    for month in (dt.date(2012, 9, 1), dt.date(2012, 10, 1)):
        session.add(AnalyticalReport(month=month, due_on=month.replace(month=month.month + 1, day=5),
                                     content=b"xlsx", filename="x.xlsx", generated_at=dt.datetime(2012, 10, 1)))
    session.commit()


@pytest.mark.parametrize("url, expected", [(DASHBOARD, DASHBOARD_STATEMENTS), (CHART, CHART_STATEMENTS)])
def test_monitoring_page_costs_the_same_statements_for_a_bigger_region(mw, as_user, session, url, expected):
    client = as_user("monitor")
    small, _ = page_statements(client, session, url)
    _grow(session, mw)
    big, _ = page_statements(client, session, url)
    assert big == small <= expected
