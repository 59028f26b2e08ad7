"""Month boundaries on the hand-built region of tests.monitoring_helpers: a month in progress, the
first day of a month, a month that has not begun, and a month with no lessons at all.

Added here to the world: A1's history teacher T3 gives two more October lessons, 18.10 with a
topic and 22.10 without one (the world has 01.10 with a topic already). So October
- on 19.10 (in progress): A1 has 2 lessons due, both filled; T3 is its only active teacher (1 of 3);
- on 01.11 (complete): A1 has 3 due, 2 filled (66.7 %).
A1 does not use the system in October either way (1 of 3 teachers < 50 %); A2, A3, B1 and B3 have
no October lessons and B2 is another vendor's: «нет данных».
"""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.models import Lesson, UsageSnapshot
from app.monitoring.adoption import municipality_shares, region_series
from app.monitoring.coverage import NO_LESSONS, VENDOR
from app.monitoring.indicators import compute_month
from app.monitoring.months import counted_until, incomplete_label, is_complete, last_complete_month
from app.security.scope import load_scope
from tests.factories import make_lesson
from tests.monitoring_helpers import OCTOBER, SEPTEMBER, build_monitoring_world

OCTOBER_19 = dt.date(2012, 10, 19)   # the demo's today: October in progress
NOVEMBER_1 = dt.date(2012, 11, 1)    # the first day of a month: October just complete
NOVEMBER = dt.date(2012, 11, 1)
JULY = dt.date(2012, 7, 1)


@pytest.fixture
def mw(app, session):
    w = build_monitoring_world(session, app.appbuilder.sm)
    october = session.scalars(select(Lesson).where(Lesson.school_id == w.a1.id, Lesson.date == OCTOBER)).one()
    make_lesson(session, october.assignment, dt.date(2012, 10, 18), number=3, topic="Тема 18 октября")
    make_lesson(session, october.assignment, dt.date(2012, 10, 22), number=3)
    compute_month(session, SEPTEMBER, as_of=OCTOBER_19)
    session.commit()
    return w


def a1_october(session, w):
    return session.scalars(select(UsageSnapshot).where(UsageSnapshot.school_id == w.a1.id,
                                                       UsageSnapshot.month == OCTOBER)).one()


@pytest.mark.parametrize("today, complete", [
    (dt.date(2012, 10, 19), dt.date(2012, 9, 1)),
    (dt.date(2012, 10, 1), dt.date(2012, 9, 1)),     # the first day: September, not October
    (dt.date(2012, 10, 31), dt.date(2012, 9, 1)),    # the last day: October is still in progress
    (dt.date(2012, 11, 1), dt.date(2012, 10, 1)),
    (dt.date(2013, 1, 1), dt.date(2012, 12, 1)),
])
def test_pages_open_on_the_last_complete_month(today, complete):
    assert last_complete_month(today) == complete


def test_a_month_is_complete_only_after_its_last_day():
    assert not is_complete(OCTOBER, dt.date(2012, 10, 31))
    assert is_complete(OCTOBER, NOVEMBER_1)
    assert counted_until(OCTOBER, OCTOBER_19) == OCTOBER_19
    assert counted_until(SEPTEMBER, OCTOBER_19) == dt.date(2012, 9, 30)
    assert counted_until(NOVEMBER, OCTOBER_19) == dt.date(2012, 10, 31)   # not begun: nothing counts
    assert counted_until(NOVEMBER, NOVEMBER_1) == NOVEMBER_1


def test_an_incomplete_month_is_labelled_with_its_last_counted_day():
    assert incomplete_label(OCTOBER, OCTOBER_19) == "неполный месяц: по 19.10.2012"
    assert incomplete_label(NOVEMBER, NOVEMBER_1) == "неполный месяц: по 01.11.2012"
    assert incomplete_label(NOVEMBER, OCTOBER_19) == "месяц ещё не начался"
    assert incomplete_label(SEPTEMBER, OCTOBER_19) is None
    assert incomplete_label(OCTOBER, NOVEMBER_1) is None


def test_a_month_in_progress_counts_lessons_up_to_today(mw, session):
    result = compute_month(session, OCTOBER, as_of=OCTOBER_19)
    a1 = a1_october(session, mw)
    assert (a1.lessons_due, a1.lessons_filled, a1.teachers_active, a1.teachers_total) == (2, 2, 1, 3)
    assert a1.uses_system is False
    assert (result.computed, result.until) == (1, OCTOBER_19)
    assert result.no_data == {NO_LESSONS: 4, VENDOR: 1} and result.schools_total == 6
    assert result.message().startswith("октябрь 2012 (неполный месяц: по 19.10.2012): рассчитано по журналу — 1;")


def test_on_the_first_day_of_the_next_month_the_whole_month_counts(mw, session):
    compute_month(session, OCTOBER, as_of=OCTOBER_19)
    result = compute_month(session, OCTOBER, as_of=NOVEMBER_1)
    a1 = a1_october(session, mw)
    assert (a1.lessons_due, a1.lessons_filled) == (3, 2)
    assert result.message().startswith("октябрь 2012: рассчитано по журналу — 1;")


def test_the_first_day_of_a_month_counts_that_day_only(mw, session):
    result = compute_month(session, OCTOBER, as_of=OCTOBER)
    assert (a1_october(session, mw).lessons_due, result.until) == (1, OCTOBER)


def test_a_month_not_begun_is_refused_and_writes_nothing(mw, session):
    with pytest.raises(DomainError, match="Ноябрь 2012 ещё не начался"):
        compute_month(session, NOVEMBER, as_of=OCTOBER_19)
    assert session.scalars(select(UsageSnapshot).where(UsageSnapshot.month == NOVEMBER)).first() is None


def test_a_month_without_lessons_is_no_data_for_every_school_not_zeros(mw, session):
    result = compute_month(session, JULY, as_of=OCTOBER_19)
    assert (result.computed, result.imported, result.entered) == (0, 0, 0)
    assert result.no_data == {NO_LESSONS: 5, VENDOR: 1}
    assert session.scalars(select(UsageSnapshot).where(UsageSnapshot.month == JULY)).first() is None
    totals = municipality_shares(session, load_scope(session, mw.users["ministry"]), JULY, today=OCTOBER_19)
    assert (totals.schools_total, totals.schools_using, totals.no_data, totals.share) == (5, 0, 5, None)
    assert [(r.name, r.share, r.no_data) for r in totals.rows] == [("Альфинский район", None, 2),
                                                                   ("Бетинский район", None, 3)]


def test_a_zero_computed_before_is_removed_when_the_school_has_no_lessons(mw, session):
    # As the earlier rule left it: B1 (no September lessons) computed as all zeros, «не использует».
    session.add(UsageSnapshot(school_id=mw.b1.id, month=SEPTEMBER, source="computed", teachers_total=1))
    session.commit()
    result = compute_month(session, SEPTEMBER, as_of=OCTOBER_19)
    assert result.removed == 1 and result.no_data[NO_LESSONS] == 2
    assert session.scalars(select(UsageSnapshot).where(UsageSnapshot.school_id == mw.b1.id)).first() is None
    assert result.message().endswith("Удалены прежние расчёты школ без уроков в журнале: 1.")


def test_a_month_in_progress_shows_no_change_against_the_previous_month(mw, session):
    compute_month(session, OCTOBER, as_of=OCTOBER_19)
    scope = load_scope(session, mw.users["ministry"])
    october = municipality_shares(session, scope, OCTOBER, today=OCTOBER_19)
    alpha = october.rows[0]
    # A: A1 computed, not using; A2 no October lessons: 0 of 2 (the default rule), September 50,0 %.
    assert (alpha.schools_using, alpha.no_data, alpha.share, alpha.previous_share) == (0, 1, Decimal("0.0"),
                                                                                        Decimal("50.0"))
    assert october.incomplete and october.state_label == "неполный месяц: по 19.10.2012"
    assert alpha.change is None and october.change is None
    complete = municipality_shares(session, scope, OCTOBER, today=NOVEMBER_1)
    assert not complete.incomplete and complete.rows[0].change == Decimal("-50.0")
    assert complete.change == Decimal("-20.0")   # region 0/5 against 1/5
    series = region_series(session, scope, until=OCTOBER, today=OCTOBER_19)
    assert [(p.month, p.schools_using, p.no_data, p.incomplete) for p in series] == [
        (SEPTEMBER, 1, 3, False), (OCTOBER, 0, 4, True)]


@pytest.mark.pg
def test_month_boundaries_and_reasons_on_postgresql(mw, session):
    """The same answers on PostgreSQL (the reasons are SQL CASE over EXISTS, grouped)."""
    result = compute_month(session, OCTOBER, as_of=OCTOBER_19)
    assert (result.computed, result.no_data) == (1, {NO_LESSONS: 4, VENDOR: 1})
    assert a1_october(session, mw).lessons_due == 2
    october = municipality_shares(session, load_scope(session, mw.users["ministry"]), OCTOBER, today=OCTOBER_19)
    assert (october.no_data, october.no_data_reasons, october.change) == (4, {NO_LESSONS: 3, VENDOR: 1}, None)
