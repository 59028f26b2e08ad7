"""Where the journal grid opens (app.journal.grid): the period when none is asked for, and the
lesson whose column the page scrolls to."""
from __future__ import annotations

import datetime as dt

from app.diary.week import CalendarPeriod
from app.journal.grid import GridLesson, current_period, focus_lesson, period_of_date


def lesson(lesson_id, day, number=1):
    return GridLesson(id=lesson_id, date=dt.date(2012, 10, day), number=number, topic=None, homework=None, homework_count=0, version=1,
                      editable=True)


LESSONS = [lesson(1, 16), lesson(2, 18), lesson(3, 19, 2), lesson(4, 19, 4), lesson(5, 23)]


def test_the_grid_opens_at_the_lesson_asked_for_else_todays_first_else_the_latest_past():
    assert focus_lesson(LESSONS, dt.date(2012, 10, 19), asked=2) == 2
    assert focus_lesson(LESSONS, dt.date(2012, 10, 19)) == 3
    assert focus_lesson(LESSONS, dt.date(2012, 10, 21)) == 4          # a Sunday: Friday's last lesson
    assert focus_lesson(LESSONS, dt.date(2012, 10, 19), asked=99) == 3  # not a column of this grid
    assert focus_lesson(LESSONS, dt.date(2012, 10, 1)) is None         # every lesson still to come
    assert focus_lesson([], dt.date(2012, 10, 19)) is None


def period(number, starts, ends):
    return CalendarPeriod(f"{number} четверть", starts, ends, number, 1, number, None)


QUARTERS = [period(1, dt.date(2012, 9, 1), dt.date(2012, 10, 27)),
            period(2, dt.date(2012, 11, 5), dt.date(2012, 12, 29))]


def test_the_current_period_is_todays_or_in_the_holidays_the_one_just_ended():
    assert current_period(QUARTERS, dt.date(2012, 10, 19)).number == 1
    assert current_period(QUARTERS, dt.date(2012, 11, 20)).number == 2
    assert current_period(QUARTERS, dt.date(2012, 11, 1)).number == 1   # the autumn holidays
    assert current_period(QUARTERS, dt.date(2013, 7, 1)).number == 2    # after the last
    assert current_period(QUARTERS, dt.date(2012, 8, 20)).number == 1   # before the first
    assert current_period([], dt.date(2012, 10, 19)) is None


def test_the_period_of_a_date():
    assert period_of_date(QUARTERS, dt.date(2012, 11, 5)).number == 2
    assert period_of_date(QUARTERS, dt.date(2012, 11, 1)) is None
