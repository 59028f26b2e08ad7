"""The day the diary opens on when no date is asked for: the home page of parents and pupils.

Today, if it is a school day of the pupil; on Sunday, the Monday after; in holidays (a holiday of
the pupil's grade, or a gap between study periods), the first school day after them, and the page
says so; after the year's last study period, its last school day. Saturday is a day of the diary
week (Monday to Saturday), so a Saturday within a study period is opened as itself.

Plain arithmetic over the school's calendar (app.diary.week.SchoolCalendar, kept per process): no
statement, except `opening`'s fallback outside the pupil's school year (week.reference_date).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.diary.pupils import PupilCard
from app.diary.week import SchoolCalendar, reference_date

SUNDAY = 7


@dataclass(frozen=True)
class Landing:
    """Where the diary opens. `holiday` names the holidays skipped to reach `day` ("" for a gap
    between study periods that no holiday row names); `year_over`: today is after the year's last
    study day, `day` is that day."""

    day: dt.date
    holiday: str | None = None
    year_over: bool = False

    @property
    def skipped_holidays(self) -> bool:
        return self.holiday is not None


def _holiday(calendar: SchoolCalendar, grade: int | None, day: dt.date) -> str | None:
    if grade is None:
        return None
    return next((name for name, starts, ends, low, high in calendar.holidays
                 if starts <= day <= ends and low <= grade <= high), None)


def is_school_day(calendar: SchoolCalendar, pupil: PupilCard, day: dt.date) -> bool:
    """Monday to Saturday, within a study period of the pupil's year, not a holiday of the grade."""
    return (day.isoweekday() != SUNDAY
            and any(p.starts_on <= day <= p.ends_on for p in _periods(calendar, pupil))
            and _holiday(calendar, pupil.grade, day) is None)


def _periods(calendar: SchoolCalendar, pupil: PupilCard):
    if pupil.academic_year_id is None:
        return calendar.periods
    return calendar.periods_of_year(pupil.academic_year_id)


def landing_day(calendar: SchoolCalendar, pupil: PupilCard, today: dt.date) -> Landing:
    """The day the pupil's diary opens on `today` (see the module's docstring). A school without
    study periods opens on today (the week page explains the missing periods)."""
    day = today + dt.timedelta(days=1) if today.isoweekday() == SUNDAY else today
    periods = _periods(calendar, pupil)
    if not periods or is_school_day(calendar, pupil, day):
        return Landing(day)
    last = max(p.ends_on for p in periods)
    if day > last:
        return Landing(_last_school_day(calendar, pupil, last), year_over=True)
    name = _holiday(calendar, pupil.grade, day)
    probe = day + dt.timedelta(days=1)
    while probe <= last:
        if is_school_day(calendar, pupil, probe):
            return Landing(probe, holiday=name or "")
        probe += dt.timedelta(days=1)
    return Landing(_last_school_day(calendar, pupil, last), year_over=True)


def _last_school_day(calendar: SchoolCalendar, pupil: PupilCard, last: dt.date) -> dt.date:
    """The year's last school day, `last` (the end of its last period) or before it."""
    first = min(p.starts_on for p in _periods(calendar, pupil))
    day = last
    while day > first and not is_school_day(calendar, pupil, day):
        day -= dt.timedelta(days=1)
    return day


def opening(session: Session, pupil: PupilCard, calendar: SchoolCalendar, today: dt.date) -> Landing:
    """Where the diary of `pupil` opens today: `landing_day` within the pupil's school year;
    outside it (summer, a demo of a past year) week.reference_date's day, the latest with a lesson
    topic (one statement, only then). A pupil without a class opens on today."""
    if pupil.class_group_id is None or pupil.year_starts_on is None:
        return Landing(today)
    if not pupil.year_starts_on <= today <= pupil.year_ends_on:
        return Landing(reference_date(session, pupil, today))
    return landing_day(calendar, pupil, today)
