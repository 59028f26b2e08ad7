"""The diary's week and progress pages ask the database a fixed number of questions, however many
lessons, marks and absences the pupil has."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.diary_helpers import MONDAY, build_diary_week, sign_in
from tests.factories import make_catalogues, make_lesson, make_mark
from tests.statements import page_statements

# The page's own statements, FAB's login and permission checks (ab_* tables) left out: they are
# the same on every page. The scope, the family's pupil cards and the school's calendar (study
# periods, holidays, bells) come from the process's cache (app/reference_cache.py).
# Week: lessons with the pupil's marks, absences and cancellations, timetable slots with their
# substitutions, the homework due in the week with its files (one statement for the week, not one
# per day or lesson), and the visit upsert.
WEEK_STATEMENTS = 4
# Progress: the date it opens on, subjects, marks, period marks, attendance, and the visit upsert;
# the study periods come with the school's calendar.
PROGRESS_STATEMENTS = 6


@pytest.fixture
def diary(session, world):
    return build_diary_week(session, world)


def _fill_week(session, diary, monday):
    """Six lessons a day with a mark each: a full week of the pupil's diary."""
    types = make_catalogues(session)
    for offset in range(6):
        for number in range(1, 7):
            lesson = make_lesson(session, diary.maths, monday + dt.timedelta(days=offset), number,
                                 topic=f"Тема {offset}.{number}", homework="§ 1")
            make_mark(session, lesson, diary.world.pupil_a, 4, types["с/р"])
            make_mark(session, lesson, diary.world.pupil_a, 5, types["отв"], position=1)
    session.commit()


def test_diary_week_costs_the_same_statements_for_a_full_week(client, session, world, diary):
    full_monday = MONDAY + dt.timedelta(days=7)
    _fill_week(session, diary, full_monday)
    sign_in(client, "parent")
    small, _ = page_statements(client, session, f"/diary/{world.pupil_a.id}/?date={MONDAY.isoformat()}")
    full, page = page_statements(client, session, f"/diary/{world.pupil_a.id}/?date={full_monday.isoformat()}")
    assert page.count("Тема ") >= 36
    assert small == full <= WEEK_STATEMENTS  # the same at both sizes, within the budget


def test_diary_progress_costs_the_same_statements_with_more_marks(client, session, world, diary):
    url = f"/diary/{world.pupil_a.id}/progress/"
    sign_in(client, "parent")
    small, _ = page_statements(client, session, url)
    _fill_week(session, diary, MONDAY + dt.timedelta(days=7))
    more, _ = page_statements(client, session, url)
    assert small == more <= PROGRESS_STATEMENTS
