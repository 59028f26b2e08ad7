"""The due-date rule of homework (app.journal.homework): by default the next lesson of the same
teaching assignment, on a later day, across cancellations, substitutions, holidays and the end of
a study period, from the lesson calendar and, where it is not generated yet, the timetable.

The school of tests.timetable_helpers, 7А's mathematics on Mondays (lesson 1) and Thursdays
(lesson 2) from 03.09.2012, the 2012/2013 quarters (1st: 01.09–27.10, 2nd: 05.11–29.12), the
autumn holidays 28.10–04.11 and the day off of Monday 05.11.2012 (День народного единства moved
from Sunday 04.11).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.journal.homework import lesson_dates, next_lesson_date, year_end
from app.models import Lesson, Substitution
from app.timetable.calendar import generate_lessons
from app.timetable.clashes import save_cell
from app.timetable.substitutions import apply_substitution
from tests.timetable_helpers import MONDAY, build_timetable_school, make_holiday

YEAR_END = dt.date(2013, 5, 31)


def d(day: int, month: int, year: int = 2012) -> dt.date:
    return dt.date(year, month, day)


@pytest.fixture
def t(session):
    t = build_timetable_school(session)
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_21.id, MONDAY)  # Mondays, 1st lesson
    save_cell(session, t.class_7a, 4, 2, t.maths_7a.id, t.room_21.id, MONDAY)  # Thursdays, 2nd lesson
    make_holiday(session, t.school, t.year, d(28, 10), d(4, 11), "Осенние каникулы")
    make_holiday(session, t.school, t.year, d(5, 11), d(5, 11), "День народного единства")
    generate_lessons(session, t.periods[0])  # the 1st quarter's calendar; the 2nd is not generated
    session.commit()
    return t


def next_after(session, t, day: dt.date, assignment=None) -> dt.date | None:
    return next_lesson_date(session, (assignment or t.maths_7a).id, day, YEAR_END)


def lesson_on(session, t, day: dt.date) -> Lesson:
    return session.scalar(select(Lesson).where(Lesson.assignment_id == t.maths_7a.id, Lesson.date == day))


def test_the_next_lesson_is_the_next_one_of_the_same_assignment(session, t):
    assert next_after(session, t, d(15, 10)) == d(18, 10)  # Monday → Thursday
    assert next_after(session, t, d(18, 10)) == d(22, 10)  # Thursday → Monday
    assert next_after(session, t, d(16, 10)) == d(18, 10)  # from a day without mathematics


def test_a_cancelled_lesson_is_skipped(session, t):
    cancelled = Substitution(assignment_id=t.maths_7a.id, date=d(18, 10), lesson_number=2, cancelled=True,
                             reason="экскурсия")
    session.add(cancelled)
    apply_substitution(session, cancelled)
    session.commit()
    assert lesson_on(session, t, d(18, 10)).cancelled
    assert next_after(session, t, d(15, 10)) == d(22, 10)


def test_a_lesson_taken_by_a_substitute_still_counts(session, t):
    substituted = Substitution(assignment_id=t.maths_7a.id, date=d(18, 10), lesson_number=2,
                               substitute_id=t.petrova.id, reason="болезнь учителя")
    session.add(substituted)
    apply_substitution(session, substituted)
    session.commit()
    assert lesson_on(session, t, d(18, 10)).teacher_id == t.petrova.id
    assert next_after(session, t, d(15, 10)) == d(18, 10)


def test_the_last_lesson_of_a_quarter_is_followed_by_the_first_after_the_holidays(session, t):
    # Thu 25.10 is the quarter's last mathematics; Mon 05.11, the 2nd quarter's first day, is a day
    # off; the 2nd quarter has no calendar yet, so its timetable counts: Thursday 08.11.
    assert session.scalar(select(Lesson.id).where(Lesson.date >= d(5, 11))) is None
    assert next_after(session, t, d(25, 10)) == d(8, 11)
    generate_lessons(session, t.periods[1])
    session.commit()
    assert next_after(session, t, d(25, 10)) == d(8, 11), "the same from the 2nd quarter's calendar"


def test_a_cancellation_in_a_period_not_generated_yet_is_skipped(session, t):
    session.add(Substitution(assignment_id=t.maths_7a.id, date=d(8, 11), lesson_number=2, cancelled=True,
                             reason="карантин"))
    session.commit()
    assert next_after(session, t, d(25, 10)) == d(12, 11)


def test_a_double_lesson_is_due_on_a_later_day(session, t):
    save_cell(session, t.class_7a, 1, 2, t.maths_7a.id, t.room_21.id, d(22, 10), add=True)  # Mondays 1 and 2
    generate_lessons(session, t.periods[0])
    session.commit()
    assert [lesson.lesson_number for lesson in session.scalars(select(Lesson).where(
        Lesson.assignment_id == t.maths_7a.id, Lesson.date == d(22, 10)))] == [1, 2]
    assert next_after(session, t, d(22, 10)) == d(25, 10)


def test_lesson_dates_list_each_day_once_and_stop_at_the_given_day(session, t):
    assert lesson_dates(session, t.maths_7a.id, d(15, 10), d(12, 11)) == [
        d(18, 10), d(22, 10), d(25, 10), d(8, 11), d(12, 11)]
    assert lesson_dates(session, t.maths_7a.id, d(15, 10), d(15, 10)) == []


def test_no_lesson_left_in_the_year_gives_none(session, t):
    assert next_after(session, t, YEAR_END) is None
    assert next_after(session, t, d(15, 10), assignment=t.russian_7a) is None, "Russian has no timetable"
    assert year_end(session, t.class_7a.id) == YEAR_END
