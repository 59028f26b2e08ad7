"""The thematic plan (app.journal.plan): the page's rows checked and saved, copying to the parallel
classes, whether plans cover the year's timetable, and who reads and changes which plan.
The world is tests/plan_helpers.py's; expected values are written by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.journal.plan import (
    StalePlan,
    check_page_rows,
    check_topic_rows,
    copy_to_parallels,
    coverage,
    open_heading,
    parse_hours,
    plan_page,
    save_plan,
    shown_topics,
)
from app.models import Holiday, PlanTopic, ThematicPlan, TimetableSlot
from app.security.clauses import NotInScope
from app.security.scope import load_scope
from app.timetable.calendar import timetable_counts
from tests.plan_helpers import NOW, TOPICS, build_plan_world

TODAY = dt.date(2012, 9, 20)

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.fixture
def pw(app, session):
    return build_plan_world(session, app.appbuilder.sm)


def scope_of(session, pw, user="teacher"):
    return load_scope(session, pw.w.users[user])


def stored(session, assignment) -> list[tuple]:
    session.expire_all()
    return [tuple(row) for row in session.execute(
        select(PlanTopic.position, PlanTopic.section, PlanTopic.topic, PlanTopic.hours)
        .join(ThematicPlan, ThematicPlan.id == PlanTopic.plan_id)
        .where(ThematicPlan.assignment_id == assignment.id).order_by(PlanTopic.position))]


def page_row(number="", section="", topic="", hours=""):
    return {"number": number, "section": section, "topic": topic, "hours": hours}


# --- rows -----------------------------------------------------------------------------------------

def test_hours_are_whole_numbers_from_1_to_99():
    assert [parse_hours(t) for t in ("1", "12", "2 ч", "2 ч.", "3 часа", "5 часов", "99")] == [1, 12, 2, 2, 3, 5, 99]
    assert [parse_hours(t) for t in ("0", "100", "1,5", "два", "-1", "")] == [None] * 6


def test_a_section_alone_heads_the_topics_below_it():
    checked = check_topic_rows([
        (2, {"section": "Натуральные числа", "topic": "", "hours": ""}),
        (3, {"section": "", "topic": "Обозначение", "hours": "2"}),
        (4, {"section": "", "topic": "", "hours": ""}),  # blank: skipped
        (5, {"section": "Дроби", "topic": "Понятие дроби", "hours": "1"}),
        (6, {"section": "", "topic": "Сравнение дробей", "hours": "3"}),
    ])
    assert checked.errors == [] and checked.headings == 1
    assert [(r.number, r.section, r.topic, r.hours) for r in checked.rows] == [
        (3, "Натуральные числа", "Обозначение", 2), (5, "Дроби", "Понятие дроби", 1),
        (6, "Дроби", "Сравнение дробей", 3)]
    assert checked.hours == 6


def test_the_page_orders_rows_by_their_number_a_new_row_after_its_namesake():
    checked = check_page_rows([
        page_row("1", "Натуральные числа", "Обозначение", "2"),
        page_row("2", "", "Отрезок", "1"),
        page_row("3", "", "", ""),  # an empty row the page offers
        page_row("1", "", "Шкалы", "1"),  # typed 1: goes after the present 1st
        page_row("", "", "Повторение", "2"),  # no number: its place on the page (5th)
    ])
    assert checked.errors == []
    assert [(r.topic, r.section) for r in checked.rows] == [
        ("Обозначение", "Натуральные числа"), ("Шкалы", "Натуральные числа"), ("Отрезок", "Натуральные числа"),
        ("Повторение", "Натуральные числа")]


def test_bad_page_rows_are_named_with_every_reason():
    checked = check_page_rows([
        page_row("1", "", "Обозначение", "2"),
        page_row("x", "", "Отрезок", "1"),
        page_row("3", "", "", "2"),
        page_row("4", "", "Сложение", "1,5"),
        page_row("5", "Раздел", "", "0"),
        page_row("6", "", "Т" * 501, ""),
    ])
    assert [(e.number, e.reason) for e in checked.errors] == [
        (2, "№ «x»: нужен номер по порядку — целое число"),
        (3, "тема не указана"),
        (4, "часы «1,5»: нужно целое число от 1 до 99"),
        (5, "тема не указана; часы «0»: нужно целое число от 1 до 99"),
        (6, "не указано, сколько часов на тему; «тема»: не длиннее 500 знаков, а введено 501. Сократите текст"),
    ]


# --- the page's save --------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_the_page_saves_the_plan_numbered_anew(session, pw, engine):
    version = plan_page(session, scope_of(session, pw), pw.own.id, TODAY).version
    checked = save_plan(session, scope_of(session, pw), pw.own.id, [
        page_row("1", "Повторение", "Натуральные числа", "3"),
        page_row("2", "Дроби", "Понятие дроби", "2"),
    ], version, user_id=pw.w.users["teacher"].id, now=NOW)
    assert checked.ok
    assert stored(session, pw.own) == [(1, "Повторение", "Натуральные числа", 3), (2, "Дроби", "Понятие дроби", 2)]
    plan = session.scalar(select(ThematicPlan).where(ThematicPlan.assignment_id == pw.own.id))
    assert (plan.version, plan.changed_by_id, plan.changed_at) == (version + 1, pw.w.users["teacher"].id, NOW)


def test_a_page_with_a_bad_row_writes_nothing(session, pw):
    before = stored(session, pw.own)
    checked = save_plan(session, scope_of(session, pw), pw.own.id, [page_row("1", "", "Дроби", "2"),
                                                                     page_row("2", "", "Проценты", "")],
                        1, user_id=None, now=NOW)
    assert [(e.number, e.reason) for e in checked.errors] == [(2, "не указано, сколько часов на тему")]
    assert stored(session, pw.own) == before


@pytest.mark.parametrize("engine", ENGINES)
def test_a_save_from_a_page_read_before_another_save_is_refused(session, pw, engine):
    rows = [page_row("1", "", "Дроби", "2")]
    save_plan(session, scope_of(session, pw), pw.own.id, rows, 1, user_id=None, now=NOW)
    with pytest.raises(StalePlan):
        save_plan(session, scope_of(session, pw), pw.own.id, [page_row("1", "", "Проценты", "1")], 1,
                  user_id=None, now=NOW)
    assert stored(session, pw.own) == [(1, None, "Дроби", 2)]
    # A first plan is created from version 0; a second page showing «no plan» is refused.
    save_plan(session, scope_of(session, pw), pw.parallel.id, rows, 0, user_id=None, now=NOW)
    with pytest.raises(StalePlan):
        save_plan(session, scope_of(session, pw), pw.parallel.id, rows, 0, user_id=None, now=NOW)


def test_a_plan_is_not_emptied_from_the_page(session, pw):
    with pytest.raises(DomainError, match="не осталось ни одной темы"):
        save_plan(session, scope_of(session, pw), pw.own.id, [page_row("1")], 1, user_id=None, now=NOW)
    assert len(stored(session, pw.own)) == 4


def test_the_page_shows_each_topics_lessons_and_where_sections_begin(session, pw):
    page = plan_page(session, scope_of(session, pw), pw.own.id, TODAY)
    assert [(t.position, t.first_lesson, t.last_lesson, t.opens_section) for t in page.topics] == [
        (1, 1, 2, True), (2, 3, 3, False), (3, 4, 6, True), (4, 7, 8, False)]
    assert (page.hours, page.heading.label, page.heading.editable) == (8, "7А, Математика", True)
    assert page.current_period_id == pw.q1.id
    assert [p.label for p in page.parallels] == ["7Б, Математика"]
    assert [(t.topic, t.opens_section) for t in shown_topics([(1, None, "А", 1), (2, "Р", "Б", 1)])] == [
        ("А", False), ("Б", True)]


# --- who reads and changes a plan ------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_the_teacher_changes_own_plans_and_reads_the_led_class_journals(session, pw, engine):
    teacher = scope_of(session, pw)
    assert open_heading(session, teacher, pw.own.id, to_change=True).editable
    pw.w.class_a_other.class_teacher_id = pw.w.teacher.id  # Иванова leads 8Б
    session.commit()
    teacher = scope_of(session, pw)
    led = open_heading(session, teacher, pw.led.id)
    assert (led.label, led.editable, led.teacher_name) == ("8Б, Математика", False, "Петрова А.П.")
    with pytest.raises(NotInScope):
        open_heading(session, teacher, pw.led.id, to_change=True)
    with pytest.raises(NotInScope):  # 7В's mathematics: neither hers nor her class
        open_heading(session, teacher, pw.colleague.id)


def test_the_school_reads_every_plan_of_its_own_and_changes_none(session, pw):
    director = scope_of(session, pw, "director")
    assert not open_heading(session, director, pw.own.id).editable
    assert not open_heading(session, director, pw.colleague.id).editable
    with pytest.raises(NotInScope):
        open_heading(session, director, pw.own.id, to_change=True)
    for user in ("director", "teacher", "secretary"):
        with pytest.raises(NotInScope):
            open_heading(session, scope_of(session, pw, user), pw.far.id)
    for user in ("parent", "pupil", "municipal"):
        with pytest.raises(NotInScope):
            open_heading(session, scope_of(session, pw, user), pw.own.id)


def test_another_schools_teacher_cannot_save_the_plan(session, pw):
    with pytest.raises(NotInScope):
        save_plan(session, scope_of(session, pw, "director"), pw.own.id, [page_row("1", "", "Дроби", "1")], 1,
                  user_id=None, now=NOW)
    assert len(stored(session, pw.own)) == 4


# --- copying to the parallel classes ----------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_a_plan_is_copied_to_the_teachers_parallel_classes(session, pw, engine):
    save_plan(session, scope_of(session, pw), pw.parallel.id, [page_row("1", "", "Старая тема", "5")], 0,
              user_id=None, now=NOW)
    written = copy_to_parallels(session, scope_of(session, pw), pw.own.id, [pw.parallel.id],
                                user_id=pw.w.users["teacher"].id, now=NOW)
    assert written == ["7Б, Математика"]
    assert stored(session, pw.parallel) == [(n, s, t, h) for n, (s, t, h) in enumerate(TOPICS, 1)]
    assert len(stored(session, pw.own)) == 4  # the source stays as it was


def test_a_colleagues_class_is_no_parallel_to_copy_to(session, pw):
    with pytest.raises(DomainError, match="только в параллельные классы"):
        copy_to_parallels(session, scope_of(session, pw), pw.own.id, [pw.parallel.id, pw.colleague.id],
                          user_id=None, now=NOW)
    assert stored(session, pw.parallel) == [] and stored(session, pw.colleague) == []
    with pytest.raises(DomainError, match="Отметьте классы"):
        copy_to_parallels(session, scope_of(session, pw), pw.own.id, [], user_id=None, now=NOW)
    with pytest.raises(DomainError, match="копировать нечего"):
        copy_to_parallels(session, scope_of(session, pw), pw.parallel.id, [pw.own.id], user_id=None, now=NOW)


# --- does the plan cover the year? ---------------------------------------------------------------------------

def _timetable(session, pw):
    """7А's mathematics: Mondays (1st lesson) all year, Wednesdays until 31.12.2012, Thursdays from
    01.01.2013; 7В's: Fridays all year. Holidays: 01–03.05.2013 for every grade, 11–17.02.2013 for
    the 1st grade only."""
    year, school = pw.w.year, pw.w.school_a
    for weekday, valid_from, valid_to, assignment in ((1, year.starts_on, None, pw.own),
                                                      (3, year.starts_on, dt.date(2012, 12, 31), pw.own),
                                                      (4, dt.date(2013, 1, 1), None, pw.own),
                                                      (5, year.starts_on, None, pw.colleague)):
        session.add(TimetableSlot(class_group_id=assignment.class_group_id, weekday=weekday, lesson_number=1,
                                  assignment_id=assignment.id, valid_from=valid_from, valid_to=valid_to))
    session.add(Holiday(school_id=school.id, academic_year_id=year.id, name="Праздничные дни",
                        starts_on=dt.date(2013, 5, 1), ends_on=dt.date(2013, 5, 3)))
    session.add(Holiday(school_id=school.id, academic_year_id=year.id, name="Для первоклассников",
                        starts_on=dt.date(2013, 2, 11), ends_on=dt.date(2013, 2, 17), grade_from=1, grade_to=1))
    session.commit()


def test_the_year_in_the_timetable_is_counted_by_hand(session, pw):
    """Quarters 01.09–27.10, 05.11–29.12, 11.01–24.03, 01.04–31.05. Mondays 8 + 8 + 10 + 9 = 35;
    Wednesdays to 31.12: 8 + 8 = 16; Thursdays from 11.01: 10 + 9, less 02.05 = 18. 7В's Fridays:
    8 + 8 + 11 (11.01 is one) + 9, less 03.05 = 35."""
    _timetable(session, pw)
    counts = timetable_counts(session, pw.w.school_a.id, pw.w.year.id)
    assert counts == {pw.own.id: 69, pw.colleague.id: 35}
    assert timetable_counts(session, pw.w.school_a.id, pw.w.year.id, [pw.colleague.id]) == {pw.colleague.id: 35}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_school_sees_per_teacher_whether_the_plans_cover_the_year(session, pw, engine):
    _timetable(session, pw)
    save_plan(session, scope_of(session, pw), pw.parallel.id, [page_row("1", "", "Тема", "2")], 0,
              user_id=None, now=NOW)
    result = coverage(session, scope_of(session, pw, "director"), TODAY)
    assert result.year_name == "2012/2013"
    got = [(t.teacher_name, t.covered, [(a.label, a.has_plan, a.planned_hours, a.timetable_hours, a.difference, a.covers)
                                         for a in t.assignments]) for t in result.teachers]
    assert got == [
        ("Иванова А.П.", 1, [("7А, Математика", True, 8, 69, -61, False), ("7Б, Математика", True, 2, 0, 2, True)]),
        ("Петрова А.П.", 0, [("7В, Математика", False, 0, 35, -35, False), ("8Б, Математика", False, 0, 0, 0, False)]),
    ]
    # The teacher's own plans only; another school's administration sees none of these.
    own = coverage(session, scope_of(session, pw), TODAY, own=True)
    assert [(t.teacher_name, [a.label for a in t.assignments]) for t in own.teachers] == [
        ("Иванова А.П.", ["7А, Математика", "7Б, Математика"])]
    assert coverage(session, scope_of(session, pw, "municipal"), TODAY).teachers == []


def test_a_plan_of_the_years_hours_covers_it(session, pw):
    _timetable(session, pw)
    save_plan(session, scope_of(session, pw), pw.own.id, [page_row("1", "", "Весь курс", "69")], 1,
              user_id=None, now=NOW)
    mine = coverage(session, scope_of(session, pw), TODAY, own=True).teachers[0].assignments[0]
    assert (mine.planned_hours, mine.timetable_hours, mine.covers) == (69, 69, True)
    assert pw.own.hours_per_week == Decimal("4")  # the load says 4 h a week; the timetable is what counts
