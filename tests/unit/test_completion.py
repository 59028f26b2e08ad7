"""The teacher completion report on the hand-built week of tests.completion_helpers, and the one
computation it shares with the monthly monitoring indicators."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import event

from app.errors import DomainError
from app.monitoring.activity import assignment_activity
from app.monitoring.completion import MONTH, WEEK, completion_report, parse_period, schools_overview, week_of
from app.monitoring.indicators import indicators_for_month
from app.security import roles as R
from app.security.scope import Scope
from tests.completion_helpers import (
    EXPECTED_WEEK, EXPECTED_WEEK_TOTALS, SEPTEMBER, WEEK_END, WEEK_START, build_completion_world,
)

AFTER = dt.date(2013, 1, 1)  # "today" well after the week: every lesson of it is due


@pytest.fixture
def cw(app, session):
    return build_completion_world(session, app.appbuilder.sm)


def director(cw):
    return Scope(role=R.SCHOOL_ADMIN, school_id=cw.school.id, municipality_id=cw.school.municipality_id)


def coordinator(cw, school):
    return Scope(role=R.MUNICIPAL, municipality_id=school.municipality_id)


def figures(report):
    return [(r.teacher, r.class_name, r.subject, r.activity.lessons_due, r.activity.lessons_with_topic,
             r.activity.marks_entered, r.activity.lessons_empty) for r in report.rows]


def test_week_counts_equal_the_hand_built_week_worst_first(cw, session):
    report = completion_report(session, director(cw), cw.school.id, week_of(dt.date(2012, 9, 12)), AFTER)
    assert (report.period.start, report.period.end, report.due_until) == (WEEK_START, WEEK_END, WEEK_END)
    assert figures(report) == EXPECTED_WEEK
    assert [r.nothing_filled for r in report.rows] == [True, False, False, False]
    assert report.rows[1].activity.fill_share == Decimal("60.0")
    totals = report.totals
    assert {k: getattr(totals, k) for k in EXPECTED_WEEK_TOTALS} == EXPECTED_WEEK_TOTALS
    assert report.teachers == 3


def test_lessons_after_today_are_not_yet_due(cw, session):
    report = completion_report(session, director(cw), cw.school.id, week_of(WEEK_START), dt.date(2012, 9, 12))
    assert report.due_until == dt.date(2012, 9, 12)
    assert figures(report) == [
        ("Борисова Анна Петровна", "7А", "Русский язык", 3, 0, 0, 3),
        ("Антонова Анна Петровна", "7А", "Математика", 3, 3, 7, 0),
        ("Антонова Анна Петровна", "8Б", "Математика", 2, 2, 0, 0),
    ]


def test_a_period_that_has_not_begun_has_nothing_due(cw, session):
    report = completion_report(session, director(cw), cw.school.id, week_of(WEEK_START), dt.date(2012, 9, 9))
    assert report.due_until is None and report.rows == []


def test_month_counts_the_previous_week_too(cw, session):
    report = completion_report(session, director(cw), cw.school.id, parse_period(MONTH, month="2012-09"),
                               dt.date(2012, 9, 16))
    maths_7a = next(r for r in report.rows if r.class_name == "7А" and r.subject == "Математика")
    assert (maths_7a.activity.lessons_due, maths_7a.activity.lessons_empty) == (6, 2)  # + Fri 07.09


def test_monitoring_indicators_are_the_sums_of_the_activity_rows(cw, session):
    as_of = dt.date(2012, 9, 16)
    school = indicators_for_month(session, SEPTEMBER, as_of=as_of)[cw.school.id]
    assert {k: school[k] for k in ("lessons_due", "lessons_filled", "marks_entered", "teachers_active",
                                   "teachers_total")} == dict(lessons_due=12, lessons_filled=6, marks_entered=7,
                                                              teachers_active=2, teachers_total=3)
    rows = [r for r in assignment_activity(session, None, SEPTEMBER, as_of) if r.school_id == cw.school.id]
    assert school["lessons_due"] == sum(r.lessons_due for r in rows)
    assert school["lessons_filled"] == sum(r.lessons_with_topic for r in rows)
    assert school["marks_entered"] == sum(r.marks_entered for r in rows)
    assert school["marks_on_time"] == sum(r.marks_on_time for r in rows)
    assert school["teachers_active"] == len({r.teacher_id for r in rows if r.counts_as_teacher and r.lessons_touched})
    report = completion_report(session, director(cw), cw.school.id, parse_period(MONTH, month="2012-09"), as_of)
    assert (report.totals.lessons_due, report.totals.lessons_with_topic, report.totals.marks_entered) == (12, 6, 7)


def test_other_schools_never_enter_the_report(cw, session):
    report = completion_report(session, director(cw), cw.school.id, week_of(WEEK_START), AFTER)
    assert {r.activity.school_id for r in report.rows} == {cw.school.id}
    other = completion_report(session, coordinator(cw, cw.school2), cw.school2.id, week_of(WEEK_START), AFTER)
    assert figures(other) == [("Григорьева Анна Петровна", "5А", "Математика", 1, 1, 0, 0)]


def test_a_school_out_of_scope_gives_no_report(cw, session):
    assert completion_report(session, director(cw), cw.school2.id, week_of(WEEK_START), AFTER) is None
    assert completion_report(session, coordinator(cw, cw.school3), cw.school.id, week_of(WEEK_START), AFTER) is None
    assert completion_report(session, Scope(role=R.PARENT), cw.school.id, week_of(WEEK_START), AFTER) is None


def test_report_cost_does_not_grow_with_the_period(cw, session):
    statements = []
    scope, school_id = director(cw), cw.school.id

    def count(*args):
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        completion_report(session, scope, school_id, parse_period(MONTH, month="2012-09"), AFTER)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 5, statements


def test_coordinator_overview_sums_the_same_rows_per_school_in_a_constant_number_of_queries(cw, session):
    scope = coordinator(cw, cw.school)
    school_id, school2_id = cw.school.id, cw.school2.id
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        lines = schools_overview(session, scope, week_of(WEEK_START), AFTER)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 3, statements
    assert [(line.school_id, line.teachers, line.totals.lessons_due, line.totals.lessons_with_topic,
             line.totals.marks_entered, line.totals.lessons_empty) for line in lines] == [
        (school_id, 3, 11, 6, 7, 4), (school2_id, 1, 1, 1, 0, 0)]
    report = completion_report(session, scope, school_id, week_of(WEEK_START), AFTER)
    assert lines[0].totals.lessons_due == report.totals.lessons_due


def test_periods():
    week = parse_period(WEEK, day="2012-09-12")
    assert (week.start, week.end, week.label) == (WEEK_START, WEEK_END, "неделя 10.09.2012 – 16.09.2012")
    assert week.previous().start == dt.date(2012, 9, 3) and week.next().start == dt.date(2012, 9, 17)
    month = parse_period(MONTH, month="2012-12")
    assert (month.start, month.end, month.label, month.key) == (
        dt.date(2012, 12, 1), dt.date(2012, 12, 31), "декабрь 2012", "2012-12")
    assert month.next().start == dt.date(2013, 1, 1) and month.previous().start == dt.date(2012, 11, 1)


@pytest.mark.parametrize("kind, day, month", [
    (WEEK, "12.13.2012", None), (WEEK, "2012-02-30", None), (WEEK, "", None), (MONTH, None, "2012-13"),
    ("year", "2012-09-12", None),
])
def test_bad_period_is_refused_in_russian(kind, day, month):
    with pytest.raises(DomainError) as refused:
        parse_period(kind, day=day, month=month)
    assert any(word in refused.value.message for word in ("Дата", "Месяц", "период"))


def test_a_period_is_typed_the_russian_way_or_iso():
    assert parse_period(WEEK, day="12.09.2012") == parse_period(WEEK, day="2012-09-12") == week_of(dt.date(2012, 9, 12))
    assert parse_period(MONTH, month="сентябрь 2012") == parse_period(MONTH, month="09.2012") \
        == parse_period(MONTH, month="2012-09")


@pytest.mark.pg
def test_week_on_postgresql(cw, session):
    report = completion_report(session, director(cw), cw.school.id, week_of(WEEK_START), AFTER)
    assert figures(report) == EXPECTED_WEEK
    school = indicators_for_month(session, SEPTEMBER, as_of=dt.date(2012, 9, 16))[cw.school.id]
    assert (school["lessons_due"], school["lessons_filled"], school["marks_entered"], school["teachers_active"]) == (
        12, 6, 7, 2)
