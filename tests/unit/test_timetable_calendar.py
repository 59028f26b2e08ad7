import datetime as dt

import pytest

from app.errors import DomainError
from app.models import Absence, Lesson, Substitution
from app.timetable.calendar import DayOff, generate_lessons, study_days
from app.timetable.clashes import save_cell
from tests.factories import make_catalogues, make_mark, make_pupil
from tests.timetable_helpers import MONDAY, build_timetable_school, make_holiday

FEB_WEEK = DayOff(dt.date(2013, 2, 11), dt.date(2013, 2, 17), grade_from=1, grade_to=1)


def test_study_days_skip_sundays_and_saturdays_of_five_day_week():
    days = study_days(dt.date(2012, 9, 1), dt.date(2012, 9, 9), [], 7, weekdays=(1, 2, 3, 4, 5))
    assert days == [dt.date(2012, 9, d) for d in (3, 4, 5, 6, 7)]


def test_study_days_include_saturday_for_six_day_week_and_never_sunday():
    days = study_days(dt.date(2012, 9, 1), dt.date(2012, 9, 9), [], 7, weekdays=(1, 2, 3, 4, 5, 6, 7))
    assert dt.date(2012, 9, 1) in days and dt.date(2012, 9, 8) in days and dt.date(2012, 9, 9) not in days


def test_extra_february_week_is_off_for_first_grade_only():
    start, end = dt.date(2013, 2, 11), dt.date(2013, 2, 15)
    assert study_days(start, end, [FEB_WEEK], 1) == []
    assert len(study_days(start, end, [FEB_WEEK], 2)) == 5


def test_holiday_bounds_are_inclusive():
    autumn = DayOff(dt.date(2012, 10, 29), dt.date(2012, 11, 4))
    days = study_days(dt.date(2012, 10, 26), dt.date(2012, 11, 6), [autumn], 7, weekdays=(1, 2, 3, 4, 5))
    assert days == [dt.date(2012, 10, 26), dt.date(2012, 11, 5), dt.date(2012, 11, 6)]


def test_empty_span():
    assert study_days(dt.date(2012, 9, 5), dt.date(2012, 9, 4), [], 7) == []


@pytest.fixture
def t(session):
    t = build_timetable_school(session)
    save_cell(session, t.class_7a, 1, 1, t.maths_7a.id, t.room_21.id, MONDAY)   # Mondays
    save_cell(session, t.class_7a, 3, 2, t.russian_7a.id, None, MONDAY)         # Wednesdays
    return t


def lessons(session, **filters):
    return session.query(Lesson).filter_by(**filters).order_by(Lesson.date, Lesson.lesson_number).all()


def test_first_quarter_lessons_follow_timetable_and_period_bounds(session, t):
    q1 = t.periods[0]  # 01.09–27.10.2012
    report = generate_lessons(session, q1)
    maths = lessons(session, assignment_id=t.maths_7a.id)
    # Mondays from 03.09 to 22.10: 8 lessons; none before the period or after it.
    assert [l.date for l in maths] == [dt.date(2012, 9, 3) + dt.timedelta(weeks=w) for w in range(8)]
    assert all(l.room_id == t.room_21.id and l.teacher_id == t.ivanova.id and l.school_id == t.school.id
               for l in maths)
    assert len(lessons(session, assignment_id=t.russian_7a.id)) == 8
    assert report.added == 16 and report.moved == [] and report.needs_decision == []


def test_regeneration_is_idempotent(session, t):
    generate_lessons(session, t.periods[0])
    again = generate_lessons(session, t.periods[0])
    assert (again.added, again.removed, again.moved, again.unchanged) == (0, 0, [], 16)
    assert session.query(Lesson).count() == 16


def test_holidays_and_grade_limited_holidays(session, t):
    make_holiday(session, t.school, t.year, dt.date(2012, 9, 17), dt.date(2012, 9, 23), "Неделя здоровья")
    make_holiday(session, t.school, t.year, dt.date(2012, 9, 24), dt.date(2012, 9, 30), "Только 1 классы", 1, 1)
    generate_lessons(session, t.periods[0])
    dates = [l.date for l in lessons(session, assignment_id=t.maths_7a.id)]
    assert dt.date(2012, 9, 17) not in dates and dt.date(2012, 9, 24) in dates


def test_regeneration_after_timetable_change_moves_empty_and_keeps_filled_lessons(session, t):
    generate_lessons(session, t.periods[0])
    filled = lessons(session, assignment_id=t.maths_7a.id)[5]  # 08.10
    filled.topic = "Линейная функция"
    pupil = make_pupil(session, t.class_7a)
    types = make_catalogues(session)
    marked = lessons(session, assignment_id=t.maths_7a.id)[6]  # 15.10
    make_mark(session, marked, pupil, 5, types["отв"])
    # From 01.10 maths moves from Monday lesson 1 to Tuesday lesson 3.
    change = dt.date(2012, 10, 1)
    save_cell(session, t.class_7a, 1, 1, t.russian_7a.id, None, change)
    from app.timetable.clashes import clear_cell

    clear_cell(session, t.class_7a, 1, 1, change)
    save_cell(session, t.class_7a, 2, 3, t.maths_7a.id, None, change)
    report = generate_lessons(session, t.periods[0])

    moved = {(c.old_date, c.date) for c in report.moved}
    assert (dt.date(2012, 10, 1), dt.date(2012, 10, 2)) in moved
    assert (dt.date(2012, 10, 22), dt.date(2012, 10, 23)) in moved
    assert {(c.date, c.reason) for c in report.needs_decision} == {
        (dt.date(2012, 10, 8), "есть тема"), (dt.date(2012, 10, 15), "есть отметки")}
    # The filled lessons keep their date and content; their weeks get the new Tuesday lesson too.
    assert session.get(Lesson, filled.id).date == dt.date(2012, 10, 8)
    maths_dates = [l.date for l in lessons(session, assignment_id=t.maths_7a.id)]
    assert dt.date(2012, 10, 9) in maths_dates and dt.date(2012, 10, 16) in maths_dates
    assert dt.date(2012, 9, 24) in maths_dates  # September stays on Mondays
    assert report.added == 2 and len(report.moved) == 2
    assert generate_lessons(session, t.periods[0]).changed is False


def test_lesson_with_absence_is_kept(session, t):
    generate_lessons(session, t.periods[0])
    make_catalogues(session)
    lesson = lessons(session, assignment_id=t.russian_7a.id)[-1]
    session.add(Absence(lesson_id=lesson.id, pupil_id=make_pupil(session, t.class_7a).id, code="б"))
    from app.timetable.clashes import clear_cell

    clear_cell(session, t.class_7a, 3, 2, dt.date(2012, 10, 1))
    report = generate_lessons(session, t.periods[0])
    assert [c.lesson_id for c in report.needs_decision] == [lesson.id]
    assert report.removed == 3  # 03.10, 10.10, 17.10 (24.10 has the absence)


def test_new_lessons_take_substitutions(session, t):
    session.add(Substitution(assignment_id=t.maths_7a.id, date=dt.date(2012, 9, 10), lesson_number=1,
                             substitute_id=t.sidorova.id))
    session.add(Substitution(assignment_id=t.maths_7a.id, date=dt.date(2012, 9, 17), lesson_number=1, cancelled=True))
    session.flush()
    generate_lessons(session, t.periods[0])
    by_date = {l.date: l for l in lessons(session, assignment_id=t.maths_7a.id)}
    assert by_date[dt.date(2012, 9, 10)].teacher_id == t.sidorova.id
    assert by_date[dt.date(2012, 9, 17)].cancelled is True
    assert by_date[dt.date(2012, 9, 24)].teacher_id == t.ivanova.id


def test_locked_period_is_refused(session, t):
    t.periods[0].locked_at = dt.datetime(2012, 10, 28)
    with pytest.raises(DomainError, match="закрыт"):
        generate_lessons(session, t.periods[0])


def test_substitution_needs_a_scheduled_lesson_and_a_free_substitute(session, t):
    from app.timetable.substitutions import check_substitution

    # Not generated yet: the timetable decides. Maths 7А is on Mondays, lesson 1.
    tuesday = Substitution(assignment_id=t.maths_7a.id, date=dt.date(2012, 9, 11), lesson_number=1,
                           substitute_id=t.sidorova.id)
    with pytest.raises(DomainError, match="нет 1-го урока"):
        check_substitution(session, tuesday)
    save_cell(session, t.class_8b, 1, 2, t.maths_8b.id, None, MONDAY)  # Иванова busy in 8Б, Monday lesson 2
    save_cell(session, t.class_7a, 1, 2, t.russian_7a.id, None, MONDAY)
    monday = Substitution(assignment_id=t.russian_7a.id, date=dt.date(2012, 9, 10), lesson_number=2,
                          substitute_id=t.ivanova.id)
    with pytest.raises(DomainError, match="Иванова А.П. в это время ведёт урок: 8Б"):
        check_substitution(session, monday)
    monday.substitute_id = t.sidorova.id
    check_substitution(session, monday)
