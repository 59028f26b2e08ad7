"""Indicators and verdicts on the hand-built region of tests.monitoring_helpers (answers by hand)."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.errors import DomainError
from app.models import UsageSnapshot, UsageThreshold
from app.monitoring.coverage import NO_LESSONS, VENDOR
from app.monitoring.indicators import compute_month, indicators_for_month
from app.monitoring.months import month_key, next_month, parse_month, previous_month
from app.monitoring.thresholds import Threshold, change_thresholds, current_threshold, uses_system
from tests.monitoring_helpers import (
    AUGUST, EXPECTED_A1, EXPECTED_A2, SEPTEMBER, build_monitoring_world,
)


@pytest.fixture
def mw(app, session):
    return build_monitoring_world(session, app.appbuilder.sm)


def snapshot(session, school, month=SEPTEMBER):
    return session.scalars(select(UsageSnapshot).where(UsageSnapshot.school_id == school.id,
                                                       UsageSnapshot.month == month)).one_or_none()


def figures(s):
    return {k: getattr(s, k) for k in EXPECTED_A1}


def test_indicators_match_hand_worked_answers(mw, session):
    result = indicators_for_month(session, SEPTEMBER)
    assert result[mw.a1.id] == EXPECTED_A1
    assert result[mw.a2.id] == EXPECTED_A2


def test_only_schools_that_keep_their_journal_here_that_month_are_computed(mw, session):
    # B1 is on this product but gave no lesson in September; B2 is another vendor's; B3 chose none
    # and has no lessons: all three are «нет данных», not zeros.
    result = indicators_for_month(session, SEPTEMBER)
    assert set(result) == {mw.a1.id, mw.a2.id, mw.a3.id}


def test_compute_writes_snapshots_with_verdicts_and_accounts_for_every_school(mw, session):
    result = compute_month(session, SEPTEMBER)
    assert (result.computed, result.imported, result.entered, result.kept) == (3, 0, 0, [])
    assert result.no_data == {NO_LESSONS: 2, VENDOR: 1} and result.schools_total == 6
    a1, a2, a3 = (snapshot(session, s) for s in (mw.a1, mw.a2, mw.a3))
    assert figures(a1) == EXPECTED_A1 and a1.source == "computed"
    assert a1.uses_system is True   # exactly 80% of lessons, 66.7% of teachers
    assert a2.uses_system is False  # 50% of lessons
    assert a3.uses_system is True
    assert [snapshot(session, s) for s in (mw.b1, mw.b2, mw.b3)] == [None, None, None]
    assert result.message() == (
        "сентябрь 2012: рассчитано по журналу — 3; загружено из других систем — 0; введено вручную — 0; "
        "нет данных — 3. Всего школ — 6. Нет данных: другая система журнала, показатели не загружены — 1; "
        "нет уроков в журнале за месяц — 2.")


def test_compute_is_idempotent(mw, session):
    compute_month(session, SEPTEMBER)
    compute_month(session, SEPTEMBER)
    assert session.scalar(select(UsageSnapshot.id).where(UsageSnapshot.month == SEPTEMBER).order_by(None).limit(1))
    assert len(session.scalars(select(UsageSnapshot).where(UsageSnapshot.month == SEPTEMBER)).all()) == 3
    assert figures(snapshot(session, mw.a1)) == EXPECTED_A1


def test_compute_keeps_imported_and_entered_snapshots(mw, session):
    session.add(UsageSnapshot(school_id=mw.a2.id, month=SEPTEMBER, source="entered", lessons_due=7, lessons_filled=7,
                              teachers_total=2, teachers_active=2, uses_system=True))
    session.commit()
    result = compute_month(session, SEPTEMBER)
    assert result.kept == [mw.a2.id]
    kept = snapshot(session, mw.a2)
    assert (kept.source, kept.lessons_due, kept.uses_system) == ("entered", 7, True)
    assert (result.computed, result.entered, result.imported, result.no_data_total, result.schools_total) == (2, 1, 0, 3, 6)


def test_other_months_do_not_leak(mw, session):
    compute_month(session, AUGUST)
    a1 = snapshot(session, mw.a1, AUGUST)
    assert (a1.lessons_due, a1.lessons_filled, a1.teachers_active, a1.diary_visits) == (1, 1, 1, 1)
    assert a1.uses_system is False  # 1 of 3 teachers


def test_lessons_after_as_of_are_not_yet_due(mw, session):
    result = indicators_for_month(session, SEPTEMBER, as_of=dt.date(2012, 9, 4))
    # 3 and 4 September: T1 2 lessons with topics, T2 2 with topics.
    assert result[mw.a1.id]["lessons_due"] == 4 and result[mw.a1.id]["lessons_filled"] == 4


def test_compute_cost_is_a_constant_number_of_queries(mw, app, session):
    statements = []
    engine = session.get_bind()

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        compute_month(session, SEPTEMBER)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 9, selects


def test_verdict_at_and_below_threshold():
    t = Threshold()
    assert uses_system(t, lessons_filled=8, lessons_due=10, teachers_active=1, teachers_total=2)
    assert not uses_system(t, lessons_filled=7, lessons_due=10, teachers_active=2, teachers_total=2)
    assert not uses_system(t, lessons_filled=10, lessons_due=10, teachers_active=4, teachers_total=9)
    assert not uses_system(t, lessons_filled=0, lessons_due=0, teachers_active=0, teachers_total=0)


def test_changing_thresholds_records_who_and_recomputes(mw, session):
    compute_month(session, SEPTEMBER)
    monitor = mw.users["monitor"]
    change_thresholds(session, lessons_filled_share="50", teachers_active_share="50", user_id=monitor.id)
    assert snapshot(session, mw.a2).uses_system is True   # 2/4 lessons, 1/2 teachers
    row = session.scalars(select(UsageThreshold)).one()
    assert row.changed_by_id == monitor.id and row.min_lessons_filled_share == Decimal("50")
    assert current_threshold(session).min_lessons_filled_share == Decimal("50")
    change_thresholds(session, lessons_filled_share="90", teachers_active_share="50", user_id=monitor.id)
    assert snapshot(session, mw.a1).uses_system is False  # 80% < 90%
    assert current_threshold(session).min_lessons_filled_share == Decimal("90")


@pytest.mark.parametrize("value", ["101", "-1", "abc", ""])
def test_bad_threshold_is_refused(mw, session, value):
    with pytest.raises(DomainError):
        change_thresholds(session, lessons_filled_share=value, teachers_active_share="50", user_id=None)
    assert session.scalars(select(UsageThreshold)).first() is None


def test_months():
    assert parse_month("2012-09") == SEPTEMBER
    assert next_month(dt.date(2012, 12, 1)) == dt.date(2013, 1, 1)
    assert previous_month(dt.date(2013, 1, 1)) == dt.date(2012, 12, 1)
    assert month_key(SEPTEMBER) == "2012-09"
    with pytest.raises(DomainError):
        parse_month("2012-13")


@pytest.mark.pg
def test_indicators_on_postgresql(mw, session):
    """The same hand-worked answers on PostgreSQL (date arithmetic differs per engine)."""
    result = compute_month(session, SEPTEMBER)
    assert result.computed == 3 and result.no_data == {NO_LESSONS: 2, VENDOR: 1}
    assert figures(snapshot(session, mw.a1)) == EXPECTED_A1
    assert snapshot(session, mw.a1).uses_system is True
    change_thresholds(session, lessons_filled_share="90", teachers_active_share="50", user_id=None)
    assert snapshot(session, mw.a1).uses_system is False
    from app.monitoring.report import build_report
    assert build_report(session, SEPTEMBER)[:2] == b"PK"
