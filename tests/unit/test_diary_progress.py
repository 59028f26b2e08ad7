"""Progress per subject (app.diary.progress) and the shared weighted average."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.diary import progress as P
from app.diary.pupils import visible_pupil
from app.journal.grading import weighted_average
from app.models import Absence, PeriodMark
from app.security.scope import load_scope
from tests.diary_helpers import MONDAY, build_diary_week
from tests.factories import make_catalogues, make_lesson, make_mark


def card(session, world):
    return visible_pupil(session, load_scope(session, world.users["admin"]), world.pupil_a.id)


def by_subject(progress):
    return {s.subject: s for s in progress.subjects}


@pytest.mark.parametrize("marks, expected", [
    ([], None),
    ([(5, Decimal("1"))], Decimal("5.00")),
    ([(5, Decimal("1")), (3, Decimal("2"))], Decimal("3.67")),
    ([(4, Decimal("1.5")), (5, Decimal("1.5")), (2, Decimal("1"))], Decimal("3.88")),  # 15.5 / 4 = 3.875
    ([(4, Decimal("1")), (5, Decimal("1"))], Decimal("4.50")),
    ([(5, Decimal("1")), (4, Decimal("1")), (4, Decimal("1")), (4, Decimal("1.0")), (4, Decimal("1")),
      (4, Decimal("1")), (4, Decimal("1")), (4, Decimal("1"))], Decimal("4.13")),  # 4.125 rounds half up
])
def test_weighted_average_is_the_journals_formula(marks, expected):
    assert weighted_average(marks) == expected


def test_progress_lists_marks_with_dates_types_and_the_weighted_average(session, world):
    build_diary_week(session, world)
    progress = P.build_progress(session, card(session, world), None, MONDAY)
    assert progress.chosen.name == "1 четверть"
    subjects = by_subject(progress)
    assert list(subjects) == ["Английский язык", "Математика", "Русский язык"]
    maths = subjects["Математика"]
    # 10.09 «отв» 5 (build_world) and 17.09 «к/р» 5 ×2, «отв» 4 -> (5 + 10 + 4) / 4 = 4.75
    assert [(m.date, m.value, m.work_type_short) for m in maths.marks] == [
        (dt.date(2012, 9, 10), 5, "отв"), (MONDAY, 5, "к/р"), (MONDAY, 4, "отв")]
    assert maths.average == Decimal("4.75")
    assert subjects["Русский язык"].marks == [] and subjects["Русский язык"].average is None


def test_progress_of_another_period_and_the_year(session, world):
    build_diary_week(session, world)
    types = make_catalogues(session)
    pupil = card(session, world)
    periods = P.study_periods(session, pupil)
    assert [p.name for p in periods] == ["1 четверть", "2 четверть", "3 четверть", "4 четверть", ""]
    maths_assignment = world.lesson_a.assignment
    november = make_lesson(session, maths_assignment, dt.date(2012, 11, 12), 1, topic="Проценты")
    make_mark(session, november, world.pupil_a, 3, types["с/р"])
    q1, q2 = periods[0], periods[1]
    maths = world.lesson_a.assignment.subject_id
    session.add_all([
        PeriodMark(pupil_id=world.pupil_a.id, class_group_id=world.class_a.id, subject_id=maths,
                   academic_year_id=world.year.id, study_period_id=q1.id, value="5"),
        PeriodMark(pupil_id=world.pupil_a.id, class_group_id=world.class_a.id, subject_id=maths,
                   academic_year_id=world.year.id, study_period_id=None, value="4"),
    ])
    session.commit()

    second = by_subject(P.build_progress(session, pupil, str(q2.id), MONDAY))["Математика"]
    assert [m.value for m in second.marks] == [3] and second.average == Decimal("3.00")
    assert second.period_mark is None and second.year_mark == "4"
    first = by_subject(P.build_progress(session, pupil, str(q1.id), MONDAY))["Математика"]
    assert first.period_mark == "5"
    year = P.build_progress(session, pupil, P.YEAR, MONDAY)
    assert year.chosen.id is None
    maths_year = by_subject(year)["Математика"]
    # (5 + 10 + 4 + 4.5) / (1 + 2 + 1 + 1.5) = 23.5 / 5.5 = 4.2727 -> 4.27
    assert maths_year.average == Decimal("4.27") and maths_year.period_marks == {q1.id: "5"}


def test_unknown_period_falls_back_to_the_current_one(session, world):
    build_diary_week(session, world)
    progress = P.build_progress(session, card(session, world), "999999", dt.date(2012, 11, 20))
    assert progress.chosen.name == "2 четверть"
    holidays = P.build_progress(session, card(session, world), "junk", dt.date(2012, 10, 30))
    assert holidays.chosen.name == "1 четверть"  # the last period begun


def test_attendance_summary_by_absence_code(session, world):
    dw = build_diary_week(session, world)
    session.add(Absence(lesson_id=dw.lessons["tue2"].id, pupil_id=world.pupil_a.id, code="оп"))
    session.add(Absence(lesson_id=dw.lessons["mon2"].id, pupil_id=world.pupil_a.id, code="н"))
    session.commit()
    progress = P.build_progress(session, card(session, world), None, MONDAY)
    assert sorted((a.code, a.lessons) for a in progress.attendance) == [("б", 1), ("н", 1), ("оп", 1)]
    assert progress.missed_lessons == 2  # a late arrival is not a missed lesson
    assert progress.missed_excused == 1


def test_progress_of_a_pupil_without_class_is_empty(session, world):
    world.pupil_a.class_group_id = None
    session.commit()
    progress = P.build_progress(session, card(session, world), None, MONDAY)
    assert progress.chosen is None and progress.subjects == [] and progress.periods == []
