"""The diary week shows exactly what the timetable and the journal recorded (app.diary.week)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import event, select

from app.diary import week as W
from app.diary.pupils import children, visible_pupil
from app.models import Lesson, Mark, MarkType, Substitution
from app.security.scope import load_scope
from tests.diary_helpers import MONDAY, add_holiday, build_diary_week, day
from tests.factories import make_catalogues, make_lesson, make_mark, make_pupil


def pupil_card(session, world, pupil=None):
    scope = load_scope(session, world.users["admin"])
    return visible_pupil(session, scope, (pupil or world.pupil_a).id)


def lessons_of(week, offset):
    return [(lesson.number, lesson.subject) for lesson in week.days[offset].lessons]


def test_week_shows_lessons_by_number_with_bells_teacher_room(session, world):
    build_diary_week(session, world)
    week = W.build_week(session, pupil_card(session, world), day(2), today=day(1))
    assert week.state == W.OK
    assert week.monday == MONDAY and [d.date for d in week.days] == [day(i) for i in range(6)]
    assert lessons_of(week, 0) == [(1, "Математика"), (2, "Русский язык")]
    assert lessons_of(week, 1) == [(1, "Русский язык"), (2, "Математика")]
    # Only the pupil's own English group; the other group's lesson at the same number is not hers.
    assert lessons_of(week, 2) == [(1, "Математика"), (3, "Английский язык")]
    assert lessons_of(week, 3) == [(1, "Математика")]
    assert week.days[4].lessons == [] and week.days[5].lessons == []
    mon1 = week.days[0].lessons[0]
    assert (mon1.starts_at, mon1.ends_at) == (dt.time(8, 30), dt.time(9, 15))
    assert mon1.teacher == "Иванова А.П." and mon1.room == "21"
    assert week.days[2].lessons[1].teacher == "Смирнова А.П." and week.days[2].lessons[1].room == "34"
    assert week.days[1].is_today and not week.days[0].is_today
    assert week.period_name == "1 четверть"


def test_week_shows_topic_homework_marks_with_type_and_weight(session, world):
    build_diary_week(session, world)
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    mon1 = week.days[0].lessons[0]
    assert mon1.recorded and mon1.topic == "Сложение дробей"
    assert mon1.homework == [], "Monday's homework shows on the day it is due, not where it was given"
    assert [(m.value, m.work_type, m.weight) for m in mon1.marks] == [
        (5, "Контрольная работа", Decimal("2.0")), (4, "Ответ на уроке", Decimal("1.0"))]
    assert week.days[1].lessons[0].absence.code == "б"
    assert week.days[1].lessons[0].absence.excused
    tue2 = week.days[1].lessons[1]
    assert tue2.topic == "Вычитание дробей"
    assert [(h.subject, h.text, h.given_on, h.individual) for h in tue2.homework] == [
        ("Математика", "№ 15, 16 на с. 40", MONDAY, False)]


def test_substitution_and_cancellation_are_shown_as_such(session, world):
    build_diary_week(session, world)
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    mon2 = week.days[0].lessons[1]
    assert mon2.substituted and mon2.teacher == "Иванова А.П." and mon2.replaces == "Петрова А.П."
    assert mon2.topic == "Причастный оборот" and mon2.homework == []
    assert [h.text for h in week.days[1].lessons[0].homework] == ["Упр. 112"], "due at Tuesday's Russian"
    wed1 = week.days[2].lessons[0]
    assert wed1.cancelled and not wed1.recorded
    assert not week.days[0].lessons[0].substituted and not week.days[0].lessons[0].cancelled
    thu1 = week.days[3].lessons[0]
    assert (thu1.number, thu1.subject) == (1, "Математика") and not thu1.cancelled, \
        "the same lesson of the same assignment on another day keeps its own (no) substitution"


def test_a_recorded_lesson_the_secretary_cancelled_reads_cancelled(session, world):
    dw = build_diary_week(session, world)
    session.add(Substitution(assignment_id=dw.maths.id, date=day(0), lesson_number=1, cancelled=True, reason="карантин"))
    session.commit()
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    mon1 = week.days[0].lessons[0]
    assert mon1.recorded and mon1.cancelled and mon1.topic == "Сложение дробей"
    assert [m.value for m in mon1.marks] == [5, 4], "the marks stay, one row per mark as before"
    assert not week.days[0].lessons[1].cancelled


def test_week_equals_what_the_journal_recorded(session, world):
    """Every recorded lesson of the class in the week, and every mark of the pupil, is in the diary."""
    dw = build_diary_week(session, world)
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    shown = {(d.date, lesson.number, lesson.subject): lesson for d in week.days for lesson in d.lessons if lesson.recorded}
    recorded = session.execute(select(Lesson).where(
        Lesson.class_group_id == world.class_a.id, Lesson.date.between(MONDAY, day(5)),
        Lesson.assignment_id.not_in([dw.english_2.id]))).scalars().all()
    assert len(shown) == len(recorded) == 4
    for lesson in recorded:
        diary = shown[(lesson.date, lesson.lesson_number, lesson.assignment.subject.name)]
        assert diary.topic == lesson.topic
        marks = session.execute(
            select(Mark.value, MarkType.name).join(MarkType).where(Mark.lesson_id == lesson.id, Mark.pupil_id == world.pupil_a.id)
            .order_by(Mark.position)).all()
        assert [(m.value, m.work_type) for m in diary.marks] == [tuple(m) for m in marks]


def test_week_costs_the_same_few_queries_however_many_lessons(app, session, world):
    dw = build_diary_week(session, world)
    card = pupil_card(session, world)
    statements = []

    def count(*_args):
        statements.append(1)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        W.build_week(session, card, MONDAY, today=MONDAY)
        small = len(statements)
        # Fill the following week completely: six lessons a day with a topic and a mark each.
        types = make_catalogues(session)
        for offset in range(7, 13):
            for number in range(1, 7):
                lesson = make_lesson(session, dw.maths, MONDAY + dt.timedelta(days=offset), number, topic="т", homework="д")
                make_mark(session, lesson, world.pupil_a, 5, types["отв"])
        session.commit()
        statements.clear()
        full = W.build_week(session, card, MONDAY + dt.timedelta(days=7), today=MONDAY)
        assert full.lesson_count >= 36
        assert len(statements) == small <= 9
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_pupil_without_class_is_explained(session, world):
    world.pupil_a.class_group_id = None
    session.commit()
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    assert week.state == W.NO_CLASS and week.days == []


def test_week_outside_study_periods(session, world):
    build_diary_week(session, world)
    # 29.10–03.11.2012: between the first quarter (ends 27.10) and the second (starts 05.11).
    week = W.build_week(session, pupil_card(session, world), dt.date(2012, 10, 31), today=MONDAY)
    assert week.state == W.OUTSIDE_PERIODS
    assert all(d.outside_periods and not d.lessons for d in week.days)
    summer = W.build_week(session, pupil_card(session, world), dt.date(2013, 7, 10), today=MONDAY)
    assert summer.state == W.OUTSIDE_PERIODS


def test_holiday_week_for_the_pupils_grade(session, world):
    build_diary_week(session, world)
    add_holiday(session, world.school_a, world.year, "Карантин по гриппу", dt.date(2013, 2, 11), dt.date(2013, 2, 16),
                grades=(5, 9))
    week = W.build_week(session, pupil_card(session, world), dt.date(2013, 2, 13), today=MONDAY)
    assert week.state == W.HOLIDAY and week.holiday_name == "Карантин по гриппу"
    assert all(d.holiday == "Карантин по гриппу" and not d.lessons for d in week.days)
    # A first-grade holiday does not touch a seventh-grader.
    add_holiday(session, world.school_a, world.year, "Доп. каникулы 1 кл.", dt.date(2013, 2, 18), dt.date(2013, 2, 23),
                grades=(1, 1))
    week = W.build_week(session, pupil_card(session, world), dt.date(2013, 2, 18), today=MONDAY)
    assert week.state == W.OK and week.days[0].lessons


def test_a_holiday_day_inside_a_school_week(session, world):
    build_diary_week(session, world)
    add_holiday(session, world.school_a, world.year, "Праздничный день", day(2), day(2))
    week = W.build_week(session, pupil_card(session, world), MONDAY, today=MONDAY)
    assert week.state == W.OK
    assert week.days[2].holiday == "Праздничный день" and week.days[2].lessons == []
    assert week.days[3].lessons


def test_no_timetable_yet(session, world):
    cls_pupil = make_pupil(session, world.class_a_other, "Новикова")
    session.commit()
    week = W.build_week(session, pupil_card(session, world, cls_pupil), MONDAY, today=MONDAY)
    assert week.state == W.NO_TIMETABLE


def test_reference_date_is_today_within_the_year_else_the_last_recorded_day(session, world):
    build_diary_week(session, world)
    card = pupil_card(session, world)
    assert W.reference_date(session, card, dt.date(2012, 11, 20)) == dt.date(2012, 11, 20)
    # A demo database of 2012 opened years later: the last day with a recorded topic.
    assert W.reference_date(session, card, dt.date(2025, 3, 3)) == day(1)


def test_children_are_the_parents_own_only(session, world):
    scope = load_scope(session, world.users["parent"])
    assert {kid.id for kid in children(session, scope)} == {world.pupil_a.id, world.sibling_a.id}
    assert visible_pupil(session, scope, world.pupil_a_other.id) is None
    assert visible_pupil(session, scope, world.pupil_b.id) is None
    assert children(session, load_scope(session, world.users["teacher"])) == []
