"""The teacher's day, week and what is left to do (app.journal.today), from the day of
tests.today_helpers; every expectation written from its docstring."""
from __future__ import annotations

import datetime as dt

import pytest

from app.diary.week import CalendarPeriod
from app.journal import today as T
from app.security import roles as R
from app.security.scope import load_scope
from app.today import registry
from tests.factories import make_staff, make_user
from tests.today_helpers import DAY, build_teacher_day


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)], autouse=True)
def engine(request):
    """Every test on both engines (the statements use a window count and a correlated count)."""
    return request.param


def scope_of(session, world, username="teacher"):
    return load_scope(session, world.users[username])


def test_the_day_lists_the_teachers_lessons_in_order_with_substitutions_and_the_cancelled_one(session, world):
    t = build_teacher_day(session, world)
    day = T.lessons_of_the_day(session, scope_of(session, world), DAY)
    assert [(l.number, l.class_name, l.subject) for l in day.lessons] == [
        (1, "7А", "Математика"), (2, "8Б", "Физика"), (3, "7А", "Русский язык"), (5, "7А", "Математика")]
    first, physics, russian, fifth = day.lessons
    assert (first.starts_at, first.ends_at, first.room) == (dt.time(8, 30), dt.time(9, 15), "21")
    assert (fifth.starts_at, fifth.ends_at) == (dt.time(12, 40), dt.time(13, 25))
    assert (first.id, first.assignment_id) == (t.lessons["maths1"].id, t.maths.id)
    # Own lesson, as planned: no substitution; topic and what the journal holds.
    assert (first.cancelled, first.substitute_for, first.taken_by) == (False, None, None)
    assert (first.topic_written, first.marks, first.absences) == (True, 2, 1)
    # Cancelled: shown as such, with the reason, and no journal column to open.
    assert (physics.cancelled, physics.reason, physics.has_column) == (True, "экскурсия", False)
    # Taken as a substitute for Петрова, and the own lesson Петрова gives.
    assert (russian.substitute_for, russian.taken_by, russian.reason) == ("Петрова А.П.", None, "болезнь учителя")
    assert (russian.topic_written, russian.marks, russian.absences, russian.has_column) == (False, 0, 1, True)
    assert (fifth.substitute_for, fifth.taken_by, fifth.reason) == (None, "Петрова А.П.", "курсы")


def test_another_teacher_sees_only_own_lessons_of_the_day(app, session, world):
    build_teacher_day(session, world)
    user = make_user(session, app.appbuilder.sm, "petrova", R.TEACHER)
    world.other_teacher.user_id = user.id
    session.commit()
    day = T.lessons_of_the_day(session, load_scope(session, user), DAY)
    # Her Russian lesson 3 is given by Иванова: it shows as taken; her own lesson 4; lesson 5 she gives.
    assert [(l.number, l.subject, l.substitute_for, l.taken_by) for l in day.lessons] == [
        (3, "Русский язык", None, "Иванова А.П."), (4, "Математика", None, None),
        (5, "Математика", "Иванова А.П.", None)]


def test_a_user_without_a_staff_row_has_no_teachers_blocks(session, world):
    build_teacher_day(session, world)
    scope = scope_of(session, world, "parent")
    assert T.lessons_of_the_day(session, scope, DAY) is None
    assert T.things_to_do(session, scope, DAY) is None
    assert T.class_absences(session, scope, DAY) is None


def test_to_do_lists_lessons_of_two_weeks_without_topic_and_the_quarters_results(session, world):
    t = build_teacher_day(session, world)
    todo = T.things_to_do(session, scope_of(session, world), DAY)
    # 19.10 as a substitute and 22.10; not 17.10 (cancelled), 16.10 (Петрова's), 09.10 (too early).
    assert [(m.date, m.number, m.class_name, m.subject) for m in todo.missing_topics] == [
        (dt.date(2012, 10, 19), 2, "7А", "Русский язык"), (dt.date(2012, 10, 22), 1, "7А", "Математика")]
    assert todo.missing_total == 2
    assert todo.missing_topics[1].lesson_id == t.lessons["maths_22"].id
    assert todo.period.id == t.quarter.id
    maths, physics = todo.due
    assert (maths.assignment_id, maths.class_name, maths.subject, maths.required) == (t.maths.id, "7А", "Математика", 3)
    # Алексеева: 10.09 and 24.10; Волков none; Борисова three; Григорьев exempt.
    assert [(p.name, p.marks) for p in maths.short] == [("Алексеева Мария", 2), ("Волков Мария", 0)]
    assert (maths.without_period_mark, maths.pupils) == (2, 4)
    assert (physics.class_name, physics.subject, physics.required) == ("8Б", "Физика", 5)
    assert [(p.name, p.marks) for p in physics.short] == [("Алексеев Мария", 0), ("Борисов Мария", 0)]
    assert (physics.without_period_mark, physics.pupils) == (2, 2)
    assert not todo.nothing


def test_results_are_not_due_early_in_the_quarter(session, world):
    build_teacher_day(session, world)
    todo = T.things_to_do(session, scope_of(session, world), dt.date(2012, 10, 12))
    assert todo.period is None and todo.due == ()
    # 28.09–11.10: only 09.10, which has no topic.
    assert [m.date for m in todo.missing_topics] == [dt.date(2012, 10, 9)]


def test_missing_topics_are_listed_up_to_a_limit_and_counted(session, world, monkeypatch):
    build_teacher_day(session, world)
    monkeypatch.setattr(T, "TOPICS_LISTED", 1)
    todo = T.things_to_do(session, scope_of(session, world), DAY)
    assert [m.date for m in todo.missing_topics] == [dt.date(2012, 10, 19)]
    assert todo.missing_total == 2


def period(number, starts, ends, locked=False):
    return CalendarPeriod(f"{number} четверть", starts, ends, number, 1, number,
                          dt.datetime(2012, 11, 1) if locked else None)


QUARTERS = [period(1, dt.date(2012, 9, 1), dt.date(2012, 10, 27)),
            period(2, dt.date(2012, 11, 5), dt.date(2012, 12, 29))]


def test_closing_period_from_two_weeks_before_its_end_through_the_holidays_after_it():
    assert T.closing_period(QUARTERS, dt.date(2012, 10, 12)) is None
    assert T.closing_period(QUARTERS, dt.date(2012, 10, 13)).number == 1
    assert T.closing_period(QUARTERS, dt.date(2012, 10, 27)).number == 1
    assert T.closing_period(QUARTERS, dt.date(2012, 10, 30)).number == 1     # the autumn holidays
    assert T.closing_period(QUARTERS, dt.date(2012, 11, 5)) is None          # the next quarter has begun
    closed = [period(1, dt.date(2012, 9, 1), dt.date(2012, 10, 27), locked=True), QUARTERS[1]]
    assert T.closing_period(closed, dt.date(2012, 10, 30)) is None           # the school has closed it
    assert T.closing_period(QUARTERS, dt.date(2013, 1, 20)) is None          # long after the end


def test_class_teacher_sees_todays_absences_in_the_class_led(session, world):
    build_teacher_day(session, world)
    absences = T.class_absences(session, scope_of(session, world), DAY)
    (seven_a,) = absences.classes
    assert seven_a.class_name == "7А"
    # Волков's two; not Алексеева's of 22.10, not 8Б's of today.
    assert [(p.name, [(e.number, e.subject, e.code, e.code_name) for e in p.entries]) for p in seven_a.pupils] == [
        ("Волков Мария", [(1, "Математика", "н", "отсутствовал"), (3, "Русский язык", "б", "болел")])]
    quiet = T.class_absences(session, scope_of(session, world), dt.date(2012, 10, 23))
    assert quiet.classes[0].pupils == ()


def test_a_teacher_who_leads_no_class_gets_no_absences_block(session, world):
    build_teacher_day(session, world)
    world.class_a.class_teacher_id = world.other_teacher.id
    session.commit()
    assert T.class_absences(session, scope_of(session, world), DAY) is None


def test_the_week_is_a_grid_of_lesson_numbers_and_days(session, world):
    t = build_teacher_day(session, world)
    week = T.teacher_week(session, scope_of(session, world), dt.date(2012, 10, 27), DAY)
    assert week.monday == dt.date(2012, 10, 22) and week.saturday == dt.date(2012, 10, 27)
    assert [d for d, _name in week.days] == [dt.date(2012, 10, 22) + dt.timedelta(days=n) for n in range(6)]
    assert [name for _d, name in week.days] == ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота"]
    assert week.numbers == (1, 2, 3, 4, 5)
    assert {key: [l.id for l in lessons] for key, lessons in week.cells.items()} == {
        (dt.date(2012, 10, 22), 1): [t.lessons["maths_22"].id], (dt.date(2012, 10, 23), 1): [t.lessons["maths_23"].id],
        (DAY, 1): [t.lessons["maths1"].id], (DAY, 2): [t.lessons["physics2"].id], (DAY, 3): [t.lessons["russian3"].id],
        (DAY, 5): [t.lessons["maths5"].id]}
    assert week.times[1] == (dt.time(8, 30), dt.time(9, 15)) and 4 not in week.times
    assert (week.previous_monday, week.next_monday) == (dt.date(2012, 10, 15), dt.date(2012, 10, 29))


def test_a_week_without_lessons_has_no_rows(session, world):
    build_teacher_day(session, world)
    week = T.teacher_week(session, scope_of(session, world), dt.date(2012, 10, 31), DAY)
    assert week.numbers == () and week.cells == {}


def test_the_home_page_shows_the_teachers_blocks_in_order(app, session, world):
    build_teacher_day(session, world)
    shown = registry.read_blocks(session, scope_of(session, world), DAY)
    assert [s.block.name for s in shown] == ["teacher-lessons", "teacher-to-do", "teacher-class-absences"]
    assert [s.template for s in shown] == ["today/_lessons.html", "today/_to_do.html", "today/_class_absences.html"]
    # A role without blocks keeps the plain start page; a teacher with no staff row sees none of them.
    assert registry.blocks_for(R.PARENT) == []
    staffless = make_user(session, app.appbuilder.sm, "teacher2", R.TEACHER)
    assert registry.read_blocks(session, load_scope(session, staffless), DAY) == []


def test_a_registered_block_joins_the_page_once_in_its_place(session, world):
    build_teacher_day(session, world)
    notice = registry.Block("test-notice", "today/_notice.html", lambda session, scope, day: {"day": day},
                            frozenset({R.TEACHER}), order=15)
    try:
        registry.register(notice)
        registry.register(notice)
        shown = registry.read_blocks(session, scope_of(session, world), DAY)
        assert [s.block.name for s in shown] == ["teacher-lessons", "test-notice", "teacher-to-do",
                                                 "teacher-class-absences"]
        assert shown[1].data == {"day": DAY}
    finally:
        registry._BLOCKS.pop("test-notice")


def test_day_names_include_sunday():
    assert registry.day_name(dt.date(2012, 10, 19)) == "пятница"
    assert registry.day_name(dt.date(2012, 10, 21)) == "воскресенье"


def test_staff_of_another_school_see_none_of_these_lessons(app, session, world):
    build_teacher_day(session, world)
    user = make_user(session, app.appbuilder.sm, "teacher_b", R.TEACHER)
    make_staff(session, world.school_b, "Сидоренко", user)
    session.commit()
    scope = load_scope(session, user)
    assert T.lessons_of_the_day(session, scope, DAY).lessons == []
    todo = T.things_to_do(session, scope, DAY)
    assert todo.missing_topics == () and todo.due == ()
