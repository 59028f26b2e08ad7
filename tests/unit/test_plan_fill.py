"""«Заполнить темы из плана» (app.journal.plan_fill) on the plan world of tests/plan_helpers.py:
7А's mathematics has six lessons in the 1st quarter (10, 12, 14, 17, 19, 21.09) and two in the
2nd (07.11, 09.11); its plan is «Обозначение натуральных чисел» 2 h, «Отрезок. Длина отрезка»
1 h, «Сложение натуральных чисел» 3 h, «Вычитание» 2 h: 8 hours. Expected topics written by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.journal.plan_fill import Hour, JournalLesson, assign_hours, fill_topics, plan_hours, planned_topics
from app.models import Holiday, JournalChange, Lesson, StudyPeriod
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from tests.factories import make_lesson
from tests.plan_helpers import build_plan_world, topics_of

NAMING, SEGMENT, ADDING, SUBTRACTING = ("Обозначение натуральных чисел", "Отрезок. Длина отрезка",
                                        "Сложение натуральных чисел", "Вычитание")
Q1_FILLED = [NAMING, NAMING, SEGMENT, ADDING, ADDING, ADDING]

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def pw(app, session):
    return build_plan_world(session, app.appbuilder.sm)


def teacher(session, pw):
    return load_scope(session, pw.w.users["teacher"])


def history_rows(session) -> int:
    return session.scalar(select(func.count(JournalChange.id)).where(JournalChange.entity == "topic"))


# --- the rule, without a database -------------------------------------------------------------------

def lesson(id_, topic=None, fillable=True):
    return JournalLesson(id_, dt.date(2012, 9, id_), 1, topic, fillable)


def test_a_topic_of_n_hours_takes_n_lessons_in_order():
    hours = plan_hours([(1, "А", 2), (2, "Б", 1)])
    assert hours == [Hour(1, "А", 1, 2), Hour(1, "А", 2, 2), Hour(2, "Б", 1, 1)]
    taken, place = assign_hours(hours, [lesson(1), lesson(2), lesson(3), lesson(4)])
    assert {k: (v.topic, v.hour) for k, v in taken.items()} == {1: ("А", 1), 2: ("А", 2), 3: ("Б", 1)}
    assert place == 3  # the plan ran out: lesson 4 takes nothing


def test_a_written_plan_topic_moves_the_place_and_a_foreign_one_does_not():
    hours = plan_hours([(1, "Дроби", 1), (2, "Проценты", 2), (3, "Уравнения", 1)])
    lessons = [lesson(1, "  ПРОЦЕНТЫ "), lesson(2, "Экскурсия"), lesson(3), lesson(4, fillable=False), lesson(5)]
    taken, place = assign_hours(hours, lessons)
    # «Проценты» written by hand is its first hour; the excursion is none of the plan's.
    assert {k: (v.topic, v.hour) for k, v in taken.items()} == {3: ("Проценты", 2), 5: ("Уравнения", 1)}
    assert place == 4


def test_nothing_is_taken_without_a_plan():
    assert assign_hours([], [lesson(1)]) == ({}, 0)


# --- filling the journal --------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_the_quarter_is_filled_in_order_and_reported(session, pw, engine):
    report = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert [(f.date.day, f.hour.topic, f.hour.hour) for f in report.filled] == [
        (10, NAMING, 1), (12, NAMING, 2), (14, SEGMENT, 1), (17, ADDING, 1), (19, ADDING, 2), (21, ADDING, 3)]
    assert (report.empty_left, report.hours_left) == (0, 2)
    assert topics_of(session, pw.lessons) == Q1_FILLED + [None, None]  # the 2nd quarter is not touched
    # One history row per lesson written, as the teacher's own saves make.
    assert history_rows(session) == 6
    change = session.scalars(select(JournalChange).where(JournalChange.lesson_id == pw.lessons[0].id)).one()
    assert (change.action, change.old_value, change.new_value, change.user_name) == (
        "create", None, NAMING, "Тестов Teacher (teacher)")
    assert session.get(Lesson, pw.lessons[0].id).version == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_filling_twice_writes_nothing_the_second_time(session, pw, engine):
    fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    again = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert again.filled == []
    assert topics_of(session, pw.lessons) == Q1_FILLED + [None, None]
    assert history_rows(session) == 6


def test_the_next_period_resumes_after_the_last_topic_used(session, pw):
    fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    report = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q2.id)
    assert [(f.date, f.hour.topic, f.hour.hour) for f in report.filled] == [
        (dt.date(2012, 11, 7), SUBTRACTING, 1), (dt.date(2012, 11, 9), SUBTRACTING, 2)]
    assert topics_of(session, pw.lessons) == Q1_FILLED + [SUBTRACTING, SUBTRACTING]


@pytest.mark.parametrize("engine", ENGINES)
def test_topics_written_by_hand_count_and_are_never_overwritten(session, pw, engine):
    """10.09 has the plan's first topic typed by hand (other case), 14.09 a test the plan lacks."""
    first, _second, third = pw.lessons[:3]
    first.topic, third.topic = "обозначение  натуральных чисел", "Контрольная работа"
    session.commit()
    report = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert topics_of(session, pw.lessons) == [
        "обозначение натуральных чисел", NAMING, "Контрольная работа", SEGMENT, ADDING, ADDING, None, None]
    assert len(report.filled) == 4


def test_a_lesson_cleared_after_filling_takes_its_topic_again(session, pw):
    fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    pw.lessons[2].topic = None
    session.commit()
    report = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert [(f.date.day, f.hour.topic) for f in report.filled] == [(14, SEGMENT)]
    assert topics_of(session, pw.lessons) == Q1_FILLED + [None, None]


def test_the_plan_running_out_leaves_the_last_lessons_empty(session, pw):
    extra = [make_lesson(session, pw.own, dt.date(2012, 10, day)) for day in (1, 3, 5)]
    session.commit()
    report = fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert len(report.filled) == 8
    assert (report.empty_left, report.hours_left) == (1, 0)
    assert topics_of(session, extra) == [SUBTRACTING, SUBTRACTING, None]


def test_holidays_do_not_matter_lessons_are_what_exists(session, pw):
    """A holiday over 17–19.09 changes nothing (its lessons are still there); a cancelled lesson is
    not taught and takes no topic; a lesson added on a Saturday is one more lesson."""
    session.add(Holiday(school_id=pw.w.school_a.id, academic_year_id=pw.w.year.id, name="Карантин",
                        starts_on=dt.date(2012, 9, 17), ends_on=dt.date(2012, 9, 19)))
    pw.lessons[1].cancelled = True  # 12.09
    saturday = make_lesson(session, pw.own, dt.date(2012, 9, 15))
    session.commit()
    fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert topics_of(session, pw.lessons[:6]) == [NAMING, None, NAMING, ADDING, ADDING, ADDING]
    assert topics_of(session, [saturday]) == [SEGMENT]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_locked_period_is_refused_and_nothing_is_written(session, pw, engine):
    pw.q1.locked_at = dt.datetime(2012, 10, 30, 10, 0)
    session.commit()
    with pytest.raises(DomainError, match="закрыт администрацией"):
        fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert topics_of(session, pw.lessons) == [None] * 8
    assert history_rows(session) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_only_the_plans_teacher_fills_it(session, pw, engine):
    for user in ("director", "secretary", "pupil"):
        with pytest.raises(NotInScope):
            fill_topics(session, load_scope(session, pw.w.users[user]), pw.actor(), pw.own.id, pw.q1.id)
    with pytest.raises(NotInScope):  # a colleague's plan
        fill_topics(session, teacher(session, pw), pw.actor(), pw.colleague.id, pw.q1.id)
    assert topics_of(session, pw.lessons) == [None] * 8


def test_a_period_of_another_school_is_not_found(session, pw):
    foreign = session.scalar(select(StudyPeriod).where(StudyPeriod.school_id == pw.w.school_b.id))
    with pytest.raises(NotInScope):
        fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, foreign.id)


# --- the planned topic per lesson, for the journal grid ----------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_planned_topics_are_what_filling_would_write(session, pw, engine):
    pw.lessons[2].topic = "Контрольная работа"
    session.commit()
    expected = {pw.lessons[0].id: NAMING, pw.lessons[1].id: NAMING, pw.lessons[3].id: SEGMENT,
                pw.lessons[4].id: ADDING, pw.lessons[5].id: ADDING}
    assert planned_topics(session, teacher(session, pw), pw.own.id, pw.q1.id) == expected
    # The director reads it too (the grid shows it to whoever opens the journal); nothing is written.
    assert planned_topics(session, load_scope(session, pw.w.users["director"]), pw.own.id, pw.q1.id) == expected
    assert topics_of(session, pw.lessons)[0] is None
    fill_topics(session, teacher(session, pw), pw.actor(), pw.own.id, pw.q1.id)
    assert planned_topics(session, teacher(session, pw), pw.own.id, pw.q1.id) == {}
    assert planned_topics(session, teacher(session, pw), pw.own.id, pw.q2.id) == {
        pw.lessons[6].id: ADDING, pw.lessons[7].id: SUBTRACTING}


def test_no_plan_plans_nothing_and_another_schools_plan_is_not_found(session, pw):
    assert planned_topics(session, teacher(session, pw), pw.parallel.id, pw.q1.id) == {}
    with pytest.raises(NotInScope):
        planned_topics(session, teacher(session, pw), pw.far.id, pw.q1.id)
    assert planned_topics(session, teacher(session, pw), pw.own.id, None) == {}  # no period asked
    with pytest.raises(NotInScope):
        planned_topics(session, teacher(session, pw), pw.far.id, None)
