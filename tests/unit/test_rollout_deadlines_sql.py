"""The graded table (app.rollout.deadlines) is counted by the database; its counts must say
exactly what the per-school evaluation (`evaluate`, used by the drill-down pages) says, on every
boundary, for every municipality and milestone; the dashboard's overdue list is read off it."""
import datetime as dt
import random

import pytest

from app.models import Municipality
from app.rollout.deadlines import deadline_table, overdue_list
from app.rollout.status import LATE, NOT_DUE, ON_TIME, OVERDUE, evaluate, milestones_of
from app.security import roles as R
from app.security.scope import Scope, visible
from tests.factories import make_municipality, make_school
from tests.rollout_helpers import (
    PLAN_DUE, READINESS_DUE, USAGE_DUE, make_campaign, make_plan, make_readiness, make_snapshot, make_system,
)

DAY = dt.timedelta(days=1)
D = dt.date
TODAYS = (PLAN_DUE - DAY, PLAN_DUE, PLAN_DUE + DAY, READINESS_DUE, READINESS_DUE + DAY,
          USAGE_DUE, USAGE_DUE + DAY, D(2012, 10, 1), D(2012, 10, 2), D(2012, 12, 15))
STATUS_COUNTS = (ON_TIME, LATE, OVERDUE, NOT_DUE)


def _expected(session, campaign, today, where=None):
    """{(municipality id, milestone): (counts per status, done date)} read off `evaluate`."""
    result = {}
    for row in evaluate(session, campaign, today, where=where):
        for code, cell in row.cells.items():
            done = cell.milestone.level != "school" and cell.status in (ON_TIME, LATE)
            done_on = cell.done_on if done else None  # a date in the future is not done yet
            result[(row.municipality_id, code)] = (tuple(cell.counts.get(s, 0) for s in STATUS_COUNTS), done_on)
    return result


def _got(session, campaign, today, where=None):
    table = deadline_table(session, campaign, today, where=where, sort="name")
    return {(row.municipality_id, code): (tuple(g.count(s) for s in STATUS_COUNTS),
                                          g.done_on if not g.per_school else None)
            for row in table.rows for code, g in row.cells.items()}


def _expected_overdue(session, campaign, today, where=None):
    """Overdue milestones read off the cells of `evaluate`, as the dashboard once did."""
    rows = evaluate(session, campaign, today, where=where)
    result = []
    for m in milestones_of(session, campaign):
        late = [(row.municipality_id, row.name) for row in rows if row.cells[m.code].status == OVERDUE]
        if late:
            schools = sum(row.cells[m.code].counts.get(OVERDUE, 0) for row in rows) if m.level == "school" else 0
            result.append((m.code, late, schools, (today - m.due_on).days))
    return result


def _got_overdue(session, campaign, today, where=None):
    return [(i.code, i.municipalities, i.school_count, i.days_overdue)
            for i in overdue_list(deadline_table(session, campaign, today, where=where))]


def _date_near(rnd, due):
    return rnd.choice([None, due - 3 * DAY, due - DAY, due, due + DAY, due + 20 * DAY, due + 90 * DAY])


def _varied_region(session, seed=2613):
    """Municipalities with every combination the rules distinguish: no plan, a plan without
    targets, blank document numbers, dates on and around the deadlines and in the future,
    partly trained staff, no journal system, schools outside general education, no schools."""
    rnd = random.Random(seed)
    campaign = make_campaign(session)
    system = make_system(session)
    make_municipality(session, "Район без школ")
    lone = make_municipality(session, "Район с одной гимназией вне общего образования")
    make_school(session, lone, "Вечерняя школа").is_general_education = False
    for n in range(8):
        m = make_municipality(session, f"Район {n:02d}")
        kind = n % 4
        if kind:
            plan = make_plan(session, campaign, m, approved_on=_date_near(rnd, PLAN_DUE),
                             appointed_on=_date_near(rnd, PLAN_DUE),
                             targets=[(USAGE_DUE, "75")] if kind != 2 else [])
            if n == 5:
                plan.approval_doc_number = " \t\xa0"
            if n == 6:
                plan.responsible_full_name = "   "
        for k in range(rnd.randint(0 if n == 7 else 1, 6)):
            school = make_school(session, m, f"СОШ № {n}{k}")
            if rnd.random() < 0.15:
                school.is_general_education = False
            if rnd.random() < 0.8:
                r = make_readiness(
                    session, campaign, school, acts=_date_near(rnd, READINESS_DUE),
                    chosen=_date_near(rnd, READINESS_DUE), hardware=_date_near(rnd, READINESS_DUE),
                    trained=_date_near(rnd, READINESS_DUE), staff=rnd.choice([(10, 10), (9, 10), (0, 0), (12, 12)]),
                    system=system if rnd.random() < 0.8 else None)
                if rnd.random() < 0.2:
                    r.normative_acts_doc = rnd.choice(["", "  ", "\u2003"])
                if rnd.random() < 0.1:
                    school.journal_system_id = None
            for month in (D(2012, 6, 1), D(2012, 9, 1), D(2012, 10, 1), D(2012, 11, 1)):
                if rnd.random() < 0.7:
                    make_snapshot(session, school, month, uses=rnd.random() < 0.75)
    session.flush()
    return campaign


def _compare_everywhere(session, world=None):
    campaign = _varied_region(session)
    seen = set()
    for today in TODAYS:
        expected = _expected(session, campaign, today)
        assert _got(session, campaign, today) == expected, today
        assert _got_overdue(session, campaign, today) == _expected_overdue(session, campaign, today), today
        seen |= {code for (_mid, code), (counts, _) in expected.items() if counts[2]}
    assert seen == {"plan_approved", "responsible_appointed", "normative_acts", "system_chosen",
                    "hardware_ready", "staff_trained", "usage_share"}  # the world exercises every rule
    some = session.query(Municipality).filter(Municipality.name.in_(["Район 01", "Район 03"])).all()
    where = Municipality.id.in_([m.id for m in some])
    for today in TODAYS:
        assert _got(session, campaign, today, where) == _expected(session, campaign, today, where), today
        assert _got_overdue(session, campaign, today, where) == _expected_overdue(session, campaign, today, where)


def test_graded_table_counted_in_sql_matches_the_evaluation_of_every_school(session):
    _compare_everywhere(session)


@pytest.mark.pg
def test_graded_table_counted_in_sql_matches_the_evaluation_on_postgresql(session):
    _compare_everywhere(session)


def test_graded_table_in_a_coordinators_scope_matches_the_evaluation(session, world):
    campaign = _varied_region(session)
    coordinator = Scope(role=R.MUNICIPAL, municipality_id=world.municipality_a.id)
    make_school(session, world.municipality_a, "СОШ координатора")
    where = visible(coordinator, Municipality)
    got = _got(session, campaign, USAGE_DUE + DAY, where)
    assert got == _expected(session, campaign, USAGE_DUE + DAY, where)
    assert {mid for mid, _code in got} == {world.municipality_a.id}
    assert _got_overdue(session, campaign, USAGE_DUE + DAY, where) == _expected_overdue(
        session, campaign, USAGE_DUE + DAY, where)


def test_graded_table_takes_a_fixed_number_of_statements(session):
    from sqlalchemy import event

    campaign = _varied_region(session)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        deadline_table(session, campaign, D(2012, 12, 15))
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) == 4, statements  # milestones, thresholds, municipalities with counts, usage months
