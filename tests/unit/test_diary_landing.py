"""The day the diary opens on, the home page of parents and pupils (app.diary.landing).

A hand-made calendar of the 2012/2013 year: quarters 01.09–27.10, 05.11–29.12, 11.01–24.03,
01.04–31.05; «Осенние каникулы» 28.10–04.11 and «День народного единства» 05.11 for every grade,
«Дополнительные каникулы» 11.02–17.02 for grade 1 only."""
from __future__ import annotations

import datetime as dt

from app.diary.landing import Landing, landing_day, opening
from app.diary.pupils import PupilCard
from app.diary.week import CalendarPeriod, SchoolCalendar

D = dt.date
QUARTERS = ((D(2012, 9, 1), D(2012, 10, 27)), (D(2012, 11, 5), D(2012, 12, 29)),
            (D(2013, 1, 11), D(2013, 3, 24)), (D(2013, 4, 1), D(2013, 5, 31)))
CALENDAR = SchoolCalendar(
    periods=tuple(CalendarPeriod(f"{n} четверть", starts, ends, n, 1, n, None)
                  for n, (starts, ends) in enumerate(QUARTERS, 1))
    # Another year's quarter of the same school: never a landing day for this year's pupil.
    + (CalendarPeriod("1 четверть", D(2013, 9, 2), D(2013, 10, 26), 9, 2, 1, None),),
    holidays=(("Осенние каникулы", D(2012, 10, 28), D(2012, 11, 4), 1, 11),
              ("День народного единства", D(2012, 11, 5), D(2012, 11, 5), 1, 11),
              ("Дополнительные каникулы", D(2013, 2, 11), D(2013, 2, 17), 1, 1)),
    bells={},
)


def pupil(grade=5) -> PupilCard:
    return PupilCard(id=1, last_name="Петрова", first_name="Аня", school_id=1, school_name="Школа № 1",
                     class_group_id=1, grade=grade, letter="А", academic_year_id=1,
                     year_starts_on=D(2012, 9, 1), year_ends_on=D(2013, 8, 31))


def test_a_weekday_opens_on_itself():
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 17)) == Landing(D(2012, 10, 17))  # Wednesday


def test_saturday_opens_on_itself_and_sunday_on_the_next_monday():
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 20)) == Landing(D(2012, 10, 20))
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 21)) == Landing(D(2012, 10, 22))


def test_the_last_day_before_holidays_opens_on_itself():
    # Saturday 27.10 ends the first quarter.
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 27)) == Landing(D(2012, 10, 27))
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 26)) == Landing(D(2012, 10, 26))


def test_the_sunday_before_holidays_opens_on_the_first_day_after_them():
    # Monday 29.10 is in the autumn holidays, 05.11 a holiday too: Tuesday 06.11.
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 28)) == Landing(D(2012, 11, 6), holiday="Осенние каникулы")


def test_inside_holidays_opens_on_the_first_school_day_after_them_saying_which():
    assert landing_day(CALENDAR, pupil(), D(2012, 10, 31)) == Landing(D(2012, 11, 6), holiday="Осенние каникулы")
    assert landing_day(CALENDAR, pupil(), D(2012, 11, 5)) == Landing(D(2012, 11, 6), holiday="День народного единства")


def test_a_gap_between_periods_without_a_holiday_row_is_holidays_too():
    # 30.12–10.01: no holiday row, no study period; Friday 11.01 starts the third quarter.
    assert landing_day(CALENDAR, pupil(), D(2013, 1, 3)) == Landing(D(2013, 1, 11), holiday="")


def test_holidays_of_another_grade_do_not_move_the_day():
    assert landing_day(CALENDAR, pupil(grade=5), D(2013, 2, 13)) == Landing(D(2013, 2, 13))
    assert landing_day(CALENDAR, pupil(grade=1), D(2013, 2, 13)) == Landing(
        D(2013, 2, 18), holiday="Дополнительные каникулы")


def test_the_years_end_opens_on_its_last_school_day():
    assert landing_day(CALENDAR, pupil(), D(2013, 5, 31)) == Landing(D(2013, 5, 31))  # Friday, the last day
    # Saturday 01.06, Sunday 02.06, a day in July: no school day follows in this year.
    for today in (D(2013, 6, 1), D(2013, 6, 2), D(2013, 7, 15)):
        assert landing_day(CALENDAR, pupil(), today) == Landing(D(2013, 5, 31), year_over=True), today


def test_the_year_ending_on_sunday_opens_on_its_saturday():
    calendar = SchoolCalendar(periods=(CalendarPeriod("4 четверть", D(2013, 4, 1), D(2013, 5, 26), 4, 1, 4, None),),
                              holidays=(), bells={})
    assert landing_day(calendar, pupil(), D(2013, 5, 26)) == Landing(D(2013, 5, 25), year_over=True)


def test_a_school_without_periods_opens_on_today():
    empty = SchoolCalendar(periods=(), holidays=(), bells={})
    assert landing_day(empty, pupil(), D(2012, 10, 31)) == Landing(D(2012, 10, 31))


def test_outside_the_pupils_year_opening_falls_back_without_the_calendar():
    no_class = PupilCard(id=2, last_name="Сидоров", first_name="Петя", school_id=1, school_name="Школа № 1")
    assert opening(None, no_class, CALENDAR, D(2012, 10, 31)) == Landing(D(2012, 10, 31))
    assert opening(None, pupil(), CALENDAR, D(2012, 10, 31)) == Landing(D(2012, 11, 6), holiday="Осенние каникулы")
