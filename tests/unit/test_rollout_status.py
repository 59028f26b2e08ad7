"""Milestone status at the boundary dates, and the status of whole municipalities and schools."""
import datetime as dt

import pytest

from app.rollout import status as st
from app.rollout.deadlines import deadline_table, overdue_list
from app.rollout.status import (
    GREEN, GREY, LATE, NOT_DUE, ON_TIME, OVERDUE, RED, YELLOW,
    active_campaign, evaluate, milestone_status,
)
from tests.factories import make_municipality, make_school
from tests.rollout_helpers import (
    PLAN_DUE, READINESS_DUE, USAGE_DUE, make_campaign, make_plan, make_readiness, make_snapshot,
)

D = dt.date
DUE = D(2012, 7, 1)
DAY = dt.timedelta(days=1)


# --- one milestone, around its due date --------------------------------------------------

def test_not_done_the_day_before_the_deadline_is_not_due_yet():
    assert milestone_status(DUE, None, DUE - DAY) == NOT_DUE


def test_not_done_on_the_deadline_day_is_not_due_yet():
    assert milestone_status(DUE, None, DUE) == NOT_DUE


def test_not_done_the_day_after_the_deadline_is_overdue():
    assert milestone_status(DUE, None, DUE + DAY) == OVERDUE


def test_done_the_day_before_the_deadline_is_on_time():
    assert milestone_status(DUE, DUE - DAY, DUE - DAY) == ON_TIME
    assert milestone_status(DUE, DUE - DAY, DUE + DAY) == ON_TIME


def test_done_on_the_deadline_day_counts_as_on_time():
    assert milestone_status(DUE, DUE, DUE) == ON_TIME
    assert milestone_status(DUE, DUE, DUE + 30 * DAY) == ON_TIME


def test_done_the_day_after_the_deadline_is_late():
    assert milestone_status(DUE, DUE + DAY, DUE + DAY) == LATE
    assert milestone_status(DUE, DUE + DAY, DUE + 100 * DAY) == LATE


def test_a_done_date_in_the_future_does_not_count_yet():
    assert milestone_status(DUE, DUE - DAY, DUE - 2 * DAY) == NOT_DUE
    assert milestone_status(DUE, DUE + 5 * DAY, DUE + DAY) == OVERDUE


@pytest.mark.parametrize("statuses, light", [
    ([ON_TIME, NOT_DUE], GREEN),
    ([ON_TIME, LATE, NOT_DUE], YELLOW),
    ([ON_TIME, LATE, OVERDUE], RED),
    ([NOT_DUE, NOT_DUE], GREY),
    ([], GREY),
    ([None, ON_TIME], GREEN),
])
def test_traffic_light(statuses, light):
    assert st.light_of(statuses) == light


def test_worst_status_of_a_group():
    assert st.worst_status([ON_TIME, LATE]) == LATE
    assert st.worst_status([ON_TIME, NOT_DUE, LATE]) == NOT_DUE
    assert st.worst_status([NOT_DUE, OVERDUE]) == OVERDUE
    assert st.worst_status([]) is None


# --- with records ---------------------------------------------------------------------

@pytest.fixture
def region(session):
    campaign = make_campaign(session)
    m = make_municipality(session, "Истринский район")
    s1 = make_school(session, m, "СОШ № 1")
    s2 = make_school(session, m, "СОШ № 2")
    return campaign, m, s1, s2


def _row(session, campaign, today):
    rows = evaluate(session, campaign, today)
    assert len(rows) == 1
    return rows[0]


def test_plan_approved_needs_a_target(session, region):
    campaign, m, *_ = region
    make_plan(session, campaign, m, approved_on=PLAN_DUE, appointed_on=PLAN_DUE)
    row = _row(session, campaign, PLAN_DUE + DAY)
    assert row.cells["plan_approved"].status == OVERDUE
    assert row.cells["responsible_appointed"].status == ON_TIME


def test_plan_approved_on_the_deadline_with_targets_is_on_time(session, region):
    campaign, m, *_ = region
    make_plan(session, campaign, m, approved_on=PLAN_DUE, appointed_on=PLAN_DUE - DAY,
              targets=[(USAGE_DUE, "75")])
    for today in (PLAN_DUE, PLAN_DUE + DAY):
        row = _row(session, campaign, today)
        assert row.cells["plan_approved"].status == ON_TIME
        assert row.cells["plan_approved"].done_on == PLAN_DUE


def test_plan_approved_a_day_late_is_late(session, region):
    campaign, m, *_ = region
    make_plan(session, campaign, m, approved_on=PLAN_DUE + DAY, appointed_on=PLAN_DUE + DAY,
              targets=[(USAGE_DUE, "75")])
    row = _row(session, campaign, PLAN_DUE + 2 * DAY)
    assert row.cells["plan_approved"].status == LATE
    assert row.cells["responsible_appointed"].status == LATE
    assert row.light == YELLOW  # late, and the schools' deadline has not come


def test_school_items_at_the_readiness_deadline(session, region):
    campaign, m, s1, s2 = region
    make_readiness(session, campaign, s1, on=READINESS_DUE)
    make_readiness(session, campaign, s2, on=READINESS_DUE, hardware=READINESS_DUE + DAY)
    before = _row(session, campaign, READINESS_DUE - DAY)
    on_day = _row(session, campaign, READINESS_DUE)
    after = _row(session, campaign, READINESS_DUE + DAY)
    # The day before, the dates entered are still in the future: nothing is done yet.
    assert before.cells["hardware_ready"].status == NOT_DUE
    assert on_day.cells["normative_acts"].counts == {ON_TIME: 2}
    assert on_day.cells["hardware_ready"].counts == {ON_TIME: 1, NOT_DUE: 1}
    assert after.cells["hardware_ready"].counts == {ON_TIME: 1, LATE: 1}
    assert after.cells["hardware_ready"].status == LATE
    assert (after.cells["hardware_ready"].done, after.cells["hardware_ready"].total) == (2, 2)
    school2 = next(s for s in after.schools if s.school_id == s2.id)
    assert school2.cells["hardware_ready"].status == LATE and school2.light == YELLOW


def test_staff_trained_needs_all_staff(session, region):
    campaign, m, s1, s2 = region
    make_readiness(session, campaign, s1, on=READINESS_DUE, staff=(9, 10))
    make_readiness(session, campaign, s2, on=READINESS_DUE)
    row = _row(session, campaign, READINESS_DUE + DAY)
    assert row.cells["staff_trained"].counts == {ON_TIME: 1, OVERDUE: 1}
    assert row.cells["staff_trained"].status == OVERDUE


def test_system_chosen_needs_the_system(session, region):
    campaign, m, s1, s2 = region
    make_readiness(session, campaign, s1, on=READINESS_DUE)
    s1.journal_system_id = None
    session.flush()
    row = _row(session, campaign, READINESS_DUE)
    assert next(s for s in row.schools if s.school_id == s1.id).cells["system_chosen"].status == NOT_DUE


def test_usage_share_reaches_the_target_in_september(session, region):
    campaign, m, s1, s2 = region
    s3 = make_school(session, m, "СОШ № 3")
    s4 = make_school(session, m, "СОШ № 4")
    for s in (s1, s2, s3):
        make_snapshot(session, s, D(2012, 9, 1))
    make_snapshot(session, s4, D(2012, 9, 1), uses=False)
    assert _row(session, campaign, USAGE_DUE - DAY).cells["usage_share"].status == NOT_DUE
    cell = _row(session, campaign, USAGE_DUE).cells["usage_share"]
    assert cell.status == ON_TIME and (cell.done, cell.total) == (3, 4)


def test_usage_share_below_target_is_overdue_and_later_late(session, region):
    campaign, m, s1, s2 = region
    make_snapshot(session, s1, D(2012, 9, 1))
    assert _row(session, campaign, USAGE_DUE + DAY).cells["usage_share"].status == OVERDUE
    make_snapshot(session, s2, D(2012, 10, 1))
    make_snapshot(session, s1, D(2012, 10, 1))
    assert _row(session, campaign, D(2012, 10, 2)).cells["usage_share"].status == LATE


def test_schools_outside_general_education_do_not_count(session, region):
    campaign, m, s1, s2 = region
    s2.is_general_education = False
    make_readiness(session, campaign, s1, on=READINESS_DUE)
    row = _row(session, campaign, READINESS_DUE + DAY)
    assert [s.school_id for s in row.schools] == [s1.id]
    assert row.cells["hardware_ready"].status == ON_TIME


def test_municipality_turns_green_when_everything_due_is_on_time(session, region):
    campaign, m, s1, s2 = region
    make_plan(session, campaign, m, approved_on=D(2012, 6, 25), appointed_on=D(2012, 6, 20),
              targets=[(USAGE_DUE, "75")])
    make_readiness(session, campaign, s1, on=D(2012, 7, 20))
    row = _row(session, campaign, D(2012, 8, 15))
    assert row.light == RED  # school 2 has no readiness
    make_readiness(session, campaign, s2, on=D(2012, 7, 25))
    row = _row(session, campaign, D(2012, 8, 15))
    assert row.light == GREEN
    assert row.cells["usage_share"].status == NOT_DUE


def test_overdue_milestones_summary(session, region):
    campaign, m, s1, s2 = region
    other = make_municipality(session, "Клинский район")
    make_school(session, other, "СОШ № 9")
    make_plan(session, campaign, m, approved_on=PLAN_DUE, appointed_on=PLAN_DUE, targets=[(USAGE_DUE, "75")])
    make_readiness(session, campaign, s1, on=READINESS_DUE)
    assert overdue_list(deadline_table(session, campaign, PLAN_DUE)) == []
    items = overdue_list(deadline_table(session, campaign, READINESS_DUE + DAY))
    by_code = {i.code: i for i in items}
    assert set(by_code) == {"plan_approved", "responsible_appointed", "normative_acts", "system_chosen",
                            "hardware_ready", "staff_trained"}
    assert by_code["plan_approved"].municipalities == [(other.id, "Клинский район")]
    assert by_code["plan_approved"].days_overdue == 32
    assert by_code["hardware_ready"].municipality_count == 2
    assert by_code["hardware_ready"].school_count == 2  # school 2 of Истринский and school 9


def test_active_campaign_by_date(session):
    first = make_campaign(session, title="2012", starts=D(2012, 6, 13), ends=D(2013, 5, 31))
    second = make_campaign(session, title="2013", starts=D(2013, 6, 1), ends=None)
    assert active_campaign(session, D(2012, 1, 1)) == first   # before all: the earliest
    assert active_campaign(session, D(2012, 9, 1)) == first
    assert active_campaign(session, D(2013, 5, 31)) == first
    assert active_campaign(session, D(2013, 6, 1)) == second
    assert active_campaign(session, D(2020, 1, 1)) == second  # open end


def test_overdue_milestones_narrowed_to_a_users_municipalities(session, region, world):
    """The monitoring dashboard reads the control page's table with `where=visible(scope, Municipality)`."""
    from app.models import Municipality
    from app.security import roles as R
    from app.security.scope import Scope, visible

    campaign, m, s1, s2 = region
    make_plan(session, campaign, world.municipality_a, approved_on=PLAN_DUE, appointed_on=PLAN_DUE,
              targets=[(USAGE_DUE, "75")])
    coordinator = Scope(role=R.MUNICIPAL, municipality_id=world.municipality_a.id)
    items = overdue_list(deadline_table(session, campaign, PLAN_DUE + DAY, where=visible(coordinator, Municipality)))
    assert items == []  # its own plan is done; Истринский's overdue plan is not in its scope
    ministry = Scope(role=R.MINISTRY)
    items = overdue_list(deadline_table(session, campaign, PLAN_DUE + DAY, where=visible(ministry, Municipality)))
    assert [i.code for i in items] == ["plan_approved", "responsible_appointed"]
    assert items[0].municipality_count == 2  # Истринский and Клинский (world b) have no plan
    assert str(items[0]).startswith("п.4.1 План внедрения с количественными показателями (срок 01.07.2012")
